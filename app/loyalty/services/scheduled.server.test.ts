import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { appendEntries, lockMember, rebuildMemberBalances, type NewLedgerEntry } from "./ledger.server";
import type { ProgramInput } from "../program";
import { currentProgramVersion, saveProgram } from "./program.server";
import { scheduledCandidates } from "./scheduled-candidates.server";
import { EXPIRY_NOTICE_EVENT, runScheduledLoyalty } from "./scheduled.server";

const db = prisma();
const SHOP = "scheduled-test.myshopify.com";
const OTHER = "scheduled-other.myshopify.com";
const DAY = 86_400_000;
const T0 = Date.parse("2025-03-01T00:00:00Z");
const day = (n: number) => new Date(T0 + n * DAY);

async function useProgram(shop: string, input: Partial<ProgramInput>) {
  await currentProgramVersion(db, shop);
  await saveProgram(db, shop, { currency: "USD", ...input }, { basedOn: 1 });
}

async function member(shop: string, customerId: bigint, data: Record<string, unknown> = {}) {
  await db.member.create({ data: { shop, customerId, ...data } });
}

async function append(shop: string, customerId: bigint, entries: NewLedgerEntry[]) {
  await db.$transaction(async (tx) => {
    const m = await lockMember(tx, shop, customerId);
    await appendEntries(tx, m!, entries);
  });
}

const earn = (shop: string, order: string, points: number, at: Date, extra: Partial<NewLedgerEntry> = {}) =>
  ({
    key: `${shop}:order:${order}:earn`,
    kind: "earn",
    points,
    bucket: "available",
    occurredAt: at,
    programVersion: 2,
    ...extra,
  }) satisfies NewLedgerEntry;

const pendingEarn = (shop: string, order: string, points: number, at: Date, availableAt: Date) =>
  earn(shop, order, points, at, { bucket: "pending", availableAt });

async function balances(shop: string, customerId: bigint) {
  return db.member.findUniqueOrThrow({
    where: { shop_customerId: { shop, customerId } },
    select: { availablePoints: true, pendingPoints: true, expiredPoints: true, lifetimePoints: true },
  });
}

const kinds = async (shop: string, customerId: bigint) =>
  (await db.ledgerEntry.findMany({ where: { shop, customerId }, orderBy: { id: "asc" } })).map(
    (e) => `${e.kind}:${e.points}@${e.occurredAt.toISOString().slice(0, 10)}`,
  );

beforeEach(async () => {
  await resetDatabase(db);
});

describe("pending releases", () => {
  it("releases due lots once, dated when they became spendable, and leaves other shops alone", async () => {
    await useProgram(SHOP, {});
    await useProgram(OTHER, {});
    for (const shop of [SHOP, OTHER]) {
      await member(shop, 1n);
      await append(shop, 1n, [
        pendingEarn(shop, "10", 100, day(0), day(30)),
        pendingEarn(shop, "11", 40, day(20), day(50)),
      ]);
    }

    const first = await runScheduledLoyalty(db, SHOP, { now: day(35) });
    expect(first).toMatchObject({ members: 1, released: 1, failed: 0 });
    expect(await balances(SHOP, 1n)).toMatchObject({ availablePoints: 100, pendingPoints: 40 });
    expect(await kinds(SHOP, 1n)).toContain("release:100@2025-03-31");
    // The other shop's identical member was not touched.
    expect(await balances(OTHER, 1n)).toMatchObject({ availablePoints: 0, pendingPoints: 140 });

    const again = await runScheduledLoyalty(db, SHOP, { now: day(35) });
    expect(again).toMatchObject({ members: 0, released: 0 });
    const later = await runScheduledLoyalty(db, SHOP, { now: day(60) });
    expect(later).toMatchObject({ members: 1, released: 1 });
    expect(await balances(SHOP, 1n)).toMatchObject({ availablePoints: 140, pendingPoints: 0 });
    expect(await rebuildMemberBalances(db, SHOP, 1n, { fix: false, now: day(60) })).toEqual([]);
  });

  it("releases only what a refund left of the lot", async () => {
    await useProgram(SHOP, {});
    await member(SHOP, 2n);
    await append(SHOP, 2n, [
      pendingEarn(SHOP, "20", 100, day(0), day(30)),
      {
        key: `${SHOP}:order:20:refund:1:reverse`,
        kind: "refundReversal",
        points: -30,
        bucket: "pending",
        occurredAt: day(5),
        lotKey: `${SHOP}:order:20:earn`,
        programVersion: 2,
      },
    ]);
    await runScheduledLoyalty(db, SHOP, { now: day(31) });
    expect(await balances(SHOP, 2n)).toMatchObject({ availablePoints: 70, pendingPoints: 0 });
  });
});

describe("expiry", () => {
  it("expires fixed-age lots at their lapse instant even when the run is late, once", async () => {
    await useProgram(SHOP, { expiry: { policy: "fixedAge", days: 90, noticeDays: 14 } });
    await member(SHOP, 3n);
    await append(SHOP, 3n, [earn(SHOP, "30", 100, day(0)), earn(SHOP, "31", 50, day(60))]);

    // Ten days late for the first lot; the second is still young.
    const late = await runScheduledLoyalty(db, SHOP, { now: day(100) });
    expect(late).toMatchObject({ expired: 1 });
    expect(await kinds(SHOP, 3n)).toContain("expiry:-100@2025-05-30");
    expect(await balances(SHOP, 3n)).toMatchObject({ availablePoints: 50, expiredPoints: 100 });

    expect(await runScheduledLoyalty(db, SHOP, { now: day(100) })).toMatchObject({ members: 0 });
    expect(await runScheduledLoyalty(db, SHOP, { now: day(101) })).toMatchObject({ expired: 0 });
    expect(await balances(SHOP, 3n)).toMatchObject({ availablePoints: 50, expiredPoints: 100 });
  });

  it("does not reopen members whose old lots were spent", async () => {
    await useProgram(SHOP, { expiry: { policy: "fixedAge", days: 90, noticeDays: 14 } });
    await member(SHOP, 4n);
    await append(SHOP, 4n, [
      earn(SHOP, "40", 100, day(0)),
      {
        key: `${SHOP}:redemption:r1:redeem`,
        kind: "redeem",
        points: -100,
        bucket: "available",
        occurredAt: day(10),
        programVersion: 2,
      },
      earn(SHOP, "41", 30, day(80)),
    ]);
    const program = (await currentProgramVersion(db, SHOP)).program;
    expect(await scheduledCandidates(db, SHOP, [program], day(120), { after: -1n, limit: 10 })).toEqual([]);
    expect(await runScheduledLoyalty(db, SHOP, { now: day(120) })).toMatchObject({ expired: 0 });
    // The young lot lapses in its turn.
    expect(await runScheduledLoyalty(db, SHOP, { now: day(171) })).toMatchObject({ expired: 1 });
    expect(await balances(SHOP, 4n)).toMatchObject({ availablePoints: 0, expiredPoints: 30 });
  });

  it("expires after inactivity, and a purchase after the lapse does not rescue the lapsed points", async () => {
    await useProgram(SHOP, { expiry: { policy: "inactivity", days: 60, noticeDays: 7 } });
    await member(SHOP, 5n);
    await member(SHOP, 6n);
    await append(SHOP, 5n, [earn(SHOP, "50", 80, day(0))]);
    await append(SHOP, 6n, [earn(SHOP, "60", 70, day(0))]);
    // Member 6 buys on day 62, after the lapse on day 60 but before this (late) run.
    await append(SHOP, 6n, [earn(SHOP, "61", 10, day(62))]);

    const result = await runScheduledLoyalty(db, SHOP, { now: day(63) });
    expect(result).toMatchObject({ expired: 2, failed: 0 });
    expect(await balances(SHOP, 5n)).toMatchObject({ availablePoints: 0, expiredPoints: 80 });
    expect(await balances(SHOP, 6n)).toMatchObject({ availablePoints: 10, expiredPoints: 70 });
    expect(await runScheduledLoyalty(db, SHOP, { now: day(64) })).toMatchObject({ expired: 0 });
  });
});

describe("expiry notices", () => {
  it("records one pointsExpiring event per expiry day, whatever the number of runs", async () => {
    await useProgram(SHOP, { expiry: { policy: "fixedAge", days: 90, noticeDays: 14 } });
    await member(SHOP, 7n);
    await append(SHOP, 7n, [earn(SHOP, "70", 100, day(0)), earn(SHOP, "71", 25, day(0.5))]);

    expect(await runScheduledLoyalty(db, SHOP, { now: day(75) })).toMatchObject({ notices: 0 });
    expect(await runScheduledLoyalty(db, SHOP, { now: day(77) })).toMatchObject({ notices: 1 });
    expect(await runScheduledLoyalty(db, SHOP, { now: day(78) })).toMatchObject({ notices: 0 });
    const events = await db.loyaltyEvent.findMany({ where: { shop: SHOP, type: EXPIRY_NOTICE_EVENT } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      customerId: 7n,
      key: `${SHOP}:customer:7:expiry-notice:2025-05-30`,
      payload: { points: 125, expiresAt: day(90).toISOString() },
    });
  });

  it("skips members who are not active", async () => {
    await useProgram(SHOP, { expiry: { policy: "inactivity", days: 60, noticeDays: 7 } });
    await member(SHOP, 8n, { status: "excluded" });
    await append(SHOP, 8n, [earn(SHOP, "80", 100, day(0))]);
    await runScheduledLoyalty(db, SHOP, { now: day(55) });
    expect(await db.loyaltyEvent.count()).toBe(0);
  });
});

describe("birthday bonus", () => {
  it("pays once per year inside the grace window, not for a birthday set just before it", async () => {
    await useProgram(SHOP, { earning: { bonuses: { birthday: 250 } } });
    await member(SHOP, 9n, { birthdayMonth: 3, birthdayDay: 10, birthdaySetAt: new Date("2024-01-01Z") });
    await member(SHOP, 10n, { birthdayMonth: 3, birthdayDay: 10, birthdaySetAt: day(1) });
    await member(SHOP, 11n, { birthdayMonth: 7, birthdayDay: 1, birthdaySetAt: new Date("2024-01-01Z") });
    await member(SHOP, 12n, { birthdayMonth: 3, birthdayDay: 10, birthdaySetAt: new Date("2024-01-01Z") });
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: 12n } },
      data: { status: "deleted" },
    });

    const first = await runScheduledLoyalty(db, SHOP, { now: day(12) });
    expect(first).toMatchObject({ birthdays: 1 });
    expect(await balances(SHOP, 9n)).toMatchObject({ availablePoints: 250 });
    expect(await balances(SHOP, 10n)).toMatchObject({ availablePoints: 0 });
    expect(await balances(SHOP, 11n)).toMatchObject({ availablePoints: 0 });
    expect(await balances(SHOP, 12n)).toMatchObject({ availablePoints: 0 });

    expect(await runScheduledLoyalty(db, SHOP, { now: day(13) })).toMatchObject({ birthdays: 0 });
    // Next year's birthday pays again.
    await runScheduledLoyalty(db, SHOP, { now: day(377) });
    expect(await balances(SHOP, 9n)).toMatchObject({ availablePoints: 500 });
  });
});

describe("tier re-evaluation", () => {
  it("downgrades only once the grace period has passed, on the program's schedule", async () => {
    await useProgram(SHOP, {
      tiers: {
        basis: "points",
        window: "rolling12m",
        levels: [{ id: "silver", name: "Silver", threshold: 100 }],
        downgradeGraceDays: 30,
        reevaluation: "daily",
      },
    });
    await member(SHOP, 20n, { tierId: "silver", tierValue: 150n, tierEvaluatedAt: day(0) });
    await append(SHOP, 20n, [earn(SHOP, "200", 150, day(0))]);
    const tier = async () =>
      db.member.findUniqueOrThrow({
        where: { shop_customerId: { shop: SHOP, customerId: 20n } },
        select: { tierId: true, tierBelowSince: true, tierValue: true },
      });

    // The points left the rolling window a year after they were earned (day 365): the grace
    // runs from then, not from the day the run noticed, and the tier stays through it.
    expect(await runScheduledLoyalty(db, SHOP, { now: day(370) })).toMatchObject({ tiersEvaluated: 1 });
    expect(await tier()).toEqual({ tierId: "silver", tierBelowSince: day(365), tierValue: 0n });
    // Evaluated today already: the same day's later runs leave it alone.
    expect(await runScheduledLoyalty(db, SHOP, { now: day(370.5) })).toMatchObject({ members: 0 });
    await runScheduledLoyalty(db, SHOP, { now: day(394) });
    expect(await tier()).toMatchObject({ tierId: "silver", tierBelowSince: day(365) });
    await runScheduledLoyalty(db, SHOP, { now: day(395) });
    expect(await tier()).toMatchObject({ tierId: null, tierBelowSince: null });
    expect(await db.loyaltyEvent.count({ where: { shop: SHOP, type: "tierChanged" } })).toBe(1);
  });
});
