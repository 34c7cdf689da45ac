import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { EVERYONE, storedConditions, type Audience } from "./audience";
import { audienceMembersSql, countAudience, countAudiences, segmentMembers } from "./audience.server";
import { SEGMENTS } from "./segments";

// The builder's one SQL against real PostgreSQL: members with every kind of score (and some
// without), each condition alone and in combination checked against a plain filter written
// here, in this shop only, through the count, the several-at-once count and a saved segment.

const db = prisma();
const SHOP = "audience-sql.myshopify.com";
const OTHER = "audience-sql-other.myshopify.com";
const NOW = new Date("2026-12-01T00:00:00Z");
const PERSONAS = ["Frequent high spenders", "One-time low spenders", "Occasional mid spenders"];

type Fixture = {
  id: bigint;
  deleted: boolean;
  tier: string | null;
  points: number;
  tags: string[];
  segment: string | null;
  cluster: number | null;
  clv: number | null;
  pAlive: number | null;
  risk: number | null;
  atRisk: boolean | null;
};

/** 120 members: i decides everything, so each condition splits them differently. */
const members: Fixture[] = Array.from({ length: 120 }, (_, i) => {
  const scored = i % 7 !== 0;
  return {
    id: BigInt(5000 + i),
    deleted: i % 29 === 0,
    tier: i % 3 === 0 ? "gold" : i % 3 === 1 ? "silver" : null,
    points: (i * 37) % 900,
    tags: i % 4 === 0 ? ["vip"] : i % 5 === 0 ? ["wholesale", "eu"] : [],
    segment: scored ? SEGMENTS[i % SEGMENTS.length]! : null,
    cluster: scored ? i % 3 : null,
    clv: i % 6 === 0 ? null : ((i * 7919) % 50_000) + 0.5,
    pAlive: i % 6 === 0 ? null : ((i * 13) % 100) / 100,
    risk: i % 5 === 1 ? null : ((i * 17) % 100) / 100,
    atRisk: i % 5 === 1 ? null : ((i * 17) % 100) / 100 >= 0.6,
  };
});

/** The conditions' meaning, written independently of the SQL. */
function matches(m: Fixture, a: Audience): boolean {
  const between = (v: number | null, min: number | null, max: number | null) =>
    (min === null || (v !== null && v >= min)) && (max === null || (v !== null && v <= max));
  return (
    !m.deleted &&
    (!a.segments.length || (m.segment !== null && a.segments.includes(m.segment as never))) &&
    (!a.tiers.length || (m.tier !== null && a.tiers.includes(m.tier))) &&
    between(m.points, a.minPoints, a.maxPoints) &&
    (!a.tags.length || m.tags.some((t) => a.tags.includes(t))) &&
    between(m.clv, a.minClvMinor, a.maxClvMinor) &&
    between(m.pAlive, a.minPAlive, a.maxPAlive) &&
    between(m.risk, a.minChurnRisk, null) &&
    (!a.atRiskOnly || m.atRisk === true) &&
    (!a.personas.length || (m.cluster !== null && a.personas.includes(PERSONAS[m.cluster]!)))
  );
}

async function seed(shop: string) {
  await db.shop.create({ data: { domain: shop, currencyCode: "USD" } });
  const fitId = randomUUID();
  const runId = randomUUID();
  await db.customer.createMany({ data: members.map((m) => ({ shop, id: m.id, tags: m.tags })) });
  await db.member.createMany({
    data: members.map((m) => ({
      shop,
      customerId: m.id,
      status: m.deleted ? ("deleted" as const) : ("active" as const),
      tierId: m.tier,
      availablePoints: m.points,
    })),
  });
  await db.memberSegment.createMany({
    data: members
      .filter((m) => m.segment)
      .map((m) => ({
        shop,
        customerId: m.id,
        segment: m.segment!,
        recencyScore: 3,
        frequencyScore: 3,
        monetaryScore: 3,
        cluster: m.cluster,
        recencyDays: 10,
        frequency: 2,
        monetaryMinor: 1000n,
        computedAt: NOW,
      })),
  });
  await db.memberLifetimeValue.createMany({
    data: members
      .filter((m) => m.clv !== null)
      .map((m) => ({
        shop,
        customerId: m.id,
        fitId,
        repeatPurchases: 1,
        recencyDays: 10,
        ageDays: 100,
        pAlive: m.pAlive!,
        expectedPurchases90d: 0.5,
        expectedPurchases12m: 1.5,
        clv12mMinor: m.clv,
        computedAt: NOW,
      })),
  });
  await db.memberChurnRisk.createMany({
    data: members
      .filter((m) => m.risk !== null)
      .map((m) => ({
        shop,
        customerId: m.id,
        runId,
        risk: m.risk!,
        atRisk: m.atRisk!,
        drivers: [],
        valueSource: "clv",
        intervention: {},
        computedAt: NOW,
      })),
  });
  // An older run numbered its clusters the other way round: only the latest one counts.
  const clusters = (titles: string[]) => ({
    clusters: { ok: true, clusters: titles.map((title, index) => ({ index, title, size: 1 })) },
  });
  await db.segmentRun.create({
    data: {
      shop,
      status: "completed",
      startedAt: new Date(NOW.getTime() - 86_400_000),
      finishedAt: new Date(NOW.getTime() - 86_400_000),
      summary: clusters([...PERSONAS].reverse()),
    },
  });
  await db.segmentRun.create({
    data: { shop, status: "completed", startedAt: NOW, finishedAt: NOW, summary: clusters(PERSONAS) },
  });
  await db.segmentRun.create({ data: { shop, status: "running", startedAt: NOW } });
}

beforeAll(async () => {
  await resetDatabase(db);
  await seed(SHOP);
  await seed(OTHER);
});

const audience = (a: Partial<Audience>): Audience => ({ ...EVERYONE, ...a });

const CASES: [string, Audience][] = [
  ["no conditions", EVERYONE],
  ["RFM segments", audience({ segments: ["champions", "at_risk", "lost"] })],
  ["tiers", audience({ tiers: ["gold"] })],
  ["points range", audience({ minPoints: 100, maxPoints: 400 })],
  ["points at least", audience({ minPoints: 800 })],
  ["tags", audience({ tags: ["vip", "eu"] })],
  ["CLV at least", audience({ minClvMinor: 20_000 })],
  ["CLV range", audience({ minClvMinor: 1_000, maxClvMinor: 9_000 })],
  ["P(alive) range", audience({ minPAlive: 0.25, maxPAlive: 0.75 })],
  ["churn risk at least", audience({ minChurnRisk: 0.5 })],
  ["at risk only", audience({ atRiskOnly: true })],
  ["personas of the latest run", audience({ personas: ["Frequent high spenders"] })],
  ["two personas", audience({ personas: ["One-time low spenders", "Occasional mid spenders"] })],
  ["unknown persona", audience({ personas: ["Nobody like this"] })],
  [
    "everything at once",
    audience({
      segments: [...SEGMENTS],
      tiers: ["gold", "silver"],
      minPoints: 50,
      tags: [],
      minClvMinor: 100,
      maxPAlive: 0.9,
      minChurnRisk: 0.1,
      personas: PERSONAS.slice(0, 2),
    }),
  ],
  ["at risk and valuable", audience({ atRiskOnly: true, minClvMinor: 10_000, tiers: ["silver"] })],
];

describe("the builder's SQL", () => {
  it.each(CASES)("%s: counts exactly the members the conditions describe", async (_name, a) => {
    const expected = members.filter((m) => matches(m, a));
    const total = members.filter((m) => !m.deleted).length;
    expect(await countAudience(db, SHOP, a)).toEqual({ matching: expected.length, total });
    const rows = await db.$queryRaw<{ customerId: bigint }[]>(audienceMembersSql(SHOP, a));
    expect(rows.map((r) => r.customerId).sort()).toEqual(expected.map((m) => m.id).sort());
  });

  it("cases that match something and something less than everyone (the fixture is not degenerate)", () => {
    for (const [name, a] of CASES.slice(1)) {
      if (name === "unknown persona") continue;
      const n = members.filter((m) => matches(m, a)).length;
      expect(n, name).toBeGreaterThan(0);
      expect(n, name).toBeLessThan(members.length - 4);
    }
  });

  it("counts several condition sets in one scan, each as alone", async () => {
    const sets = CASES.map(([, a]) => a);
    const alone = await Promise.all(sets.map((a) => countAudience(db, SHOP, a)));
    expect(await countAudiences(db, SHOP, sets)).toEqual(alone);
  });

  it("resolves a saved segment of this shop only", async () => {
    const a = audience({ tiers: ["gold"], minChurnRisk: 0.3 });
    const saved = await db.savedSegment.create({
      data: { shop: SHOP, name: "Gold at risk", conditions: storedConditions(a) },
    });
    const expected = members.filter((m) => matches(m, a)).map((m) => m.id);
    expect((await segmentMembers(db, SHOP, saved.id))?.sort()).toEqual(expected.sort());
    expect(await segmentMembers(db, OTHER, saved.id)).toBeNull();
    expect(await segmentMembers(db, SHOP, randomUUID())).toBeNull();
    expect(await segmentMembers(db, SHOP, "not-an-id")).toBeNull();
  });
});
