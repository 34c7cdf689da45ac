// bench:admin (issue 18, item 5): the admin at scale. A scratch database gets a shop with
// `--members` members (default 1,000,000) and their customers, ~3 orders each (the members
// list's order stats drained), `--ledger` ledger entries (default 10,000,000), the loyalty
// aggregates refreshed, a 10% program holdout and a two-arm earn-rate test launched through
// the app (every member exposed by its own sweep). Then each admin page's loader — the
// members list, a member's page, the dashboard and both experiment reports — is called the way
// Remix calls it (the production build's route module, an authenticated request, in process:
// server time without rendering), the first load and the median of 5 after it printed against
// the 300 ms target. The members list is timed by every sort both ways, on deep pages (after
// and before a cursor 90% of the way in) and under the narrow "never ordered" filter, and
// EXPLAIN ANALYZE shows its page's statement against the same page by OFFSET as depth grows.
//   npm run bench:admin [-- --members 1000000 --ledger 10000000 --keep]
// --keep leaves the seeded database for the next run (loyalty_bench_admin_<members>_<ledger>_kept), which then
// only times the pages. Exits 1 when a page's median misses the target.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { ensureBuild } from "../scripts/build";
import { seedMembersShop } from "./support/members-shop";
import { benchNodeEnv, scratchDatabase, scratchRedis } from "./support/services";

const TARGET_MS = 300;
const SHOP = "bench-admin.myshopify.com";
const DAY_MS = 86_400_000;

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "1000000" },
    ledger: { type: "string", default: "10000000" },
    keep: { type: "boolean", default: false },
    // Prints EXPLAIN (ANALYZE, BUFFERS) of each experiment's aggregation (what the refresh job runs).
    explain: { type: "boolean", default: false },
  },
});
const members = Number(values.members);
const ledger = Number(values.ledger);
for (const [name, n] of [
  ["members", members],
  ["ledger", ledger],
] as const)
  if (!Number.isInteger(n) || n < 1000) throw new Error(`--${name} must be a whole number ≥ 1,000.`);

// Kept databases are named after their size, so a 100k and a 1M shop can both be kept.
const database = await scratchDatabase(values.keep ? `admin_${members}_${ledger}` : "admin", {
  keep: values.keep,
});
const redis = await scratchRedis();
// The app reads its settings when first asked: these point it at the scratch services.
Object.assign(process.env, {
  NODE_ENV: benchNodeEnv(),
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: "bench-api-secret",
  SHOPIFY_APP_URL: "http://127.0.0.1:3999",
  DATABASE_URL: database.url,
  REDIS_URL: redis.url,
  LOG_LEVEL: "warn",
});
const { prisma } = await import("../app/db.server");
const { saveProgram } = await import("../app/loyalty/services/program.server");
const { refreshLoyaltyStats } = await import("../app/stats/refresh.server");
const { createExperiment, startHoldout } = await import("../app/experiments/experiments.server");
const { launchExperiment } = await import("../app/experiments/lifecycle.server");
const { sweepExposures } = await import("../app/experiments/exposure-sweep.server");
const { refreshExperimentAggregates } = await import("../app/experiments/aggregates.server");
const { aggregationSql, DIRECT_METRICS } = await import("../app/experiments/metrics.server");
const { refreshMemberFacts } = await import("../app/stats/member-facts.server");
const { refreshBusinessFigures } = await import("../app/stats/stored-figures.server");
const { shopTimeZone } = await import("../app/stats/refresh.server");
const { MEMBER_SORTS } = await import("../app/admin/members/list-params");
const { memberListContext } = await import("../app/admin/members/list-page.server");
const { cursorAt, explainDepths } = await import("./support/member-cursors");
const { adminRequest, routeArgs, storeSessionWithoutShopify } = await import("../tests/support/admin.server");
// The route modules as the production server runs them (build/server: their CSS imports
// compiled away), built first when the sources changed.
ensureBuild();
type Loader = { loader: (args: unknown) => Promise<unknown> };
const build = (await import(pathToFileURL(join(process.cwd(), "build/server/index.js")).href)) as {
  routes: Record<string, { module: Loader }>;
};
const route = (id: string) => build.routes[id]!.module;
const dashboard = route("routes/app._index");
const memberList = route("routes/app.members._index");
const memberPage = route("routes/app.members.$customerId");
const experimentPage = route("routes/app.experiments.$experimentId");

const db = prisma();
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function seed(c: pg.Client) {
  const now = new Date();
  await c.query(
    `INSERT INTO "Shop" ("domain", "name", "currencyCode", "ianaTimezone", "updatedAt") VALUES ($1, 'Bench Admin', 'USD', 'America/New_York', now())`,
    [SHOP],
  );
  await saveProgram(
    db,
    SHOP,
    {
      currency: "USD",
      rewards: [
        {
          id: "five",
          name: "$5 off",
          value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
          pointsCost: 500,
        },
        {
          id: "ten",
          name: "$10 off",
          value: { kind: "fixedAmount", amount: { amountMinor: 1000, currency: "USD" } },
          pointsCost: 1000,
        },
        { id: "ship", name: "Free shipping", value: { kind: "freeShipping" }, pointsCost: 300 },
      ],
    },
    { basedOn: 1, note: "Bench" },
  );
  let started = performance.now();
  await seedMembersShop(c, SHOP, members);
  console.log(`members, customers and orders: ${seconds(started)}`);
  started = performance.now();
  // Earn entries over two years, spread over every member, in one statement.
  await c.query(
    `INSERT INTO "LedgerEntry" ("shop", "customerId", "key", "kind", "points", "bucket", "occurredAt",
       "programVersion", "experimentVariants")
     SELECT $1, 1 + g % $2, 'bench:' || g, 'earn', 10 + g % 190, 'available',
       now() - ((g % 730) || ' days')::interval - ((g % 86400) || ' seconds')::interval, 2, '{}'
     FROM generate_series(1, $3) g`,
    [SHOP, members, ledger],
  );
  await c.query(`ANALYZE`);
  console.log(`${ledger.toLocaleString("en-US")} ledger entries: ${seconds(started)}`);
  started = performance.now();
  await refreshLoyaltyStats(db, SHOP, { now });
  console.log(`loyalty aggregates refreshed: ${seconds(started)}`);
  started = performance.now();
  // Members joined when they enrolled: everyone is in the audience at a launch 30 days ago.
  await c.query(`UPDATE "Member" SET "createdAt" = "enrolledAt" WHERE shop = $1`, [SHOP]);
  const launchedAt = new Date(now.getTime() - 30 * DAY_MS);
  const holdout = await startHoldout(
    db,
    SHOP,
    { sharePercent: 10, grossMarginPercent: 40 },
    { now: launchedAt },
  );
  if (!holdout.ok) throw new Error(holdout.message);
  const test = await createExperiment(db, SHOP, {
    key: "double-points",
    name: "Double points",
    lever: "earnRate",
    primaryMetric: "netMargin",
    variants: [
      { key: "control", name: "One point", weight: 50, control: true },
      { key: "double", name: "Two points", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
    ],
  });
  if (!test.ok) throw new Error(test.message);
  const launched = await launchExperiment(db, SHOP, test.value.id, { now: launchedAt });
  if (!launched.ok) throw new Error(launched.message);
  console.log(`holdout and test launched: ${seconds(started)}`);
  await exposeEveryMember(c, now);
}

// A shop above SYNC_SWEEP_MEMBERS leaves its launch's exposures to the sweep job, which no
// worker runs here: the bench runs the sweep itself (also on a kept database seeded before).
async function exposeEveryMember(c: pg.Client, now: Date) {
  const started = performance.now();
  const swept = await sweepExposures(db, SHOP, now);
  await c.query(`ANALYZE`);
  console.log(`${swept.exposed.toLocaleString("en-US")} exposures swept: ${seconds(started)}`);
}

// What the worker's schedules keep current (ADR 0052): each
// experiment's report aggregate and the recommendations' member facts. Timed, since that
// is where the reading of every member's orders and ledger went.
async function refreshStored() {
  const now = new Date();
  const experiments = await db.experiment.findMany({
    where: { shop: SHOP },
    select: { id: true, kind: true },
  });
  for (const e of experiments) {
    if (values.explain) await explainAggregation(e.id, now);
    const started = performance.now();
    await refreshExperimentAggregates(db, { now, shop: SHOP, experimentId: e.id });
    console.log(`${e.kind} report aggregate refreshed (the job's work): ${seconds(started)}`);
  }
  let started = performance.now();
  await refreshMemberFacts(db, SHOP, now, { force: true });
  console.log(`member facts refreshed (the stats job's, every 15 minutes): ${seconds(started)}`);
  started = performance.now();
  await refreshBusinessFigures(db, SHOP, await shopTimeZone(db, SHOP), now, { force: true });
  console.log(
    `business figures of the 30, 90 and 365-day periods refreshed (every 5 minutes): ${seconds(started)}`,
  );
}

async function explainAggregation(experimentId: string, now: Date) {
  const e = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
  const plan = await client.query<{ "QUERY PLAN": string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${aggregationSql(DIRECT_METRICS)}`,
    [SHOP, e.id, now, e.grossMarginBps / 10_000, [], []],
  );
  console.log(`EXPLAIN (ANALYZE, BUFFERS) of the ${e.kind}'s aggregation:`);
  for (const row of plan.rows) console.log(`  ${row["QUERY PLAN"]}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(label: string, load: () => Promise<unknown>) {
  const first = performance.now();
  await load();
  const firstMs = performance.now() - first;
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await load();
    ms.push(performance.now() - start);
  }
  const m = median(ms);
  const ok = m <= TARGET_MS;
  console.log(
    `  ${label.padEnd(44)} first ${firstMs.toFixed(0).padStart(6)} ms, median ${m.toFixed(0).padStart(6)} ms  (target ≤ ${TARGET_MS} ms) ${ok ? "✓" : "✗"}`,
  );
  return ok;
}

type PageLoad = (route: Loader, path: string) => () => Promise<unknown>;

// Deep pages and narrow filters of the members list (keyset pages, ADR 0052): page 40 as
// the merchant reaches it (following "next" from the first page), pages 90% of the way
// into the list either way, "never ordered" (the view, by spend and by last order, and
// deep), filters that match a handful of members and the search box. Then EXPLAIN ANALYZE of
// a page's statement at growing depths against the same page by OFFSET.
async function deepPages(page: PageLoad): Promise<boolean[]> {
  const out: boolean[] = [];
  let path = "/app/members";
  for (let n = 1; n < 40; n++) {
    const loaded = (await memberList.loader(routeArgs(adminRequest(SHOP, path), {}))) as {
      page: { next: string | null };
    };
    path = `/app/members?after=${loaded.page.next}`;
  }
  out.push(await time("  page 40, following next", page(memberList, path)));
  const context = await memberListContext(db, SHOP);
  const deep = Math.floor(members * 0.9);
  const views: Array<[string, string, number]> = [
    ["points", "", deep],
    ["spent, asc", "sort=spent&direction=asc", deep],
    ["last order, asc", "sort=lastOrder&direction=asc", deep],
    ["joined", "sort=joined", deep],
    ["never ordered (the view)", "lastOrder=never&sort=joined", 0],
    ["never ordered, by spent", "lastOrder=never&sort=spent", 0],
    ["never ordered, by last order", "lastOrder=never&sort=lastOrder", 0],
    ["never ordered", "lastOrder=never&sort=joined", Math.floor(members * 0.1)],
    // Filters matching a handful, on sorts that do not lead to them.
    ["average order over $200, by joined", "averageOrderMin=200&sort=joined", 0],
    ["gold with 9+ orders (none)", "tier=gold&ordersMin=9", 0],
    ["within $1 of the next tier, by joined", "nextTierWithin=1&sort=joined", 0],
    // The search box: part of an email (one customer), a full name (1 in 42), a customer id.
    ["search part of an email", "query=customer123456%40", 0],
    ["search a name", "query=grace%20hopper", 0],
    ["search a customer id", "query=777777", 0],
  ];
  for (const [label, view, depth] of views) {
    const base = `/app/members?${view}`;
    if (depth === 0) {
      out.push(await time(`  ${label}`, page(memberList, base)));
      continue;
    }
    const cursor = await cursorAt(db, SHOP, view, depth, context);
    const at = depth.toLocaleString("en-US");
    out.push(await time(`  ${label}, ${at} in, next`, page(memberList, `${base}&after=${cursor}`)));
    out.push(await time(`  ${label}, ${at} in, previous`, page(memberList, `${base}&before=${cursor}`)));
  }
  const depths = [0, 1_000, 10_000, Math.floor(members / 2), deep];
  for (const [label, view] of [
    ["points", ""],
    ["last order, asc", "sort=lastOrder&direction=asc"],
  ] as const) {
    console.log(`  EXPLAIN ANALYZE of a page by ${label}, keyset against OFFSET:`);
    for (const line of await explainDepths(db, SHOP, view, depths, context)) console.log(line);
  }
  return out;
}

const client = new pg.Client({ connectionString: database.url });
await client.connect();
let failed = false;
try {
  if (database.existed) console.log(`reusing ${SHOP} in the kept database`);
  else {
    await seed(client);
    if (values.keep) await database.markComplete();
  }
  const exposed = await client.query(`SELECT 1 FROM "ExperimentExposure" WHERE shop = $1 LIMIT 1`, [SHOP]);
  if (!exposed.rowCount) await exposeEveryMember(client, new Date());
  await refreshStored();
  await storeSessionWithoutShopify(SHOP);
  const counts = await client.query<{ members: string; ledger: string; exposures: string }>(
    `SELECT (SELECT count(*) FROM "Member" WHERE shop = $1) AS members,
            (SELECT count(*) FROM "LedgerEntry" WHERE shop = $1) AS ledger,
            (SELECT count(*) FROM "ExperimentExposure" WHERE shop = $1) AS exposures`,
    [SHOP],
  );
  const n = counts.rows[0]!;
  console.log(
    `bench:admin — ${Number(n.members).toLocaleString("en-US")} members, ${Number(n.ledger).toLocaleString("en-US")} ledger entries, ${Number(n.exposures).toLocaleString("en-US")} exposures`,
  );
  const experiments = await db.experiment.findMany({
    where: { shop: SHOP },
    select: { id: true, kind: true },
  });
  const busiest = await client.query<{ id: string }>(
    `SELECT "customerId"::text AS id FROM "LedgerEntry" WHERE shop = $1 GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    [SHOP],
  );
  const page =
    (route: { loader: (args: never) => Promise<unknown> }, path: string, params = {}) =>
    () =>
      route.loader(routeArgs(adminRequest(SHOP, path), params) as never);
  const results = [
    await time("members list (/app/members)", page(memberList, "/app/members")),
    // Every sort both ways, and a page deep in the list (ADR 0052, "The members list").
    ...(await (async () => {
      const out: boolean[] = [];
      for (const sort of MEMBER_SORTS)
        for (const direction of ["desc", "asc"])
          out.push(
            await time(
              `  sorted by ${sort}, ${direction}`,
              page(memberList, `/app/members?sort=${sort}&direction=${direction}`),
            ),
          );
      out.push(...(await deepPages(page)));
      return out;
    })()),
    await time(
      "member page (most ledger entries)",
      page(memberPage, `/app/members/${busiest.rows[0]!.id}`, { customerId: busiest.rows[0]!.id }),
    ),
    await time("dashboard (/app)", page(dashboard, "/app")),
    await time("dashboard, 365-day period", page(dashboard, "/app?period=365")),
    ...(await Promise.resolve(experiments).then(async (list) => {
      const out: boolean[] = [];
      for (const e of list)
        out.push(
          await time(
            e.kind === "holdout" ? "holdout report" : "experiment report",
            page(experimentPage, `/app/experiments/${e.id}`, { experimentId: e.id }),
          ),
        );
      return out;
    })),
  ];
  failed = results.some((ok) => !ok);
  console.log(`admin at scale: pages ${failed ? "ABOVE" : "within"} the ${TARGET_MS} ms target`);
} finally {
  await client.end();
  await db.$disconnect();
  await database.stop();
  await redis.stop();
}
process.exit(failed ? 1 : 0);
