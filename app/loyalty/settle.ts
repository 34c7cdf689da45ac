import { pointsForOrder, type EarningOrder } from "./earning";
import type { LedgerEntry } from "./ledger";
import {
  bonusReversalKey,
  campaignBonusKey,
  cancellationReversalKey,
  earnKey,
  firstOrderBonusKey,
  movedFirstOrderBonusKey,
  refundReversalKey,
} from "./ledger-keys";
import { lotState } from "./ledger-lots";
import type { MemberProgram } from "./member-program";
import { bonusMoveOut, earnCorrection, effectiveEarn, firstOrderHolder } from "./placement";
import type { Program } from "./program";
import { debitUnderPolicy, refundReversal, remainingToReverse, type RefundedAmounts } from "./refunds";
import { tierHeldAt, type QualifyingEvent } from "./tiers";

// The one decision of what the ledger owes for an order (DESIGN.md, ADR 0011). The
// per-order path (services/orders.server.ts), the webhook batch (app/ingest/batch.server.ts)
// and the backfill replay (replay.ts) load what it reads in their own way and write what
// it returns in their own way, but none of them decides anything else about an order:
//
// - an order earns once, when it earns and the member may earn: `pointsForOrder` with the
//   tier held when it was placed (`tierHeldAt`) and the first-order bonus when no credited
//   order came before it, taken from a later order that got it first (ADR 0009);
// - an order earning more than the program's `reviewAbovePoints` is held: its lots are
//   pending with no release date until staff release or reject them (services/review.server.ts);
// - an order credited under another tier than the one it was placed in is corrected;
// - each refund is reversed against the refunds before it, a full refund or the
//   cancellation takes back the bonuses, and the cancellation whatever refunds left.
//
// Entries are dated by their cause, never by when the decision is taken, so every path
// writes identical rows for the same history.

/** A ledger entry with what links it to its order and the details stored beside it. */
export interface SettleEntry extends LedgerEntry {
  orderId: string | null;
  details: Record<string, unknown> | null;
}

/** Which loyalty event an entry is announced as. */
export type SettleCause = "pointsEarned" | "pointsReversed" | "pointsCorrected";

export interface SettleRefund {
  id: string;
  /** processedAt, else createdAt; null when Shopify gave neither. */
  at: Date | null;
  amounts: RefundedAmounts;
}

export interface SettleOrder {
  id: string;
  placedAt: Date;
  /** Paid (or refunded after payment) and not a test. */
  earns: boolean;
  cancelledAt: Date | null;
  cancelReason: string | null;
  refunds: readonly SettleRefund[];
  /** The order as the earning rules read it; needed only to credit or correct it. */
  earning: EarningOrder | null;
}

export interface SettleInput {
  shop: string;
  customerId: string;
  /** The member's program (live version and variant overrides): what the entries record. */
  mp: MemberProgram;
  /** The program a credited order is corrected under: the version it first earned under (default `mp.program`). */
  earnedUnder?: Program;
  order: SettleOrder;
  /** An active member whose history earns: only then is an uncredited order credited. */
  mayEarn: boolean;
  /** Check an already-credited earn against the tier held at placement (the replay, and later orders). */
  correct: boolean;
  /** What counts toward the member's tier (only what happened before the placement matters). */
  history: readonly QualifyingEvent[];
  /** The member's credited orders placed before this one. */
  previousOrderCount: number;
  /** This order's entries in the ledger. */
  entries: readonly SettleEntry[];
  /** The member's first-order bonus entries (the key and the keys under it), when this order may take the bonus. */
  firstOrderBonus: readonly SettleEntry[];
  /** The member's available balance (what clamp-at-zero debits are measured against). */
  available: number;
  now: Date;
}

export interface SettleResult {
  /** New entries in the order they are appended, each with the event it is announced as. */
  entries: (SettleEntry & { cause: SettleCause })[];
  /** Whether this settle credited the order's earn. */
  credited: boolean;
  /** The available balance after the entries. */
  available: number;
}

const byTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? Infinity) - (b?.getTime() ?? Infinity);

/** Numeric ids as strings: shorter first, then lexically. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** A reversal's instant: its cause, never before the order was placed (nor, without a cause, after now). */
function entryAt(placedAt: Date, at: Date | null, now: Date): Date {
  const when = at ?? now;
  return when.getTime() < placedAt.getTime() ? placedAt : when;
}

/** The earn's instant: when the order was placed, never in the future. */
export const earnInstant = (placedAt: Date, now: Date) =>
  placedAt.getTime() > now.getTime() ? now : placedAt;

const asRows = (entries: readonly SettleEntry[]) => entries.map((e) => ({ entry: e, details: e.details }));

/** The order's ledger as the decision goes: what it holds, what is appended, the balance that moves. */
interface Draft {
  input: SettleInput;
  lotKey: string;
  rows: SettleEntry[];
  out: SettleResult["entries"];
  available: number;
  has(key: string): boolean;
  append(entry: SettleEntry, cause: SettleCause): void;
}

function draft(input: SettleInput): Draft {
  const { mp, order } = input;
  const stamp = mp.variants.length ? { experimentVariants: [...mp.variants] } : {};
  const d: Draft = {
    input,
    lotKey: earnKey(input.shop, order.id),
    rows: [...input.entries],
    out: [],
    available: input.available,
    has: (key) => d.rows.some((e) => e.key === key) || d.out.some((e) => e.key === key),
    append(entry, cause) {
      if (d.has(entry.key)) return;
      const stamped = { ...entry, ...stamp };
      if (entry.orderId === order.id) d.rows.push(stamped);
      d.out.push({ ...stamped, cause });
      if (entry.bucket === "available" && entry.kind !== "release") d.available += entry.points;
    },
  };
  return d;
}

/** Whether the holdout takes `placedAt`'s order away from the member's program. */
export function heldOutFor(mp: MemberProgram, placedAt: Date): boolean {
  return !!mp.heldOut && (!mp.heldOutSince || placedAt.getTime() >= mp.heldOutSince.getTime());
}

export function settleOrder(input: SettleInput): SettleResult {
  const { order } = input;
  const d = draft(input);
  let credited = false;
  // A member in the program holdout earns nothing for orders placed since it began (their
  // shadow ledger is settled apart); orders placed before earn as they always did.
  if (!d.has(d.lotKey) && order.earns && input.mayEarn && !heldOutFor(input.mp, order.placedAt))
    credited = credit(d);
  else if (d.has(d.lotKey) && order.earns && input.correct) correct(d);
  if (d.has(d.lotKey)) {
    reverseRefunds(d);
    if (order.cancelledAt) reverseCancellation(d, order.cancelledAt);
  }
  return { entries: d.out, credited, available: d.available };
}

/** The order as the earning rules read it: needed to credit or correct it. */
function earningOf(order: SettleOrder): EarningOrder {
  if (!order.earning) throw new Error(`Order ${order.id} is settled without its earning view`);
  return order.earning;
}

/**
 * `pointsForOrder` with the tier held at placement: an earn entry with its breakdown, each
 * bonus, and the first-order bonus moved off a later order that got it first. Held for
 * review when over the program's bound. Whether it earned.
 */
function credit(d: Draft): boolean {
  const { shop, customerId, mp, order, now } = d.input;
  const { program } = mp;
  const tierId = tierHeldAt(d.input.history, program.tiers, order.placedAt);
  const result = pointsForOrder(
    earningOf(order),
    { tierId, previousOrderCount: d.input.previousOrderCount },
    program,
    now,
  );
  if (result.reason !== "earned") return false;
  // Over the program's sanity bound: held for review, pending with no release date (ADR 0011).
  const bound = program.earning.reviewAbovePoints;
  const held = bound !== null && result.points > bound;
  const lot = {
    bucket: result.pending || held ? ("pending" as const) : ("available" as const),
    availableAt: result.pending && !held ? result.availableAt : null,
    occurredAt: earnInstant(order.placedAt, now),
    programVersion: mp.version,
    orderId: order.id,
  };
  d.append(
    {
      ...lot,
      key: d.lotKey,
      kind: "earn",
      points: result.orderPoints,
      details: { breakdown: result.breakdown, tierId, ...(held ? { review: { heldAbove: bound } } : {}) },
    },
    "pointsEarned",
  );
  const firstKey = firstOrderBonusKey(shop, customerId);
  const movedKey = movedFirstOrderBonusKey(shop, customerId, order.id);
  const holder = result.bonuses.some((b) => b.cause === "firstOrder")
    ? firstOrderHolder(asRows(d.input.firstOrderBonus), firstKey)
    : null;
  const moving = holder && holder.entry.orderId !== order.id ? holder.entry : null;
  for (const bonus of result.bonuses)
    d.append(
      {
        ...lot,
        key:
          bonus.cause !== "firstOrder"
            ? campaignBonusKey(shop, order.id, bonus.campaignId)
            : moving
              ? movedKey
              : firstKey,
        kind: "bonus",
        points: bonus.points,
        details: moving && bonus.cause === "firstOrder" ? { ...bonus, movedFrom: moving.key } : { ...bonus },
      },
      "pointsEarned",
    );
  // A later order got the first-order bonus before this earlier one arrived: it moves here.
  if (moving && d.out.some((e) => e.key === movedKey))
    d.append(
      {
        ...bonusMoveOut(
          asRows(d.input.firstOrderBonus),
          moving.key,
          d.available,
          program.refunds.negativeBalance,
        ),
        orderId: moving.orderId,
        details: { movedTo: order.id },
      },
      "pointsCorrected",
    );
  return true;
}

/** Credited before its history was known: the earn redone under the tier it was placed in. */
function correct(d: Draft) {
  const { mp, order, now } = d.input;
  const earnedUnder = d.input.earnedUnder ?? mp.program;
  const tierId = tierHeldAt(d.input.history, earnedUnder.tiers, order.placedAt);
  const rows = asRows(d.rows);
  if (effectiveEarn(rows, d.lotKey)?.tierId === tierId) return;
  const correction = earnCorrection({
    rows,
    lotKey: d.lotKey,
    recomputed: pointsForOrder(earningOf(order), { tierId, previousOrderCount: 1 }, earnedUnder, now),
    tierId,
    available: d.available,
    policy: mp.program.refunds.negativeBalance,
  });
  if (correction) d.append({ ...correction, orderId: order.id }, "pointsCorrected");
}

/** Each refund against the earn as corrections left it and the refunds reversed before it, in whatever order they came. */
function reverseRefunds(d: Draft) {
  const { shop, mp, order, now } = d.input;
  const refunds = [...order.refunds].sort((a, b) => byTime(a.at, b.at) || compareIds(a.id, b.id));
  for (const refund of refunds) {
    const key = refundReversalKey(shop, order.id, refund.id);
    if (d.has(key)) continue;
    const earned = effectiveEarn(asRows(d.rows), d.lotKey)!;
    const { lot } = earned;
    const reversal = refundReversal(
      { orderPoints: earned.orderPoints, components: earned.components },
      earned.refunded,
      refund.amounts,
      earned.alreadyReversed,
    );
    const { debit, writtenOff } = debitUnderPolicy(
      reversal.points,
      lot.reversalBucket,
      d.available,
      mp.program.refunds.negativeBalance,
    );
    const occurredAt = entryAt(order.placedAt, refund.at, now);
    // Written even when it takes nothing back: its amounts are what the next refund is measured against.
    d.append(
      {
        key,
        kind: "refundReversal",
        points: -debit || 0,
        bucket: lot.reversalBucket,
        lotKey: d.lotKey,
        writtenOff: writtenOff || null,
        occurredAt,
        programVersion: mp.version,
        orderId: order.id,
        details: { refundId: refund.id, refunded: { ...refund.amounts }, reason: reversal.reason },
      },
      "pointsReversed",
    );
    if (reversal.fullyRefunded) reverseBonuses(d, "refundReversal", occurredAt);
  }
}

/** A cancelled order gives back whatever refunds have not already taken, bonuses included. */
function reverseCancellation(d: Draft, cancelledAt: Date) {
  const { shop, mp, order, now } = d.input;
  const occurredAt = entryAt(order.placedAt, cancelledAt, now);
  const key = cancellationReversalKey(shop, order.id);
  const lot = lotState(d.rows, d.lotKey);
  const points = remainingToReverse(lot.credited, lot.reversed);
  if (points > 0 && !d.has(key)) {
    const { debit, writtenOff } = debitUnderPolicy(
      points,
      lot.reversalBucket,
      d.available,
      mp.program.refunds.negativeBalance,
    );
    d.append(
      {
        key,
        kind: "cancellationReversal",
        points: -debit || 0,
        bucket: lot.reversalBucket,
        lotKey: d.lotKey,
        writtenOff: writtenOff || null,
        occurredAt,
        programVersion: mp.version,
        orderId: order.id,
        details: { cancelReason: order.cancelReason },
      },
      "pointsReversed",
    );
  }
  reverseBonuses(d, "cancellationReversal", occurredAt);
}

/** Each bonus lot of the order still standing, reversed in full (a full refund or the cancellation). */
function reverseBonuses(d: Draft, kind: "refundReversal" | "cancellationReversal", occurredAt: Date) {
  const { mp, order } = d.input;
  for (const bonus of d.rows.filter((e) => e.kind === "bonus")) {
    const key = bonusReversalKey(bonus.key);
    const lot = lotState(d.rows, bonus.key);
    const points = remainingToReverse(lot.credited, lot.reversed);
    if (points <= 0 || d.has(key)) continue;
    const { debit, writtenOff } = debitUnderPolicy(
      points,
      lot.reversalBucket,
      d.available,
      mp.program.refunds.negativeBalance,
    );
    d.append(
      {
        key,
        kind,
        points: -debit || 0,
        bucket: lot.reversalBucket,
        lotKey: bonus.key,
        writtenOff: writtenOff || null,
        occurredAt,
        programVersion: mp.version,
        orderId: order.id,
        details: null,
      },
      "pointsReversed",
    );
  }
}
