import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { EVERYONE, type Audience } from "./audience";
import { countAudience, countAudiences } from "./audience.server";
import { SEGMENTS } from "./segments";

// The live count at 20,000 members, each with RFM, CLV and churn rows and a customer: one
// query per count (the builder asks on each change), a bound generous enough for a shared
// CI machine. The median of several runs is printed for the README.

const db = prisma();
const SHOP = "audience-speed.myshopify.com";
const N = 20_000;
const CHUNK = 5_000;

beforeAll(async () => {
  await resetDatabase(db);
  const ids = Array.from({ length: N }, (_, i) => BigInt(10_000 + i));
  const now = new Date("2026-12-01T00:00:00Z");
  for (let at = 0; at < N; at += CHUNK) {
    const chunk = ids.slice(at, at + CHUNK);
    await db.customer.createMany({
      data: chunk.map((id, i) => ({ shop: SHOP, id, tags: i % 9 === 0 ? ["vip"] : [] })),
    });
    await db.member.createMany({
      data: chunk.map((id, i) => ({
        shop: SHOP,
        customerId: id,
        tierId: i % 3 ? "silver" : "gold",
        availablePoints: (i * 37) % 2_000,
      })),
    });
    await db.memberSegment.createMany({
      data: chunk.map((id, i) => ({
        shop: SHOP,
        customerId: id,
        segment: SEGMENTS[i % SEGMENTS.length]!,
        recencyScore: 1 + (i % 5),
        frequencyScore: 1 + (i % 4),
        monetaryScore: 1 + (i % 3),
        cluster: i % 4,
        recencyDays: i % 365,
        frequency: 1 + (i % 6),
        monetaryMinor: BigInt(1_000 + i),
        computedAt: now,
      })),
    });
    await db.memberLifetimeValue.createMany({
      data: chunk.map((id, i) => ({
        shop: SHOP,
        customerId: id,
        fitId: "00000000-0000-4000-8000-000000000001",
        repeatPurchases: i % 5,
        recencyDays: 10,
        ageDays: 200,
        pAlive: (i % 100) / 100,
        expectedPurchases90d: 0.4,
        expectedPurchases12m: 1.2,
        clv12mMinor: (i * 7919) % 100_000,
        computedAt: now,
      })),
    });
    await db.memberChurnRisk.createMany({
      data: chunk.map((id, i) => ({
        shop: SHOP,
        customerId: id,
        runId: "00000000-0000-4000-8000-000000000002",
        risk: (i % 97) / 97,
        atRisk: i % 97 > 60,
        drivers: [],
        valueSource: "clv",
        intervention: {},
        computedAt: now,
      })),
    });
  }
  await db.segmentRun.create({
    data: {
      shop: SHOP,
      status: "completed",
      finishedAt: now,
      summary: {
        clusters: { ok: true, clusters: [0, 1, 2, 3].map((index) => ({ index, title: `P${index}` })) },
      },
    },
  });
  await db.$executeRawUnsafe(`ANALYZE`);
}, 300_000);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(run: () => Promise<unknown>, times = 7) {
  await run();
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    ms.push(performance.now() - start);
  }
  return median(ms);
}

const EVERY_CONDITION: Audience = {
  segments: ["champions", "loyal", "at_risk"],
  tiers: ["gold", "silver"],
  minPoints: 100,
  maxPoints: 1_800,
  tags: [],
  minClvMinor: 5_000,
  maxClvMinor: 90_000,
  minPAlive: 0.2,
  maxPAlive: 0.95,
  minChurnRisk: 0.1,
  atRiskOnly: false,
  personas: ["P0", "P2"],
};

describe("the live count at 20,000 members", () => {
  it("answers in well under a second, every condition on", async () => {
    const none = await timed(() => countAudience(db, SHOP, EVERYONE));
    const all = await timed(() => countAudience(db, SHOP, EVERY_CONDITION));
    const ten = await timed(() =>
      countAudiences(
        db,
        SHOP,
        Array.from({ length: 10 }, () => EVERY_CONDITION),
      ),
    );
    console.info(
      `live count, 20k members: no conditions ${none.toFixed(0)} ms, every condition ${all.toFixed(0)} ms, 10 saved segments in one scan ${ten.toFixed(0)} ms`,
    );
    expect((await countAudience(db, SHOP, EVERY_CONDITION)).total).toBe(N);
    expect(all).toBeLessThan(1_000);
  });
});
