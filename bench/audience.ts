// bench:audience: the segment builder's live count at scale (ADR 0031). A scratch database
// gets `--members` members (default 20,000), each with a customer, RFM, CLV and churn rows;
// then the count is timed with no condition, with every condition on, and for ten saved
// segments in one scan (median of 7 after a warm-up). The builder asks on each change, so
// the target is a second at most. Exits 1 when a count exceeds it.
//   npm run bench:audience [-- --members 20000]
import { parseArgs } from "node:util";
import { createPrisma } from "../app/db.server";
import { EVERYONE, type Audience } from "../app/intelligence/segments/audience";
import { countAudience, countAudiences } from "../app/intelligence/segments/audience.server";
import { SEGMENTS } from "../app/intelligence/segments/segments";
import { scratchDatabase } from "./support/services";

const TARGET_MS = 1_000;
const SHOP = "bench-audience.myshopify.com";
const CHUNK = 5_000;

const { values } = parseArgs({ options: { members: { type: "string", default: "20000" } } });
const N = Number(values.members);
if (!Number.isInteger(N) || N < 1)
  throw new Error(`--members must be a whole number ≥ 1, got ${values.members}.`);

const database = await scratchDatabase("audience");
const db = createPrisma(database.url, 2);

async function seed() {
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
}

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

let failed = false;
try {
  const seeding = performance.now();
  await seed();
  console.log(
    `seeded ${N.toLocaleString("en-US")} members in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
  );
  const counted = await countAudience(db, SHOP, EVERY_CONDITION);
  if (counted.total !== N) throw new Error(`The count saw ${counted.total} members, not ${N}.`);
  const lines: [string, number][] = [
    ["live count, no conditions", await timed(() => countAudience(db, SHOP, EVERYONE))],
    ["live count, every condition", await timed(() => countAudience(db, SHOP, EVERY_CONDITION))],
    [
      "10 saved segments in one scan",
      await timed(() =>
        countAudiences(
          db,
          SHOP,
          Array.from({ length: 10 }, () => EVERY_CONDITION),
        ),
      ),
    ],
  ];
  for (const [label, ms] of lines) {
    const ok = ms <= TARGET_MS;
    if (!ok) failed = true;
    console.log(
      `  ${label.padEnd(32)} ${ms.toFixed(0).padStart(6)} ms  (target ≤ ${TARGET_MS.toLocaleString("en-US")} ms) ${ok ? "✓" : "✗"}`,
    );
  }
} finally {
  await db.$disconnect();
  await database.stop();
}
process.exit(failed ? 1 : 0);
