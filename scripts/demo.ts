// npm run demo [-- --customers 20000 --seed 7 --months 18 --orders-per-minute 60 --scenario file.json --no-live --verbose]
// The one-command demo: services, migrations, a generated shop with 18 months of history
// loaded into the Shopify emulator and imported by the app's real backfill (bulk
// operations → JSONL → mirror → ledger replay), its refunds delivered as webhooks, then the
// app, the worker and a live simulation of the shop's customers reacting to the program.
// It prints the emulator's admin frame address, where the dashboard is populated, and a
// storefront's, where the widget shows guests and members the program.
// Each run starts the demo shop afresh (the app's shop redaction erases the previous one),
// so re-running is safe. Ctrl-C stops everything.
import { parseArgs } from "node:util";
import type { StoredStage } from "../app/intelligence/scoring/run.server";
import { buildIsCurrent, ensureBuild } from "./build";
import { ensureServices } from "./services";
import { loadLocalEnv, prepareDatabase, SERVICE_ARGS, Supervisor } from "./processes";

const { values: args } = parseArgs({
  options: {
    customers: { type: "string", default: "20000" },
    seed: { type: "string", default: "7" },
    months: { type: "string", default: "18" },
    "orders-per-minute": { type: "string", default: "60" },
    scenario: { type: "string" },
    "no-live": { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
  },
});
const CUSTOMERS = positiveInt("customers", args.customers);
const SEED = positiveInt("seed", args.seed, 0);
const MONTHS = positiveInt("months", args.months);
const RATE = Number(args["orders-per-minute"]);
if (!Number.isFinite(RATE) || RATE <= 0) fail("--orders-per-minute must be a positive number.");

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
function positiveInt(name: string, raw: string | undefined, min = 1): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) fail(`--${name} must be a whole number ≥ ${min}, got ${raw}.`);
  return value;
}

loadLocalEnv();
const { env } = await import("../app/env.server");
const settings = env();
// The mail catcher's SMTP port (the emulator's "Sent messages"); EMULATOR_SMTP_PORT overrides.
const DEMO_SMTP_PORT = Number(process.env.EMULATOR_SMTP_PORT ?? 2525);
if (!Number.isInteger(DEMO_SMTP_PORT) || DEMO_SMTP_PORT < 1 || DEMO_SMTP_PORT > 65535)
  fail(`EMULATOR_SMTP_PORT must be a port number, got ${process.env.EMULATOR_SMTP_PORT}.`);
if (!settings.SHOPIFY_API_ORIGIN)
  fail("npm run demo drives the Shopify emulator: set SHOPIFY_API_ORIGIN in .env (see .env.example).");

const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const supervisor = new Supervisor("the demo");
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`.padStart(8);
const say = (line: string) => console.log(`[demo]    ${elapsed()}  ${line}`);

try {
  await ensureServices();
  await prepareDatabase();
  // The app runs from its production build, as a merchant's would: Vite's dev server
  // optimises dependencies on first sight and reloads the page mid-render (React saw two
  // copies of itself: "Invalid hook call"), which a demo must never show.
  if (!buildIsCurrent()) {
    say("Building the app (production build, once per change) ...");
    ensureBuild();
  }

  // Loaded after migrations and client generation: these import the app's Prisma client.
  const { createPrisma } = await import("../app/db.server");
  const { enqueueBackfill } = await import("../app/backfill/start.server");
  const { enqueueStatsRefresh } = await import("../app/stats/jobs.server");
  const { requestScoringRun } = await import("../app/intelligence/scoring/start.server");
  const { requestRecommendationRun } = await import("../app/intelligence/recommendations/start.server");
  const { requestWeeklyPicks } = await import("../app/intelligence/picks/start.server");
  const { closeQueues } = await import("../app/jobs/queue.server");
  const { createEmulator } = await import("../emulator/server");
  const { emulatorConfig, DEFAULT_SCOPES } = await import("../emulator/config");
  const { createSessionToken } = await import("../emulator/admin-frame/session-token");
  const { embeddedAppUrl } = await import("../emulator/admin-frame/handler");
  const { generateShop, loadScenario } = await import("../simulator/index");
  const { deliverAll, historyRefundDeliveries, loadShopIntoStore } = await import("../simulator/history");
  const { createHistoryRun, eraseShop, followBackfill, prepareShop, readAppState } =
    await import("../simulator/history-app.server");
  const { LiveSimulation } = await import("../simulator/live");
  const { responseSchema } = await import("../simulator/scenario/schema");
  const {
    DEMO_EXPERIMENT_DAYS,
    finishThresholdSearch,
    recordHistoryExposures,
    replayBanditUpdates,
    respondToArms,
    startDemoExperiments,
    startDemoThresholdSearch,
  } = await import("../simulator/demo-experiments.server");
  const { startDemoStorefront } = await import("./demo-storefront");
  const { DEMO_TWILIO, startDemoCampaigns } = await import("../simulator/demo-campaigns.server");
  const { deliverHistoryImports } = await import("../simulator/history-imports.server");

  const db = createPrisma(settings.DATABASE_URL, 4);
  supervisor.onStop(() => db.$disconnect());
  supervisor.onStop(() => closeQueues());

  const domain = process.env.EMULATOR_SHOP ?? "demo-loyalty.myshopify.com";
  const historyEnd = `${new Date().toISOString().slice(0, 10)}T00:00:00Z`;
  const response = args.scenario ? loadScenario(args.scenario).response : undefined;

  say(
    `Generating ${CUSTOMERS.toLocaleString("en-US")} customers, ${MONTHS} months of history (seed ${SEED}) ...`,
  );
  const generated = generateShop({
    seed: SEED,
    customers: CUSTOMERS,
    historyMonths: MONTHS,
    historyEnd,
    domain,
    // The shop ran a loyalty program before: its reward codes come in as past redemptions.
    pastLoyalty: {},
  });
  say(
    `Generated ${generated.products.length} products, ${generated.orders.length.toLocaleString("en-US")} orders, ` +
      `${generated.refunds.length.toLocaleString("en-US")} refunds, ${generated.reviews.length.toLocaleString("en-US")} reviews.`,
  );

  const previous = await db.shop.findUnique({ where: { domain }, select: { domain: true } });
  if (previous) {
    say(`Erasing the previous demo shop from the database (the app's shop/redact) ...`);
    await eraseShop(db, domain);
  }
  await prepareShop(db, generated);
  // Started before the backfill so that its replay credits orders since launch under the
  // program the app assigns each member (the held-out earn nothing and are shadowed) and
  // the report has 60 days to show.
  const { launchedAt, banditId } = await startDemoExperiments(db, domain, 1, new Date(historyEnd));
  const searchId = await startDemoThresholdSearch(db, generated, launchedAt);
  say(
    `Started the program holdout, the "double points" experiment, the reward-thresholds bandit and a reward-cost search on ${launchedAt.toISOString().slice(0, 10)} ` +
      `(${DEMO_EXPERIMENT_DAYS} days of history under them).`,
  );
  // The generated history is the baseline model; since launch, each customer buys as the
  // program the app assigned them makes them (the same response model as live mode).
  const thinned = await respondToArms(db, generated, launchedAt, response ?? responseSchema.parse({}));
  say(
    `History since launch follows each arm's response: orders left out ${Object.entries(thinned)
      .map(([arm, n]) => `${arm} ${n}`)
      .join(", ")} (${generated.orders.length.toLocaleString("en-US")} orders remain).`,
  );

  const emulatorUrl = new URL(settings.SHOPIFY_API_ORIGIN);
  const emulator = await createEmulator(
    emulatorConfig({
      port: Number(emulatorUrl.port || 4100),
      host: emulatorUrl.hostname,
      apiKey: settings.SHOPIFY_API_KEY,
      apiSecret: settings.SHOPIFY_API_SECRET,
      appUrl: settings.SHOPIFY_APP_URL,
      defaultShop: domain,
      scopes: process.env.SCOPES ?? DEFAULT_SCOPES,
    }),
    // The demo shop's email goes to the emulator's mail catcher ("Sent messages" at /mail).
    { mail: { port: DEMO_SMTP_PORT } },
  );
  supervisor.onStop(() => emulator.close());
  const loaded = loadShopIntoStore(emulator.store, generated, (p) => {
    if (p.done === p.total || p.done % 20_000 === 0) say(`Emulator store: ${p.stage} ${p.done}/${p.total}`);
  });
  say(`Shopify emulator listening on ${emulator.url} with the generated shop ${domain}.`);

  const run = await createHistoryRun(db, domain, generated);

  // The app and worker log every request and job at info; the demo's own progress lines
  // would drown in them, so they report warnings and errors only unless asked.
  const childEnv: Record<string, string> = {
    ...(args.verbose ? {} : { LOG_LEVEL: "warn" }),
    // Texts go to the emulator's Twilio stand-in (the demo shop's SMS account is registered there).
    TWILIO_API_BASE_URL: `${emulator.url}/twilio`,
  };
  emulator.twilio.accounts.set(DEMO_TWILIO.accountSid, DEMO_TWILIO.authToken);
  // A crashed worker comes back (with backoff) and the inbox sweeper catches up.
  supervisor.start("worker", SERVICE_ARGS.worker, childEnv, { restart: true });
  supervisor.start("web", SERVICE_ARGS.webBuilt, childEnv);

  say(`Waiting for the app at ${settings.SHOPIFY_APP_URL} ...`);
  await waitForApp(`${settings.SHOPIFY_APP_URL}/healthz`);
  // The first admin load installs the app: token exchange with the emulator, then the
  // app's afterAuth stores the offline session the worker's backfill uses.
  say(`Installing the app on ${domain} (first admin load) ...`);
  const token = createSessionToken(domain, settings.SHOPIFY_API_KEY, settings.SHOPIFY_API_SECRET).token;
  const install = await fetch(embeddedAppUrl(settings.SHOPIFY_APP_URL, domain, "/", token), {
    redirect: "manual",
    // The library answers 410 to user agents it takes for bots (Node's own included).
    headers: { "User-Agent": BROWSER_UA },
  });
  await install.text();
  const session = await db.session.findFirst({ where: { shop: domain, isOnline: false } });
  if (!session)
    throw new Error(`Installing the app failed (HTTP ${install.status}): no offline session for ${domain}.`);

  say(`Backfill: the worker imports the shop through bulk operations ...`);
  await enqueueBackfill(run.id);
  const done = await followBackfill(db, run.id, (line) => say(`Backfill ${line}`));
  say(
    `Backfill completed: ${done.ordersLoaded} orders, ${done.customersLoaded} customers; ` +
      `${done.membersEnrolled} members, ${done.pointsCredited} points credited.`,
  );

  // The bandit's allocations since launch (every three days), each by the app's update at the
  // start of its period from the history up to then (new members get the allocation in force when they joined).
  const banditStarted = performance.now();
  const periods = await replayBanditUpdates(db, domain, banditId, new Date());
  say(
    `Reward-thresholds bandit: ${periods} allocation updates (every three days) replayed over the history ` +
      `(${((performance.now() - banditStarted) / 1000).toFixed(1)} s).`,
  );

  const searchStarted = performance.now();
  const searchPeriods = await finishThresholdSearch(db, domain, searchId, new Date());
  say(
    `Reward-cost search: ${searchPeriods} weekly updates replayed, then stopped with its recommendation ` +
      `(${((performance.now() - searchStarted) / 1000).toFixed(1)} s).`,
  );

  const exposures = await recordHistoryExposures(db, domain, new Date());
  say(
    `Exposures (every member, at launch or when they joined): ${Object.entries(exposures)
      .map(([variant, n]) => `${variant} ${n}`)
      .join(", ")}.`,
  );

  const refunds = historyRefundDeliveries(generated, loaded);
  say(`Delivering ${refunds.length} history refunds as refunds/create webhooks ...`);
  const failures = await deliverAll(
    refunds,
    (d) => emulator.sendWebhook({ shop: domain, topic: d.topic, payload: d.payload }),
    {
      onProgress: (n, total) => {
        if (n % 2_000 === 0 || n === total) say(`Refunds delivered ${n}/${total}`);
      },
    },
  );
  if (failures.length > 0)
    say(`${failures.length} refund deliveries were refused (first: ${String(failures[0]!.status)}).`);

  // The refunds are webhooks: wait until the worker has processed every one (their
  // reversals are in the ledger) before the dashboard's aggregates are computed.
  await waitForInbox(db, domain);
  say(`History refunds processed.`);
  // Reviews and email/SMS engagement come from other apps: the simulator's are delivered
  // as those apps would, signed requests to the app's import endpoint.
  // A large shop's full history is millions of events: its last 90 days are enough to show.
  const engagementSince =
    CUSTOMERS > 5_000 ? Date.parse(historyEnd) - 90 * 86_400_000 : Number.NEGATIVE_INFINITY;
  await deliverHistoryImports(db, generated, settings.SHOPIFY_APP_URL, say, engagementSince);
  // The demo wrote its history in a minute; fresh planner statistics so the first
  // dashboard load does not plan for the empty tables autovacuum has not looked at yet.
  await db.$executeRawUnsafe("ANALYZE");
  await enqueueStatsRefresh(domain, { full: true });
  const refreshedAfter = new Date();
  for (let i = 0; i < 120; i++) {
    const snapshot = await db.loyaltyStatsSnapshot.findUnique({ where: { shop: domain } });
    if (snapshot && snapshot.refreshedAt >= refreshedAfter) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  say(`Dashboard statistics refreshed.`);

  // The models behind the Insights pages are otherwise computed on their schedules: now. One
  // scoring run (segments, lifetime value, reward recommendations, churn risk, in that order,
  // as every night), and beside it the weekly picks and the product recommendations.
  const { run: scoring } = await requestScoringRun(db, domain, "demo");
  const { run: picksRun } = await requestWeeklyPicks(db, domain, "demo");
  const { run: recsRun } = await requestRecommendationRun(db, domain, "demo");
  say(`Scoring: the worker computes segments, lifetime value, reward recommendations and churn risk ...`);
  const scored = await finished(() => db.scoringRun.findUnique({ where: { id: scoring.id } }));
  for (const stage of (scored?.stages ?? []) as StoredStage[])
    say(
      `  ${stage.label}: ${stage.status === "done" ? stage.detail : `${stage.status} (${stage.detail ?? "no detail"})`}`,
    );
  // The reviews import asked for their sentiment run; it has had time to finish.
  const sentiment = await finished(() =>
    db.sentimentRun.findFirst({ where: { shop: domain }, orderBy: { createdAt: "desc" } }),
  );
  if (sentiment)
    say(
      sentiment.status === "computed"
        ? `Review sentiment: ${sentiment.scored} reviews scored.`
        : `Review sentiment not computed (${sentiment.status}): ${sentiment.reason}`,
    );
  const picks = await finished(() => db.weeklyPicksRun.findUnique({ where: { id: picksRun.id } }));
  say(
    picks?.status === "computed"
      ? `Weekly picks: ${(picks.picks as unknown[]).length} products picked from ${picks.products} that sold.`
      : `Weekly picks not computed (${picks?.status}): ${picks?.reason}`,
  );
  const recs = await finished(() => db.recommendationRun.findUnique({ where: { id: recsRun.id } }));
  say(
    recs?.status === "computed"
      ? `Product recommendations: neighbours of ${recs.products} products (${recs.source}).`
      : `Product recommendations not computed (${recs?.status}): ${recs?.reason}`,
  );

  // Switched on now, so the history sends nothing and the live simulation's orders do.
  const campaigns = await startDemoCampaigns(
    db,
    domain,
    { host: emulatorUrl.hostname, port: emulator.mail!.port },
    generated.shop.name ?? domain,
  );
  say(
    `Campaigns on: ${campaigns.join(", ")} — email through SMTP to the emulator's mail catcher, ` +
      `texts to its Twilio stand-in, and the widget inbox.`,
  );
  say(
    (
      await (
        await import("../simulator/demo-campaign-test.server")
      ).startDemoCampaignTest(db, domain, generated, emulator, new Date(historyEnd))
    ).line,
  );

  if (!args["no-live"]) {
    const live = new LiveSimulation({
      emulator,
      generated,
      appUrl: settings.SHOPIFY_APP_URL,
      apiSecret: settings.SHOPIFY_API_SECRET,
      response,
      ordersPerMinute: RATE,
      seed: SEED,
      log: (line) => console.log(`[live]    ${line}`),
      readAppState: () => readAppState(db, domain, new Date()),
      // The customers read the app's email in the mail catcher (opening and clicking it), its
      // texts at the Twilio stand-in, and their widget inbox through the proxy when they visit.
      messages: () =>
        emulator.mail!.caught().map((m) => ({
          id: m.id,
          to: m.to,
          subject: m.mail.subject ?? "",
          html: typeof m.mail.html === "string" ? m.mail.html : null,
        })),
      texts: () =>
        emulator.twilio.messages.map((m, i) => ({
          id: i + 1,
          to: [m.to],
          subject: "",
          html: null,
          text: m.body,
        })),
      inbox: true,
    });
    supervisor.onStop(() => live.stop());
    live.start();
    say(
      `Live simulation: customers shop at about ${RATE} orders a minute, redeeming through the storefront proxy.`,
    );
  }

  const storefront = await startDemoStorefront({
    db,
    emulator,
    shop: domain,
    appUrl: settings.SHOPIFY_APP_URL,
    secret: settings.SHOPIFY_API_SECRET,
  });
  supervisor.onStop(() => storefront.close());

  console.log(`
  Loyalty Optimizer demo is running (${elapsed().trim()} to set up).
  Open the Shopify admin (emulated):  ${emulator.url}/admin-frame
  Open the storefront (emulated):     ${storefront.url}/  (the bar on top views it as a guest or a member)
  Sent messages (mail catcher):       ${emulator.url}/mail  (SMTP on port ${emulator.mail!.port})
  Shop:                               ${domain} (${CUSTOMERS.toLocaleString("en-US")} customers, ${MONTHS} months)
  Ctrl-C stops everything.
`);
} catch (error) {
  console.error("The demo could not start:", error);
  await supervisor.stop(1);
}

async function waitForInbox(
  db: { webhookEvent: { count: (args: { where: { shop: string; status: "received" } }) => Promise<number> } },
  shop: string,
) {
  for (let i = 0; i < 600; i++) {
    if (supervisor.isStopping) return;
    const waiting = await db.webhookEvent.count({ where: { shop, status: "received" } });
    if (waiting === 0) return;
    if (i % 10 === 0) say(`Waiting for the worker: ${waiting} webhooks to process ...`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error("The worker did not process the history refunds within 10 minutes.");
}

/** The run once it is no longer queued or running (polled each second, up to ten minutes). */
async function finished<Run extends { status: string }>(
  read: () => Promise<Run | null>,
): Promise<Run | null> {
  for (let i = 0; i < 600; i++) {
    if (supervisor.isStopping) return null;
    const run = await read();
    if (run && run.status !== "queued" && run.status !== "running") return run;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error("A model run did not finish within 10 minutes; the worker's log says why.");
}

async function waitForApp(url: string) {
  for (let i = 0; i < 240; i++) {
    if (supervisor.isStopping) return;
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The app did not answer at ${url} within 2 minutes.`);
}
