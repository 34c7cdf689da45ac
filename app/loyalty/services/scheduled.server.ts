import type { Prisma, PrismaClient } from "~/db.server";
import type { Member } from "~/generated/prisma/client";
import { eachLimited } from "~/jobs/each-limited";
import { logger } from "~/logger.server";
import { birthdayBonusDue } from "../bonuses";
import { dueExpiries, expiryNotices } from "../expiry";
import type { LedgerEntry } from "../ledger";
import { birthdayBonusKey, releaseKey } from "../ledger-keys";
import { dueReleases } from "../ledger-lots";
import { appendEntries, lockMember, memberLedger, type NewLedgerEntry } from "./ledger.server";
import type { Program } from "../program";
import { shopPrograms, type MemberProgram } from "./member-program.server";
import { lastEvaluationBoundary, scheduledCandidates } from "./scheduled-candidates.server";
import { refreshTier } from "./tiers.server";

// The time-driven half of the ledger, run per shop by the loyalty queue: pending lots
// become spendable, points lapse, members hear about lapses in advance, birthdays pay.
// Tiers are re-evaluated on the program's schedule, which is what moves a member down once
// a downgrade grace period has run out. Each member is handled in its own short
// transaction under the member lock, and every effect carries an idempotency key, so a
// run that repeats, overlaps or comes late writes exactly what one punctual run would have.

type Tx = Prisma.TransactionClient;

export const EXPIRY_NOTICE_EVENT = "pointsExpiring";

export interface MemberRunResult {
  released: number;
  expired: number;
  birthdays: number;
  notices: number;
  /** Tier re-evaluations done because the program's schedule called for one. */
  tiersEvaluated: number;
}

export interface ShopRunResult extends MemberRunResult {
  members: number;
  failed: number;
}

export interface ScheduledRunOptions {
  now: Date;
  /** Members selected per candidate query. */
  batchSize?: number;
  /** Member transactions in flight at once (each holds one pooled connection). */
  parallel?: number;
}

const NOTHING: MemberRunResult = { released: 0, expired: 0, birthdays: 0, notices: 0, tiersEvaluated: 0 };

/** Runs every due scheduled effect for one shop's members; one member's failure does not stop the others. */
export async function runScheduledLoyalty(
  db: PrismaClient,
  shop: string,
  options: ScheduledRunOptions,
): Promise<ShopRunResult> {
  const { now, batchSize = 500, parallel = 4 } = options;
  const programs = await shopPrograms(db, shop, now);
  const candidatePrograms = programs.all.map((p) => p.program);
  const totals: ShopRunResult = { ...NOTHING, members: 0, failed: 0 };
  let after = -1n;
  for (;;) {
    const batch = await scheduledCandidates(db, shop, candidatePrograms, now, { after, limit: batchSize });
    await eachLimited(batch, parallel, async (customerId) => {
      try {
        const result = await db.$transaction((tx) =>
          runForMember(tx, shop, customerId, { ...programs.of(customerId), now }),
        );
        totals.members += 1;
        totals.released += result.released;
        totals.expired += result.expired;
        totals.birthdays += result.birthdays;
        totals.notices += result.notices;
        totals.tiersEvaluated += result.tiersEvaluated;
      } catch (err) {
        // The member stays a candidate, so the next run tries again.
        totals.failed += 1;
        logger().warn(
          { err, shop, customerId: String(customerId) },
          "Scheduled loyalty work failed for member",
        );
      }
    });
    if (batch.length < batchSize) break;
    after = batch[batch.length - 1]!;
  }
  return totals;
}

/** One member under its lock, under their own program: replays its ledger, appends what is due, records notices. */
export async function runForMember(
  tx: Tx,
  shop: string,
  customerId: bigint,
  context: MemberProgram & { now: Date },
): Promise<MemberRunResult> {
  const { program, now } = context;
  const written = { programVersion: context.version, experimentVariants: context.variants };
  const member = await lockMember(tx, shop, customerId);
  if (!member || member.status === "deleted") return NOTHING;
  const ledger = await memberLedger(tx, shop, customerId);
  const ref = { shop, customerId: String(customerId) };

  const releases = releaseEntries(ledger, written, now);
  const expiries: NewLedgerEntry[] = dueExpiries([...ledger, ...releases], program.expiry, ref, now).map(
    (e) => ({
      key: e.key,
      kind: "expiry",
      points: -e.points,
      bucket: "available",
      occurredAt: e.occurredAt,
      lotKey: e.lotKey,
      ...written,
    }),
  );
  // The program holdout gets no program: no birthday bonus either.
  const birthday =
    member.status === "active" && !context.heldOut ? birthdayEntry(member, program, written, now) : null;
  const entries = [...releases, ...expiries, ...(birthday ? [birthday] : [])];
  const appended = await appendEntries(tx, member, entries);
  const { inserted } = appended;
  const count = (kind: LedgerEntry["kind"]) => inserted.filter((e) => e.kind === kind).length;

  let notices = 0;
  if (member.status === "active") {
    const due = expiryNotices([...ledger, ...entries], program.expiry, ref, now);
    if (due.length) {
      const { count: created } = await tx.loyaltyEvent.createMany({
        data: due.map((n) => ({
          shop,
          customerId,
          type: EXPIRY_NOTICE_EVENT,
          key: n.key,
          payload: {
            points: n.points,
            expiresAt: n.expiresAt.toISOString(),
            notifyAt: n.notifyAt.toISOString(),
          },
          occurredAt: now,
        })),
        skipDuplicates: true,
      });
      notices = created;
    }
  }
  // Last, so a points-basis tier sees this run's entries. Upgrades happen as orders settle;
  // this is what ends a grace period or lets spend leave a rolling window.
  let tiersEvaluated = 0;
  if (member.status === "active" && tierEvaluationDue(member, program, now)) {
    await refreshTier(tx, appended.member, program, now);
    tiersEvaluated = 1;
  }
  return {
    released: count("release"),
    expired: count("expiry"),
    birthdays: count("bonus"),
    notices,
    tiersEvaluated,
  };
}

function tierEvaluationDue(member: Member, program: Program, now: Date): boolean {
  if (program.tiers.levels.length === 0) return false;
  const boundary = lastEvaluationBoundary(program.tiers.reevaluation, now);
  return member.tierEvaluatedAt === null || member.tierEvaluatedAt < boundary;
}

/** What every entry a run writes records: the program version and variants it was decided under. */
type WrittenUnder = Pick<NewLedgerEntry, "programVersion" | "experimentVariants">;

/** Releases dated when each lot became spendable, so lot ages (and fixed-age expiry) do not depend on the run's lateness. */
function releaseEntries(ledger: readonly LedgerEntry[], written: WrittenUnder, now: Date): NewLedgerEntry[] {
  const byKey = new Map(ledger.map((e) => [e.key, e]));
  return dueReleases(ledger, now).map((r) => ({
    key: releaseKey(r.lotKey),
    kind: "release",
    points: r.points,
    bucket: "available",
    occurredAt: byKey.get(r.lotKey)?.availableAt ?? now,
    lotKey: r.lotKey,
    ...written,
  }));
}

function birthdayEntry(
  member: Member,
  program: Program,
  written: WrittenUnder,
  now: Date,
): NewLedgerEntry | null {
  const birthday =
    member.birthdayMonth !== null && member.birthdayDay !== null
      ? { month: member.birthdayMonth, day: member.birthdayDay }
      : null;
  const decision = birthdayBonusDue(birthday, member.birthdaySetAt, program, now);
  if (!decision.due) return null;
  return {
    key: birthdayBonusKey(member.shop, String(member.customerId), decision.year),
    kind: "bonus",
    points: decision.points,
    bucket: "available",
    occurredAt: now,
    ...written,
    details: { cause: "birthday", year: decision.year },
  };
}
