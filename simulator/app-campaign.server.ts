// A campaign A/B run through the app (`npm run sim` with a scenario's `campaign` section).
//
// The app does its part through its own services: the broadcast is created by
// `createBroadcast` (audience: every member) on the campaign's channel, measured by
// `setCampaignTest` (the scenario's holdout share and message variants, each on its channel),
// its sends made by `runBroadcast` and each one delivered by `deliverSend` — the function the
// campaigns worker calls — on the simulation's clock: email over SMTP (nodemailer) into the
// emulator's mail catcher (emulator/mail/mailbox.ts), texts to the emulator's Twilio stand-in
// (emulator/twilio/handler.ts) through the app's Twilio transport, inbox messages into the app's
// widget inbox. The app decides who is held out and who gets which variant.
//
// The customers do theirs from what they received (campaign-readers.server.ts): each caught
// mail matched to its customer by the recipient and to its variant by the subject, each text by
// the number and the body, each inbox message fetched through the app proxy route by the member
// and told by its title — never by the app's rows. The customer then lives the simulated days
// with that message (the scenario's `respond` and its `channels`: an email or a text is read the
// day it arrives or never, an inbox message on a store visit; a purchase lift for `liftDays`
// after the read), reads and clicks go through the app (the email's pixel and redirect, the
// text's redirect, the inbox's mark-read through the proxy) on the sim clock, and the orders are
// written to the app's order mirror as the bandit run writes them. Members who received nothing
// live without a message.
//
// The app's `campaignReport` then measures each variant against the holdout, and its lift is
// printed next to the true lift: every member the app exposed lives the same days once under
// each arm (no message, or each variant's message on its channel) with the same random numbers,
// as in app-experiment.server.ts. A scenario listing several campaigns runs each in its own shop.
import type { PrismaClient } from "../app/db.server";
import { createBroadcast, runBroadcast } from "../app/campaigns/broadcasts.server";
import { saveEmailSettings, saveSmsSettings } from "../app/campaigns/campaigns.server";
import { channelTransport } from "../app/campaigns/providers.server";
import { env } from "../app/env.server";
import { deliverSend, type DeliveryOutcome } from "../app/campaigns/deliver.server";
import { campaignReport, type CampaignReport } from "../app/campaigns/measure/report.server";
import { setCampaignTest } from "../app/campaigns/measure/test.server";
import { EVERYONE } from "../app/intelligence/segments/audience";
import type { Prisma } from "../app/db.server";
import { emulatorConfig } from "../emulator/config";
import { startMailbox, type Mailbox } from "../emulator/mail/mailbox";
import { createEmulator, type Emulator } from "../emulator/server";
import { appDesign } from "./app-design";
import { createInApp, scenarioMembers } from "./app-experiment.server";
import {
  liveUnderProgram,
  type LifeContext,
  type MemberLife,
  type SimMember,
  simulatedOrderRow,
} from "./app-life";
import { DAY_MS } from "./model/calendar";
import { Rng, hashString } from "./random/rng";
import {
  receivedInbox,
  receivedMail,
  receivedTexts,
  templateMatcher,
  type ReceivedMessage,
} from "./campaign-readers.server";
import { responder } from "./scenario/respond";
import type { CampaignSection, MessageChannel, Scenario } from "./scenario/schema";

export interface CampaignLift {
  variant: string;
  metric: "netMargin" | "orders";
  measuredLift: number | null;
  lower: number | null;
  upper: number | null;
  trueLift: number | null;
  truthInsideInterval: boolean | null;
}

export interface CampaignArmRow {
  key: string;
  /** The channel the scenario gives the arm (none for the holdout). */
  channel: MessageChannel | null;
  /** Messages the arm's members received (mail, texts, inbox messages told apart by what they read). */
  received: number;
  sent: number;
  exposed: number;
  opens: number;
  clicks: number;
  orders: number;
  netMargin: number;
  /** The report's net incremental margin against the holdout (minor units), with its interval. */
  incremental: { estimate: number; lower: number; upper: number } | null;
}

export interface AppCampaignReport {
  scenario: { name: string; seed: number; days: number };
  shop: { domain: string; members: number };
  campaignId: string;
  channel: MessageChannel;
  /** Messages received per channel (mail catcher, Twilio stand-in, widget inboxes), and those matching no member or variant. */
  caught: Record<MessageChannel, number>;
  unmatched: number;
  /** Held-out members who received a message on any channel (must be 0). */
  holdoutReached: number;
  /** Sends the app failed or suppressed, by reason. */
  failures: Record<string, number>;
  arms: CampaignArmRow[];
  lifts: CampaignLift[];
  report: CampaignReport;
  truthMethod: string;
  elapsedMs: number;
}

export interface CampaignRunOptions {
  days?: number;
  seed?: number;
  shop?: string;
  /** Members simulated (the first N buyers); default the scenario's `truth.maxCustomers`. */
  maxMembers?: number;
}

const DELIVERY_CONCURRENCY = 16;
const emailOf = (customerId: string) => `c${customerId}@customers.sim.example`;
/** A US number per member (E.164): +1 555 and the member's index. */
const phoneOf = (index: number) => `+1555${String(index).padStart(7, "0")}`;
const TWILIO = {
  twilioAccountSid: `AC${"51"}${"0".repeat(30)}`,
  twilioAuthToken: "sim-twilio-auth-token",
  twilioFrom: "+15550000001",
};

/** Every campaign of the scenario through the app, each in its own shop. */
export async function runCampaignsThroughApp(
  db: PrismaClient,
  scenario: Scenario,
  options: CampaignRunOptions = {},
): Promise<AppCampaignReport[]> {
  const campaigns = scenario.campaign ?? [];
  if (campaigns.length === 0) throw new Error(`Scenario ${scenario.name} has no campaign section.`);
  const reports: AppCampaignReport[] = [];
  const base = options.shop ?? `sim-${scenario.name}.myshopify.com`;
  for (const [i, campaign] of campaigns.entries())
    reports.push(
      await runCampaignThroughApp(db, scenario, campaign, {
        ...options,
        shop: campaigns.length > 1 ? base.replace(".myshopify.com", `-${i + 1}.myshopify.com`) : base,
      }),
    );
  return reports;
}

export async function runCampaignThroughApp(
  db: PrismaClient,
  input: Scenario,
  test: CampaignSection,
  options: CampaignRunOptions = {},
): Promise<AppCampaignReport> {
  const started = performance.now();
  const scenario: Scenario = {
    ...input,
    shop: options.seed === undefined ? input.shop : { ...input.shop, seed: options.seed },
    truth: { ...input.truth, maxCustomers: options.maxMembers ?? input.truth.maxCustomers },
  };
  const days = options.days ?? scenario.truth.horizonDays;
  const { definition, members } = scenarioMembers(scenario, days);
  const { params, calendar } = definition;
  const seed = params.seed;
  const domain = options.shop ?? `sim-${scenario.name}.myshopify.com`;
  const design = appDesign(
    { ...scenario, variants: scenario.variants.filter((v) => !v.holdout) },
    params.currency,
  );
  const start = new Date(calendar.endMs);
  // The shop, its live program and its members (joined the day before), then their customer rows.
  await createInApp(db, domain, design, start, members);
  for (let i = 0; i < members.length; i += 5_000)
    await db.customer.createMany({
      data: members.slice(i, i + 5_000).map((m) => ({
        shop: domain,
        id: BigInt(m.id),
        email: emailOf(m.id),
        emailConsent: true,
        phone: phoneOf(m.index),
        smsConsent: true,
        firstName: `Customer${m.index}`,
      })),
    });

  const mailbox: Mailbox = await startMailbox({ port: 0, limit: 1_000_000 });
  const emulator: Emulator = await createEmulator(
    emulatorConfig({ port: 0, apiKey: "sim", apiSecret: "sim", appUrl: "http://127.0.0.1:9" }),
  );
  try {
    emulator.twilio.accounts.set(TWILIO.twilioAccountSid, TWILIO.twilioAuthToken);
    const saved = await saveEmailSettings(db, domain, {
      fromEmail: "rewards@shop.sim.example",
      smtpHost: "127.0.0.1",
      smtpPort: mailbox.port,
    });
    if (!saved.ok) throw new Error(`saveEmailSettings: ${JSON.stringify(saved.fieldErrors)}`);
    const texting = await saveSmsSettings(db, domain, TWILIO);
    if (!texting.ok) throw new Error(`saveSmsSettings: ${JSON.stringify(texting.fieldErrors)}`);
    const urls = { twilio: `${emulator.url}/twilio`, klaviyo: `${emulator.url}/klaviyo` };

    // The broadcast, measured, sent at 09:00 on the first simulated day.
    const sendAt = new Date(start.getTime() + 9 * 3_600_000);
    const control = test.variants[0]!;
    const channelOf = (v: CampaignSection["variants"][number]) => v.channel ?? test.channel;
    const created = await createBroadcast(
      db,
      domain,
      {
        campaign: {
          name: test.name,
          channel: test.channel,
          subject: control.subject,
          body: control.body,
          ...(test.channel === "sms" ? { smsBody: control.body } : {}),
        },
        broadcast: {
          audience: { kind: "conditions", conditions: EVERYONE },
          schedule: { kind: "now" },
          confirmedCount: members.length,
        },
      },
      sendAt,
    );
    if (!created.ok)
      throw new Error(`createBroadcast: ${created.message} ${JSON.stringify(created.fieldErrors)}`);
    const set = await setCampaignTest(
      db,
      domain,
      created.campaignId,
      {
        holdoutPercent: test.holdoutPercent,
        grossMarginPercent: test.grossMarginPercent,
        variants: test.variants.map((v) => ({
          key: v.key,
          name: v.name,
          weight: v.weight,
          subject: v.subject,
          body: v.body,
          channel: channelOf(v),
          // A text's variant is its SMS text (the subject and body stay for the log).
          ...(channelOf(v) === "sms" ? { smsBody: v.body } : {}),
        })),
      },
      { now: sendAt },
    );
    if (!set.ok) throw new Error(`setCampaignTest: ${set.message} ${JSON.stringify(set.fieldErrors)}`);
    const sendIds: string[] = [];
    const run = await runBroadcast(db, created.runId, async (ids) => void sendIds.push(...ids), sendAt);
    if (run.status !== "sent") throw new Error(`runBroadcast: ${JSON.stringify(run)}`);

    // Delivery as the worker does it, one job per send; a wait (quiet hours, send time) moves
    // the sim clock to when the job would run again.
    // The worker runs jobs concurrently; so does this (each send's own clock).
    let next = 0;
    const failures = new Map<string, number>();
    const deliverOne = async (id: string) => {
      let now = sendAt;
      for (let attempt = 0; attempt < 5; attempt++) {
        const outcome: DeliveryOutcome = await deliverSend(
          db,
          id,
          { finalAttempt: attempt === 4 },
          {
            now: () => now,
            openAi: null,
            transportFor: (sending, channel) => channelTransport(sending, channel, urls),
            statusCallback: () => null,
          },
        );
        if (outcome.status === "failed" || outcome.status === "suppressed")
          failures.set(outcome.reason, (failures.get(outcome.reason) ?? 0) + 1);
        if (outcome.status !== "wait") break;
        now = outcome.until;
      }
    };
    await Promise.all(
      Array.from({ length: DELIVERY_CONCURRENCY }, async () => {
        while (next < sendIds.length) await deliverOne(sendIds[next++]!);
      }),
    );
    const emailSends = await db.campaignSend.count({
      where: { shop: domain, campaignId: created.campaignId, status: "sent", channel: "email" },
    });
    await mailbox.waitFor(emailSends, 60_000);

    // What each customer received, read where the app put it.
    const byEmail = new Map(members.map((m) => [emailOf(m.id), m.id]));
    const byPhone = new Map(members.map((m) => [phoneOf(m.index), m.id]));
    const on = (channel: MessageChannel) => test.variants.filter((v) => channelOf(v) === channel);
    const mail = receivedMail(mailbox.caught(), (e) => byEmail.get(e), on("email"));
    const texts = receivedTexts(emulator.twilio.messages, (p) => byPhone.get(p), on("sms"));
    const inbox = on("inbox").length
      ? await receivedInbox(
          db,
          {
            shop: domain,
            secret: env().SHOPIFY_API_SECRET,
            at: new Date(sendAt.getTime() + 3_600_000),
            memberIds: members.map((m) => m.id),
          },
          on("inbox"),
        )
      : { received: new Map<string, ReceivedMessage>(), unmatched: 0 };
    const received = new Map<string, ReceivedMessage>([
      ...mail.received,
      ...texts.received,
      ...inbox.received,
    ]);
    const unmatched = mail.unmatched + texts.unmatched + inbox.unmatched;
    const caught = {
      email: mailbox.caught().length,
      sms: emulator.twilio.messages.length,
      inbox: inbox.received.size + inbox.unmatched,
    };

    // The arms the app recorded (the exposures), for the truth's population and the holdout check.
    const exposures = await db.$queryRaw<{ customerId: bigint; variantKey: string }[]>`
      SELECT x."customerId", x."variantKey" FROM "ExperimentExposure" x
      WHERE x."shop" = ${domain} AND x."experimentId" = ${set.value.experimentId}::uuid`;
    // Stored qualified by the experiment ("<experiment key>:<arm>").
    const armOf = new Map(exposures.map((x) => [String(x.customerId), x.variantKey.split(":").pop()!]));
    const holdoutReached = [...received.keys()].filter((id) => armOf.get(id) === "holdout").length;

    // The customers live the days with what they received.
    const ctx: LifeContext = {
      calendar,
      days,
      seed,
      respond: responder(scenario.response),
      rng: new Rng((seed ^ hashString(`sim:${scenario.name}`)) | 0),
    };
    const once = { everyDays: days + 1 };
    const orders: Prisma.OrderCreateManyInput[] = [];
    const reads: Array<{ message: ReceivedMessage; clicked: boolean; at: Date }> = [];
    let orderSeq = 0;
    const exposed = members.filter((m) => armOf.has(m.id));
    for (const m of exposed) {
      const got = received.get(m.id);
      liveUnderProgram(ctx, m, design.live, {
        heldOut: false,
        message: got ? { variant: got.variant, channel: got.channel, ...once } : null,
        onMessageRead: ({ at, opened, clicked }) => {
          // Read at noon: hours after the 09:00 delivery (a person, not a scanner).
          if (got && opened) reads.push({ message: got, clicked, at });
        },
        onOrder: (order) => {
          orderSeq++;
          orders.push(
            simulatedOrderRow(order, {
              shop: domain,
              id: BigInt(7_100_000_000_000 + orderSeq),
              customerId: BigInt(m.id),
              name: `#C${orderSeq}`,
              currencyCode: params.currency,
            }),
          );
        },
      });
    }
    for (const read of reads) await read.message.read(db, read.at, read.clicked);
    for (let i = 0; i < orders.length; i += 5_000)
      await db.order.createMany({ data: orders.slice(i, i + 5_000) });
    await db.$executeRawUnsafe(`ANALYZE "Order"`);
    await db.$executeRawUnsafe(`ANALYZE "ExperimentExposure"`);

    const asOf = new Date(start.getTime() + days * DAY_MS);
    const report = await campaignReport(db, domain, created.campaignId, { asOf, timeZone: "UTC" });
    if (!report) throw new Error("campaignReport: no report");

    // The truth: every exposed member under every arm, same random numbers.
    const armKeys = ["holdout", ...test.variants.map((v) => v.key)];
    const truth = new Map<string, MemberLife[]>(
      armKeys.map((key) => [
        key,
        exposed.map((m: SimMember) =>
          liveUnderProgram(ctx, m, design.live, {
            heldOut: false,
            message:
              key === "holdout"
                ? null
                : { variant: key, channel: channelOf(test.variants.find((v) => v.key === key)!), ...once },
          }),
        ),
      ]),
    );
    const gm = test.grossMarginPercent / 100;
    const trueMean = (key: string, of: (l: MemberLife) => number) => {
      const lives = truth.get(key)!;
      return lives.reduce((s, l) => s + of(l), 0) / Math.max(1, lives.length);
    };
    const metricOf = {
      netMargin: (l: MemberLife) => l.netRevenueMinor * gm - l.rewardCostMinor,
      orders: (l: MemberLife) => l.orders,
    } as const;

    const lifts: CampaignLift[] = [];
    for (const metric of ["netMargin", "orders"] as const) {
      const analysed = report.report.analysis.metrics.find((x) => x.key === metric);
      const base = trueMean("holdout", metricOf[metric]);
      for (const v of test.variants) {
        const f = analysed?.variants.find((x) => x.variant === v.key)?.frequentist;
        const rel = f?.ok ? f.relative : null;
        const trueLift = base > 0 ? trueMean(v.key, metricOf[metric]) / base - 1 : null;
        lifts.push({
          variant: v.key,
          metric,
          measuredLift: rel?.estimate ?? null,
          lower: rel?.lower ?? null,
          upper: rel?.upper ?? null,
          trueLift,
          truthInsideInterval:
            rel && trueLift !== null ? rel.lower <= trueLift && trueLift <= rel.upper : null,
        });
      }
    }
    const receivedBy = (key: string) => [...received.values()].filter((r) => r.variant === key).length;
    const armChannel = (key: string) => {
      const v = test.variants.find((x) => x.key === key);
      return v ? channelOf(v) : null;
    };
    return {
      scenario: { name: scenario.name, seed, days },
      shop: { domain, members: members.length },
      campaignId: created.campaignId,
      channel: test.channel,
      caught,
      unmatched,
      holdoutReached,
      failures: Object.fromEntries(failures),
      arms: report.arms.map((a) => ({
        key: a.key,
        channel: armChannel(a.key),
        received: receivedBy(a.key),
        sent: a.sent,
        exposed: a.exposed,
        opens: a.opens.human,
        clicks: a.clicks.human,
        orders: a.orders,
        netMargin: a.netMargin,
        incremental: a.incremental,
      })),
      lifts,
      report,
      truthMethod:
        "counterfactual: every member the app exposed lives the same days with no message and with each variant's " +
        "message, with common random numbers; true lift = mean(variant) / mean(no message) − 1 over that population",
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await mailbox.close();
    await emulator.close();
  }
}

/** Which variant a subject line is (its template's `{variable}`s match anything). */
export const subjectMatcher = (variants: ReadonlyArray<{ key: string; subject: string }>) =>
  templateMatcher(variants.map((v) => ({ key: v.key, text: v.subject })));

/** The run's report as printed lines. */
export function campaignReportLines(r: AppCampaignReport): string[] {
  const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
  const money = (minor: number) => (minor / 100).toFixed(2);
  const lines = [
    `${r.scenario.name}: campaign A/B through the app, ${r.shop.members} members over ${r.scenario.days} days ` +
      `(seed ${r.scenario.seed}) in shop ${r.shop.domain}, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `Received on the ${r.channel} campaign: ${r.caught.email} emails in the mail catcher, ${r.caught.sms} texts at the Twilio stand-in, ` +
      `${r.caught.inbox} inbox messages through the app proxy (${r.unmatched} unmatched); held-out members reached: ${r.holdoutReached}`,
    ...Object.entries(r.failures).map(([reason, n]) => `  ${n} sends failed or suppressed: ${reason}`),
    "Arms (the app's report, money in major units; received = messages the arm's members read as the arm's; " +
      "opens = email pixels and inbox reads, texts have none):",
  ];
  for (const a of r.arms)
    lines.push(
      `  ${a.key.padEnd(16)} ${(a.channel ?? "—").padEnd(6)} ${String(a.received).padStart(6)} received ${String(a.sent).padStart(6)} sent ` +
        `${String(a.exposed).padStart(6)} exposed ${String(a.opens).padStart(6)} opens ${String(a.clicks).padStart(5)} clicks ` +
        `${String(a.orders).padStart(6)} orders  net margin ${money(a.netMargin)}` +
        (a.incremental
          ? `  incremental ${money(a.incremental.estimate)} [${money(a.incremental.lower)}, ${money(a.incremental.upper)}]`
          : ""),
    );
  lines.push("Lift against the holdout measured by the app's report (95% interval) next to the true lift:");
  for (const l of r.lifts)
    lines.push(
      `  ${l.variant.padEnd(18)} ${l.metric.padEnd(10)} ${pct(l.measuredLift).padStart(7)} [${pct(l.lower)}, ${pct(l.upper)}]` +
        `  true ${pct(l.trueLift).padStart(7)}  ` +
        (l.truthInsideInterval === null ? "—" : l.truthInsideInterval ? "inside" : "OUTSIDE"),
    );
  lines.push(`True lift: ${r.truthMethod}.`);
  return lines;
}
