import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { EVERYONE, storedConditions, type Audience } from "~/intelligence/segments/audience";
import { segmentMembers } from "~/intelligence/segments/audience.server";
import { ensureMember } from "~/loyalty/services/members.server";
import { memberProgram } from "~/loyalty/services/member-program.server";
import { runScheduledLoyalty } from "~/loyalty/services/scheduled.server";
import { seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { cancelBroadcast, countBroadcastAudience, createBroadcast, runBroadcast } from "./broadcasts.server";
import { saveCampaign } from "./campaigns.server";
import { scanTriggers } from "./scan.server";
import { scanScheduledTriggers } from "./scheduled-scan.server";

// Each new trigger fires once and not again on a re-scan, against the real database and the
// real loyalty services where they make the state; broadcasts to saved segments create
// exactly the segment's sends once, wait for their time, cancel, and refuse bad input.

const db = prisma();
const SHOP = "campaigns-lifecycle.myshopify.com";
const OTHER = "campaigns-lifecycle-other.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await seedProgram(db, SHOP, {
    rewards: [
      {
        id: "ten",
        name: "$10 off",
        value: { kind: "fixedAmount", amount: { amountMinor: 1000, currency: "USD" } },
        pointsCost: 1000,
      },
    ],
    expiry: { policy: "fixedAge", days: 365, noticeDays: 30 },
    tiers: {
      basis: "spend",
      window: "rolling12m",
      downgradeGraceDays: 30,
      reevaluation: "daily",
      levels: [
        { id: "silver", name: "Silver", threshold: 10_000, benefits: {} },
        { id: "gold", name: "Gold", threshold: 50_000, benefits: {} },
      ],
    },
  });
  await db.shop.update({ where: { domain: SHOP }, data: { name: "Lamp", ianaTimezone: "America/New_York" } });
});

async function trigger(kind: string, triggerSettings: Record<string, unknown> = {}, now = new Date()) {
  const saved = await saveCampaign(
    db,
    SHOP,
    { name: kind, kind: "trigger", trigger: kind, subject: "s", body: "b", enabled: true, triggerSettings },
    { now },
  );
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  return saved.campaign;
}

const sends = () => db.campaignSend.findMany({ orderBy: [{ customerId: "asc" }, { occurrence: "asc" }] });
const pause = () => new Promise((r) => setTimeout(r, 20));

describe("event-driven triggers", () => {
  it("welcome: a new member is welcomed once; a customer of years ago enrolled by a backfill is not", async () => {
    await trigger("welcome");
    await pause();
    const now = new Date();
    await db.customer.create({
      data: {
        shop: SHOP,
        id: 1n,
        email: "new@example.com",
        shopifyCreatedAt: new Date(now.getTime() - 86_400_000),
      },
    });
    await db.customer.create({
      data: {
        shop: SHOP,
        id: 2n,
        email: "old@example.com",
        shopifyCreatedAt: new Date("2020-01-01T00:00:00Z"),
      },
    });
    for (const id of [1n, 2n]) {
      const resolved = await memberProgram(db, SHOP, id, now);
      await db.$transaction((tx) => ensureMember(tx, SHOP, id, resolved, now));
    }
    expect(await db.loyaltyEvent.count({ where: { type: "memberEnrolled" } })).toBe(2);
    expect(await scanTriggers(db, SHOP)).toHaveLength(1);
    expect((await sends()).map((s) => [s.customerId, s.occurrence])).toEqual([
      [1n, `${SHOP}:customer:1:enrolled`],
    ]);
    expect(await scanTriggers(db, SHOP)).toEqual([]);
  });

  it("points expiring: once per expiry notice the loyalty schedule records", async () => {
    await trigger("pointsExpiring");
    await pause();
    const now = new Date();
    // 300 points earned 345 days ago expire in 20 days: inside the 30-day notice window.
    await db.customer.create({ data: { shop: SHOP, id: 1n, email: "a@example.com" } });
    await seedMember(db, SHOP, 1n, 300, new Date(now.getTime() - 345 * 86_400_000));
    await runScheduledLoyalty(db, SHOP, { now });
    const notices = await db.loyaltyEvent.findMany({ where: { type: "pointsExpiring" } });
    expect(notices).toHaveLength(1);
    expect(await scanTriggers(db, SHOP)).toHaveLength(1);
    expect((await sends()).map((s) => s.occurrence)).toEqual([notices[0]!.key]);
    await runScheduledLoyalty(db, SHOP, { now: new Date(now.getTime() + 3_600_000) });
    expect(await scanTriggers(db, SHOP)).toEqual([]);
  });
});

describe("scheduled triggers", () => {
  it("birthday: on the shop-local date, once a year", async () => {
    // 03:00 UTC on 11 May is still 10 May in New York.
    const now = new Date("2027-05-11T03:00:00Z");
    await trigger("birthday", {}, new Date("2027-05-01T00:00:00Z"));
    for (const [id, day] of [
      [1n, 10],
      [2n, 11],
    ] as const) {
      await seedMember(db, SHOP, id, 0);
      await db.member.update({
        where: { shop_customerId: { shop: SHOP, customerId: id } },
        data: { birthdayMonth: 5, birthdayDay: day },
      });
    }
    expect(await scanScheduledTriggers(db, SHOP, now)).toHaveLength(1);
    expect((await sends()).map((s) => [s.customerId, s.occurrence])).toEqual([[1n, "birthday:2027"]]);
    expect(await scanScheduledTriggers(db, SHOP, new Date(now.getTime() + 30 * 60_000))).toEqual([]);
    // An hour later it is 11 May in New York: the other member's birthday.
    expect(await scanScheduledTriggers(db, SHOP, new Date(now.getTime() + 60 * 60_000))).toHaveLength(1);
  });

  it("tier downgrade warning: N days before the drop, once per grace period", async () => {
    await trigger("tierDowngradeWarning", { daysBefore: 7 }, new Date("2027-03-01T00:00:00Z"));
    await seedMember(db, SHOP, 1n, 0);
    // Below Gold since 1 March 10:00: the grace ends 31 March, the drop is on 1 April.
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: 1n } },
      data: { tierId: "gold", tierBelowSince: new Date("2027-03-01T10:00:00Z"), tierValue: 42_000n },
    });
    expect(await scanScheduledTriggers(db, SHOP, new Date("2027-03-24T12:00:00Z"))).toEqual([]);
    expect(await scanScheduledTriggers(db, SHOP, new Date("2027-03-25T12:00:00Z"))).toHaveLength(1);
    expect(await scanScheduledTriggers(db, SHOP, new Date("2027-03-26T12:00:00Z"))).toEqual([]);
    expect((await sends()).map((s) => s.occurrence)).toEqual([
      "tier-downgrade:gold:2027-03-01T10:00:00.000Z",
    ]);
  });

  it("tier downgrade warning ahead of a rolling window: N days before the drop an order leaving brings, once", async () => {
    // A grace period (3 days) shorter than the warning (7 days): the warning must come before
    // the member falls below, which only a prediction can give.
    const { program } = await memberProgram(db, SHOP, 1n, new Date("2027-03-01T00:00:00Z"));
    await seedProgram(db, SHOP, { tiers: { ...program.tiers, downgradeGraceDays: 3 } });
    await trigger("tierDowngradeWarning", { daysBefore: 7 }, new Date("2027-03-01T00:00:00Z"));
    // Member 2: Gold on $300 (10 March 2026) + $250 (1 September 2026). On 10 March 2027 the
    // first order leaves the 12 months: $250 < $500, grace to 13 March, the drop on 13 March.
    // Member 3: the same, plus $300 in January 2027: stays Gold. Member 4: Gold, no order leaving soon.
    let orderId = 0n;
    async function order(customerId: bigint, at: string, amountMinor: number) {
      orderId += 1n;
      await db.order.create({
        data: {
          shop: SHOP,
          id: orderId,
          customerId,
          name: `#${orderId}`,
          currencyCode: "USD",
          subtotalMinor: BigInt(amountMinor),
          totalMinor: BigInt(amountMinor),
          financialStatus: "paid",
          shopifyCreatedAt: new Date(at),
          lineItems: [
            {
              id: `l${orderId}`,
              productId: null,
              variantId: null,
              title: "Lamp",
              quantity: 1,
              priceMinor: amountMinor,
            },
          ],
        },
      });
    }
    for (const id of [2n, 3n, 4n]) {
      await seedMember(db, SHOP, id, 0);
      await db.member.update({
        where: { shop_customerId: { shop: SHOP, customerId: id } },
        data: { tierId: "gold", tierValue: 55_000n },
      });
    }
    for (const id of [2n, 3n]) {
      await order(id, "2026-03-10T00:00:00Z", 30_000);
      await order(id, "2026-09-01T00:00:00Z", 25_000);
    }
    await order(3n, "2027-01-15T00:00:00Z", 30_000);
    await order(4n, "2026-11-01T00:00:00Z", 60_000);
    expect(await scanScheduledTriggers(db, SHOP, new Date("2027-03-05T12:00:00Z"))).toEqual([]);
    expect(await scanScheduledTriggers(db, SHOP, new Date("2027-03-06T12:00:00Z"))).toHaveLength(1);
    expect((await sends()).map((s) => [s.customerId, s.occurrence])).toEqual([
      [2n, "tier-downgrade:gold:2027-03-10T00:00:00.000Z"],
    ]);
    // The loyalty schedule then records the grace period with that very instant: the warning
    // for the grace period is the one already made, and nothing is sent twice.
    await runScheduledLoyalty(db, SHOP, { now: new Date("2027-03-11T00:00:00Z") });
    expect(
      (await db.member.findUniqueOrThrow({ where: { shop_customerId: { shop: SHOP, customerId: 2n } } }))
        .tierBelowSince,
    ).toEqual(new Date("2027-03-10T00:00:00Z"));
    expect(await scanScheduledTriggers(db, SHOP, new Date("2027-03-11T12:00:00Z"))).toEqual([]);
    expect(await sends()).toHaveLength(1);
  });

  it("win-back: once for a churn run's at-risk member, not again within the cool-down", async () => {
    const enabled = new Date("2027-03-01T00:00:00Z");
    await trigger("winBack", { cooldownDays: 30 }, enabled);
    for (const id of [1n, 2n]) await seedMember(db, SHOP, id, 0);
    async function churnRun(computedAt: Date, atRisk: bigint[]) {
      const run = await db.churnRun.create({
        data: { shop: SHOP, trigger: "test", status: "computed", computedAt },
      });
      await db.memberChurnRisk.deleteMany({ where: { shop: SHOP } });
      await db.memberChurnRisk.createMany({
        data: [1n, 2n].map((customerId) => ({
          shop: SHOP,
          customerId,
          runId: run.id,
          risk: atRisk.includes(customerId) ? 0.8 : 0.1,
          atRisk: atRisk.includes(customerId),
          drivers: [],
          valueSource: "spend",
          intervention: {},
          computedAt,
        })),
      });
      return run.id;
    }
    const first = await churnRun(new Date("2027-03-02T03:00:00Z"), [1n]);
    expect(await scanScheduledTriggers(db, SHOP, new Date("2027-03-02T04:00:00Z"))).toHaveLength(1);
    expect(await scanScheduledTriggers(db, SHOP, new Date("2027-03-02T05:00:00Z"))).toEqual([]);
    // The next night's run still flags member 1: within the cool-down, silent; member 2 is new.
    await churnRun(new Date("2027-03-03T03:00:00Z"), [1n, 2n]);
    expect(await scanScheduledTriggers(db, SHOP, new Date("2027-03-03T04:00:00Z"))).toHaveLength(1);
    // After the cool-down a member still at risk hears again.
    const later = await churnRun(new Date("2027-04-05T03:00:00Z"), [1n]);
    expect(await scanScheduledTriggers(db, SHOP, new Date("2027-04-05T04:00:00Z"))).toHaveLength(1);
    const byMember = (await sends()).map((s) => [s.customerId, s.occurrence]);
    expect(byMember).toHaveLength(3);
    expect(byMember).toEqual(
      expect.arrayContaining([
        [1n, `win-back:${first}`],
        [1n, `win-back:${later}`],
        [2n, expect.stringMatching(/^win-back:/)],
      ]),
    );
  });

  it("almost there: at the percent of the nearest reward or near the next tier, once per crossing", async () => {
    const now = new Date("2027-03-02T12:00:00Z");
    await trigger("almostThere", { rewardPercent: 80, tierWithin: 2_000 }, new Date("2027-03-01T00:00:00Z"));
    await seedMember(db, SHOP, 1n, 850);
    await seedMember(db, SHOP, 2n, 100);
    await seedMember(db, SHOP, 3n, 100);
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: 3n } },
      data: { nextTierId: "silver", tierRemaining: 1_500n },
    });
    expect(await scanScheduledTriggers(db, SHOP, now)).toHaveLength(2);
    expect(await scanScheduledTriggers(db, SHOP, now)).toEqual([]);
    expect((await sends()).map((s) => [s.customerId, s.occurrence])).toEqual([
      [1n, "almost-reward:ten:0"],
      [3n, "almost-tier:silver"],
    ]);
  });

  it("sends nothing for a campaign switched off", async () => {
    const campaign = await trigger("birthday", {}, new Date("2027-05-01T00:00:00Z"));
    await db.campaign.update({ where: { id: campaign.id }, data: { enabled: false } });
    await seedMember(db, SHOP, 1n, 0);
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: 1n } },
      data: { birthdayMonth: 5, birthdayDay: 10 },
    });
    expect(await scanScheduledTriggers(db, SHOP, new Date("2027-05-10T15:00:00Z"))).toEqual([]);
  });
});

describe("broadcasts", () => {
  const content = { name: "Spring sale", subject: "Hi {firstName}", body: "You have {balance} points." };
  const NOW = new Date("2027-03-02T12:00:00Z");

  async function members() {
    for (const [id, points] of [
      [1n, 500],
      [2n, 50],
      [3n, 800],
      [4n, 0],
    ] as const)
      await seedMember(db, SHOP, id, points);
  }
  async function segment(shop: string, a: Partial<Audience>) {
    const saved = await db.savedSegment.create({
      data: { shop, name: `Segment ${randomUUID()}`, conditions: storedConditions({ ...EVERYONE, ...a }) },
    });
    return saved.id;
  }
  const run = (runId: string, now = NOW) => {
    const enqueued: string[] = [];
    return runBroadcast(db, runId, async (ids) => void enqueued.push(...ids), now).then((outcome) => ({
      outcome,
      enqueued,
    }));
  };

  it("to a saved segment: exactly the segment's members, once; running again is a no-op", async () => {
    await members();
    const segmentId = await segment(SHOP, { minPoints: 100 });
    const expected = (await segmentMembers(db, SHOP, segmentId))!.sort();
    expect(expected).toEqual([1n, 3n]);
    expect(await countBroadcastAudience(db, SHOP, { kind: "segment", segmentId })).toEqual({
      ok: true,
      count: 2,
    });
    const created = await createBroadcast(
      db,
      SHOP,
      {
        campaign: content,
        broadcast: { audience: { kind: "segment", segmentId }, schedule: { kind: "now" }, confirmedCount: 2 },
      },
      NOW,
    );
    if (!created.ok) throw new Error(JSON.stringify(created));
    const first = await run(created.runId);
    expect(first.outcome).toEqual({ status: "sent", created: 2 });
    const rows = await sends();
    expect(rows.map((s) => [s.customerId, s.occurrence, s.status])).toEqual([
      [1n, created.runId, "queued"],
      [3n, created.runId, "queued"],
    ]);
    expect(first.enqueued.sort()).toEqual(rows.map((s) => s.id).sort());
    expect(await run(created.runId)).toEqual({ outcome: { status: "noop", reason: "sent" }, enqueued: [] });
    expect(await db.campaignSend.count()).toBe(2);
    expect(await db.broadcastRun.findUniqueOrThrow({ where: { id: created.runId } })).toMatchObject({
      status: "sent",
      audienceCount: 2,
      queuedCount: 2,
    });
  });

  it("an interrupted run resumes from its cursor without a second send", async () => {
    await members();
    const created = await createBroadcast(
      db,
      SHOP,
      {
        campaign: content,
        broadcast: {
          audience: { kind: "conditions", conditions: EVERYONE },
          schedule: { kind: "now" },
          confirmedCount: 4,
        },
      },
      NOW,
    );
    if (!created.ok) throw new Error(JSON.stringify(created));
    // As if a worker died after making member 1's send and before finishing.
    const run0 = await db.broadcastRun.update({
      where: { id: created.runId },
      data: { status: "sending", startedAt: NOW },
    });
    await db.campaignSend.create({
      data: {
        shop: SHOP,
        campaignId: run0.campaignId,
        customerId: 1n,
        occurrence: created.runId,
        channel: "email",
      },
    });
    expect((await run(created.runId)).outcome).toEqual({ status: "sent", created: 3 });
    expect(await db.campaignSend.count()).toBe(4);
  });

  it("a scheduled broadcast waits for its shop-local time; a cancelled one never runs", async () => {
    await members();
    const create = (date: string, time: string) =>
      createBroadcast(
        db,
        SHOP,
        {
          campaign: content,
          broadcast: {
            audience: { kind: "conditions", conditions: EVERYONE },
            schedule: { kind: "at", date, time },
            confirmedCount: 4,
          },
        },
        NOW,
      );
    // 9:00 in New York on 3 March is 14:00 UTC.
    const later = await create("2027-03-03", "09:00");
    if (!later.ok) throw new Error(JSON.stringify(later));
    expect(later.sendAt).toEqual(new Date("2027-03-03T14:00:00Z"));
    expect((await run(later.runId)).outcome).toEqual({ status: "wait", until: later.sendAt });
    expect(await db.campaignSend.count()).toBe(0);
    expect((await run(later.runId, new Date("2027-03-03T14:00:00Z"))).outcome).toEqual({
      status: "sent",
      created: 4,
    });

    const cancelled = await create("2027-03-04", "09:00");
    if (!cancelled.ok) throw new Error(JSON.stringify(cancelled));
    expect(await cancelBroadcast(db, OTHER, cancelled.runId)).toMatchObject({ ok: false, status: 404 });
    expect(await cancelBroadcast(db, SHOP, cancelled.runId, NOW)).toEqual({ ok: true });
    expect(await cancelBroadcast(db, SHOP, cancelled.runId, NOW)).toMatchObject({ ok: false, status: 409 });
    expect(await cancelBroadcast(db, SHOP, later.runId, NOW)).toMatchObject({
      ok: false,
      status: 409,
      message: "This broadcast is already sent.",
    });
    expect((await run(cancelled.runId, new Date("2027-03-05T00:00:00Z"))).outcome).toEqual({
      status: "noop",
      reason: "cancelled",
    });
    expect(await db.campaignSend.count()).toBe(4);
  });

  it("refuses bad input with a 422 and a message, writing nothing", async () => {
    await members();
    const otherShopSegment = await segment(OTHER, {});
    const emptySegment = await segment(SHOP, { minPoints: 10_000 });
    const attempt = (broadcast: Record<string, unknown>, campaign: Record<string, unknown> = content) =>
      createBroadcast(
        db,
        SHOP,
        {
          campaign,
          broadcast: {
            audience: { kind: "conditions", conditions: EVERYONE },
            schedule: { kind: "now" },
            confirmedCount: 4,
            ...broadcast,
          },
        },
        NOW,
      );
    expect(await attempt({ audience: { kind: "segment", segmentId: randomUUID() } })).toMatchObject({
      ok: false,
      status: 422,
      message: "That saved segment does not exist in this shop.",
    });
    expect(await attempt({ audience: { kind: "segment", segmentId: otherShopSegment } })).toMatchObject({
      status: 422,
      fieldErrors: { "audience.segmentId": "Unknown segment." },
    });
    expect(
      await attempt({ audience: { kind: "segment", segmentId: emptySegment }, confirmedCount: 0 }),
    ).toMatchObject({
      status: 422,
      message: "No member matches this audience, so there is nobody to send to.",
    });
    // 06:59 New York time on 2 March is before NOW (07:00 there).
    expect(await attempt({ schedule: { kind: "at", date: "2027-03-02", time: "06:59" } })).toMatchObject({
      status: 422,
      message: "That time has passed in the shop's time zone.",
    });
    expect(await attempt({ schedule: { kind: "at", date: "2027-03-14", time: "02:30" } })).toMatchObject({
      status: 422,
      fieldErrors: { "schedule.time": "The clocks skip that time on that day; choose another." },
    });
    expect(await attempt({ confirmedCount: 3 })).toMatchObject({
      status: 422,
      message: "The audience is now 4 members, not the 3 you confirmed. Check and confirm again.",
    });
    expect(await attempt({}, { ...content, body: "Hi {fristName}" })).toMatchObject({
      status: 422,
      fieldErrors: { body: expect.stringContaining("Unknown variable {fristName}") },
    });
    expect(await db.campaign.count()).toBe(0);
    expect(await db.broadcastRun.count()).toBe(0);
  });
});

describe("trigger settings", () => {
  it("are validated per trigger (422 with the field) and stored with defaults", async () => {
    const input = (triggerSettings: Record<string, unknown>) => ({
      name: "Warn",
      kind: "trigger",
      trigger: "tierDowngradeWarning",
      subject: "s",
      body: "b",
      triggerSettings,
    });
    expect(await saveCampaign(db, SHOP, input({ daysBefore: 0 }))).toEqual({
      ok: false,
      status: 422,
      fieldErrors: { "triggerSettings.daysBefore": "From 1 to 90 days." },
    });
    const saved = await saveCampaign(db, SHOP, input({}));
    expect(saved.ok && saved.campaign.triggerSettings).toEqual({ daysBefore: 14 });
    expect(saved.ok && saved.campaign.enabled).toBe(false);
    // A broadcast's id is no trigger campaign to save over.
    await seedMember(db, SHOP, 1n, 0);
    const broadcast = await createBroadcast(db, SHOP, {
      campaign: { name: "b", subject: "s", body: "b" },
      broadcast: {
        audience: { kind: "conditions", conditions: EVERYONE },
        schedule: { kind: "now" },
        confirmedCount: 1,
      },
    });
    if (!broadcast.ok) throw new Error(JSON.stringify(broadcast));
    expect(await saveCampaign(db, SHOP, input({}), { id: broadcast.campaignId })).toEqual({
      ok: false,
      status: 404,
    });
  });
});

describe("the broadcast sweep", () => {
  it("finds due and interrupted runs of installed shops only", async () => {
    const { dueBroadcastRuns } = await import("./broadcasts.server");
    await seedMember(db, SHOP, 1n, 0);
    const make = async (sendAt: Date, status: "scheduled" | "sending" | "sent" | "cancelled") => {
      const campaign = await db.campaign.create({
        data: { shop: SHOP, name: "b", kind: "broadcast", subject: "s", body: "b", enabled: true },
      });
      return (
        await db.broadcastRun.create({
          data: { shop: SHOP, campaignId: campaign.id, sendAt, audienceCount: 1, status },
        })
      ).id;
    };
    const now = new Date("2027-03-02T12:00:00Z");
    const due = await make(new Date("2027-03-02T11:00:00Z"), "scheduled");
    const interrupted = await make(new Date("2027-03-01T11:00:00Z"), "sending");
    await make(new Date("2027-03-02T13:00:00Z"), "scheduled");
    await make(new Date("2027-03-01T11:00:00Z"), "sent");
    await make(new Date("2027-03-01T11:00:00Z"), "cancelled");
    expect(await dueBroadcastRuns(db, now)).toEqual([interrupted, due]);
    await db.shop.update({ where: { domain: SHOP }, data: { status: "uninstalled" } });
    expect(await dueBroadcastRuns(db, now)).toEqual([]);
  });
});
