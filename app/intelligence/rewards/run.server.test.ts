import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { redactCustomerData } from "~/webhooks/customer-data.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { DAY_MS, generateShop } from "../../../simulator/index";
import { runRewardRecommendations } from "./pipeline";
import { rewardRecommendationsFor } from "./read.server";
import { runRewardRecommendationRun } from "./run.server";
import { at, writeLoyaltyShop } from "./loyalty-testing.server";
import { rewardMembers, simulatorRewards } from "./simulator-testing";

// The reward-recommendation service in the real database: a simulator shop with a past
// loyalty program written into the mirror and the loyalty tables (orders, the available and
// pending ledger, redemptions) is read back by the one query, fitted, evaluated and stored;
// every member's stored recommendation equals the pure pipeline's on the simulator's own
// records (so the SQL reads what the model should see). Then: the JSON for the API, the
// affordability rule with its reason when there are too few redemptions, redaction.

const db = prisma();
const SHOP = "reward-recs.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
});

const newRun = () => db.rewardRecommendationRun.create({ data: { shop: SHOP, trigger: "merchant" } });

describe("runRewardRecommendationRun", () => {
  it("reads, fits, evaluates and stores every member's reward, as the pure pipeline does", async () => {
    const shop = generateShop({ seed: 31, customers: 4_000, pastLoyalty: {} });
    const members = rewardMembers(shop);
    const t0 = Date.now();
    await writeLoyaltyShop(db, SHOP, shop, members);
    const now = at(shop, shop.calendar.historyDays);

    const run = await newRun();
    const progress: number[] = [];
    const t1 = Date.now();
    const outcome = await runRewardRecommendationRun(db, run.id, {
      now,
      onProgress: async (p) => void progress.push(p),
    });
    console.info(`written in ${t1 - t0} ms, run in ${Date.now() - t1} ms (${members.length} members)`);
    expect(outcome).toMatchObject({ status: "computed", method: "model", members: members.length });
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const stored = await db.rewardRecommendationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: "computed", method: "model", reason: null, progress: 1 });
    const evaluation = stored.evaluation as {
      auc: number;
      model: { precisionAt1: number; members: number };
      mostPopular: { precisionAt1: number };
      random: number;
      grossMargin: number;
    };
    console.info("reward evaluation (4,000 customers)", JSON.stringify(evaluation));
    expect(evaluation.grossMargin).toBe(0.4);
    expect(evaluation.auc).toBeGreaterThan(0.8);
    expect(evaluation.model.precisionAt1).toBeGreaterThan(evaluation.random);

    // The pure pipeline on the simulator's own records, in epoch days.
    const offset = shop.calendar.startMs / DAY_MS;
    const shifted = members.map((m) => ({
      ...m,
      orders: m.orders.map((o) => ({ ...o, day: o.day + offset })),
      points: m.points.map((p) => ({ ...p, day: p.day + offset })),
      pending: m.pending!.map((p) => ({ ...p, since: p.since + offset, day: p.day + offset })),
      redemptions: m.redemptions.map((r) => ({ ...r, day: r.day + offset })),
    }));
    const pure = runRewardRecommendations(
      shifted,
      simulatorRewards(shop.params.pastLoyalty!),
      now.getTime() / DAY_MS,
      90,
      { value: { grossMargin: 0.4, shopMedianOrder: 0 } },
    );
    if (!pure.ok) throw new Error(pure.reason);
    const rows = new Map(
      (await db.memberRewardRecommendation.findMany({ where: { shop: SHOP } })).map((r) => [
        String(r.customerId),
        r,
      ]),
    );
    let same = 0;
    for (const m of pure.members) {
      const row = rows.get(m.id)!;
      const best = m.ranked[0]!;
      if (row.rewardId === best.rewardId) same++;
      expect(Math.abs(row.probability! - best.probability!)).toBeLessThan(1e-4);
      expect(row.pointsGap).toBe(best.pointsGap);
    }
    expect(same).toBe(pure.members.length);

    // The API's JSON for one member who can afford something.
    const rich = pure.members.find((m) => m.balance >= 500)!;
    const json = await rewardRecommendationsFor(SHOP, rich.id, db);
    expect(json).toMatchObject({
      customerId: rich.id,
      method: "model",
      reason: null,
      horizonDays: 90,
      currency: "USD",
      recommended: { rewardId: rich.ranked[0]!.rewardId },
    });
    expect(json!.ranked.map((r) => r.rewardId)).toEqual(rich.ranked.map((r) => r.rewardId));
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);

    // Redaction deletes the member's recommendation.
    await db.$transaction((tx) =>
      redactCustomerData(
        tx,
        { shop: SHOP, customerId: BigInt(rich.id), email: null, phone: null, orderIds: [] },
        now,
      ),
    );
    expect(await rewardRecommendationsFor(SHOP, rich.id, db)).toBeNull();
  }, 600_000);

  it("too few redemptions: the affordability rule for everyone, labelled, with the reason", async () => {
    const shop = generateShop({ seed: 5, customers: 300, pastLoyalty: {} });
    const members = rewardMembers(shop);
    await writeLoyaltyShop(db, SHOP, shop, members);
    const now = at(shop, shop.calendar.historyDays);
    const run = await newRun();
    expect(await runRewardRecommendationRun(db, run.id, { now })).toMatchObject({
      status: "computed",
      method: "affordability",
    });
    const stored = await db.rewardRecommendationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.reason).toMatch(/not enough (redemptions|members)/);
    const any = await db.memberRewardRecommendation.findFirstOrThrow({ where: { shop: SHOP } });
    const json = await rewardRecommendationsFor(SHOP, any.customerId, db);
    expect(json).toMatchObject({ method: "affordability", reason: stored.reason });
    expect(json!.recommended.probability).toBeNull();
    expect(json!.recommended.expectedValueMinor).toBeNull();
    expect(json!.recommended.drivers).toEqual([]);
    // A member who can afford $15 off is pointed at it, the most valuable reward they can afford.
    const rich = await db.memberRewardRecommendation.findFirst({
      where: { shop: SHOP, pointsGap: 0, pointsCost: 500 },
    });
    if (rich) expect(rich.rewardName).toBe("$15 off");
  }, 300_000);

  it("a run already computed is left alone", async () => {
    const run = await db.rewardRecommendationRun.create({
      data: { shop: SHOP, trigger: "merchant", status: "computed" },
    });
    expect(await runRewardRecommendationRun(db, run.id, { now: new Date() })).toEqual({
      status: "skipped",
      members: 0,
    });
  });
});
