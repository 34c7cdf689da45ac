import type { EarningOrder } from "./earning";
import { pointsForOrder } from "./earning";
import { balancesFromLedger, QUALIFYING_KINDS, type Balances, type LedgerEntry } from "./ledger";
import {
  bonusReversalKey,
  campaignBonusKey,
  cancellationReversalKey,
  earnKey,
  firstOrderBonusKey,
  movedFirstOrderBonusKey,
  refundReversalKey,
  signupBonusKey,
} from "./ledger-keys";
import { lotState } from "./ledger-lots";
import type { Program } from "./program";
import { debitUnderPolicy, refundReversal, remainingToReverse, type RefundedAmounts } from "./refunds";
import { bonusMoveOut, earnCorrection, effectiveEarn, firstOrderHolder } from "./placement";
import { evaluateTier, tierHeldAt, type QualifyingEvent, type TierEvaluation } from "./tiers";

// Ledger replay of a customer's history (backfill on install). For one member's orders,
// oldest first, it writes exactly what the live path (orders.server.ts `settleOrder`)
// writes when it settles each order in turn: the same keys, points, buckets, dates and
// details. What the replay knows that a late delivery would not is time: each order earns
// with the tier the member held when it was placed (qualifying history before it), and
// with the count of orders that earned before it (the first-order bonus goes to the
// first one). Entries already in the ledger (a live webhook got there first) are taken
// as they are; the caller inserts with ON CONFLICT DO NOTHING, so a second replay adds
// nothing.

export interface ReplayRefund {
  id: string;
  /** processedAt, else createdAt; null when Shopify gave neither. */
  at: Date | null;
  amounts: RefundedAmounts;
  /** Merchandise refunded (what tiers on spend subtract). */
  spendMinor: number;
}

export interface ReplayOrder {
  order: EarningOrder;
  /** Paid (or refunded after payment) and not a test: the live path's `orderEarns`. */
  earns: boolean;
  /** Merchandise net of discounts, gift cards excluded (what tiers on spend count). */
  spendMinor: number;
  cancelledAt: Date | null;
  cancelReason: string | null;
  /** Oldest first (processedAt, then id), as the live path reverses them. */
  refunds: ReplayRefund[];
}

/** A ledger entry as the replay writes it; `details` match the live path's, so both read alike. */
export interface ReplayEntry extends LedgerEntry {
  orderId: string | null;
  details: Record<string, unknown> | null;
}

export interface ReplayInput {
  shop: string;
  customerId: string;
  program: Program;
  /** Only an active member earns; reversals of existing entries happen whatever the status. */
  active: boolean;
  /** The merchant's choice: false enrolls with a zero balance and writes no entries. */
  historyEarnsPoints: boolean;
  orders: readonly ReplayOrder[];
  /** The member's entries already in the ledger, with their details (live webhooks, an earlier replay). */
  existing?: readonly ReplayEntry[];
  /** The tier the member holds now, if any (an existing member). */
  standing?: { tierId: string | null; belowSince: Date | null };
  now: Date;
}

export interface ReplayResult {
  /** New entries only, in the order they would be appended. */
  entries: ReplayEntry[];
  /** Balances over existing and new entries: the member's cache after the replay. */
  balances: Balances;
  /** Orders that earned (the member's `ordersEarned`). */
  ordersEarned: number;
  lastActivityAt: Date | null;
  tier: TierEvaluation;
}

const byTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? Infinity) - (b?.getTime() ?? Infinity);

/** The live path's instant for a reversal: its cause, never before the order was placed. */
function entryAt(placedAt: Date, at: Date | null, now: Date): Date {
  const when = at ?? now;
  return when.getTime() < placedAt.getTime() ? placedAt : when;
}

export function replayHistory(input: ReplayInput): ReplayResult {
  const { shop, customerId, program, now } = input;
  const version = program.version;
  const ledger: ReplayEntry[] = [...(input.existing ?? [])];
  const keys = new Set(ledger.map((e) => e.key));
  const entries: ReplayEntry[] = [];
  let available = balancesFromLedger(ledger, new Date(8.64e15)).available;
  // Spend and orders come from the orders, points from the ledger (net of reversals), as tiers.server.ts counts them.
  const qualifying: QualifyingEvent[] = [];
  const countPoints = (e: LedgerEntry) => {
    if (QUALIFYING_KINDS.includes(e.kind))
      qualifying.push({ at: e.occurredAt, spendMinor: 0, points: e.points, orders: 0 });
  };
  ledger.forEach(countPoints);
  const append = (entry: ReplayEntry) => {
    if (keys.has(entry.key)) return false;
    keys.add(entry.key);
    ledger.push(entry);
    entries.push(entry);
    countPoints(entry);
    if (entry.bucket === "available" && entry.kind !== "release") available += entry.points;
    return true;
  };
  let standing = input.standing ?? { tierId: null, belowSince: null };
  let ordersEarned = 0;

  const orders = [...input.orders].sort(
    (a, b) => a.order.placedAt.getTime() - b.order.placedAt.getTime() || compareIds(a.order.id, b.order.id),
  );
  if (input.historyEarnsPoints && input.active) signup(input, append);

  for (const history of orders) {
    const { order } = history;
    const placedAt = order.placedAt;
    // The member's standing as the order was placed (what the tier evaluation carries on from).
    const before = evaluateTier(
      qualifying.filter((e) => e.at.getTime() < placedAt.getTime()),
      standing,
      program.tiers,
      placedAt,
    );
    standing = { tierId: before.tierId, belowSince: before.belowSince };
    // The tier the order earns with, as the live path computes it (placement.ts).
    const tierId = tierHeldAt(qualifying, program.tiers, placedAt);
    const lotKey = earnKey(shop, order.id);
    const orderEntries = () => ledger.filter((e) => e.orderId === order.id);
    let earn = ledger.find((e) => e.key === lotKey);

    if (!earn && history.earns && input.active && input.historyEarnsPoints) {
      const result = pointsForOrder(order, { tierId, previousOrderCount: ordersEarned }, program, now);
      if (result.reason === "earned") {
        const lot = {
          bucket: result.pending ? ("pending" as const) : ("available" as const),
          availableAt: result.pending ? result.availableAt : null,
          occurredAt: placedAt.getTime() > now.getTime() ? now : placedAt,
          programVersion: version,
          orderId: order.id,
        };
        earn = {
          ...lot,
          key: lotKey,
          kind: "earn",
          points: result.orderPoints,
          details: { breakdown: result.breakdown, tierId },
        };
        append(earn);
        for (const bonus of result.bonuses) {
          if (bonus.cause !== "firstOrder") {
            append({
              ...lot,
              key: campaignBonusKey(shop, order.id, bonus.campaignId),
              kind: "bonus",
              points: bonus.points,
              details: { ...bonus },
            });
            continue;
          }
          // A live order placed later got the first-order bonus before the history was replayed: it moves here.
          const firstKey = firstOrderBonusKey(shop, customerId);
          const holder = firstOrderHolder(asRows(ledger), firstKey);
          const moving = holder && holder.entry.orderId !== order.id ? holder.entry : null;
          append({
            ...lot,
            key: moving ? movedFirstOrderBonusKey(shop, customerId, order.id) : firstKey,
            kind: "bonus",
            points: bonus.points,
            details: moving ? { ...bonus, movedFrom: moving.key } : { ...bonus },
          });
          if (moving)
            append({
              ...bonusMoveOut(asRows(ledger), moving.key, available, program.refunds.negativeBalance),
              orderId: moving.orderId,
              details: { movedTo: order.id },
            });
        }
      }
    } else if (earn && history.earns) {
      // Credited live before the history was replayed: redo it under the tier it was placed in.
      const rows = asRows(orderEntries());
      if (effectiveEarn(rows, lotKey)?.tierId !== tierId) {
        const correction = earnCorrection({
          rows,
          lotKey,
          recomputed: pointsForOrder(order, { tierId, previousOrderCount: 1 }, program, now),
          tierId,
          available,
          policy: program.refunds.negativeBalance,
        });
        if (correction) append({ ...correction, orderId: order.id });
      }
    }
    if (earn) {
      ordersEarned += 1;
      const refunds = [...history.refunds].sort((a, b) => byTime(a.at, b.at) || compareIds(a.id, b.id));
      for (const refund of refunds) {
        const key = refundReversalKey(shop, order.id, refund.id);
        if (keys.has(key)) continue;
        // The earn as corrections left it, and the refunds reversed before this one.
        const earned = effectiveEarn(asRows(orderEntries()), lotKey)!;
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
          available,
          program.refunds.negativeBalance,
        );
        const occurredAt = entryAt(placedAt, refund.at, now);
        append({
          key,
          kind: "refundReversal",
          points: -debit || 0,
          bucket: lot.reversalBucket,
          lotKey,
          writtenOff: writtenOff || null,
          occurredAt,
          programVersion: version,
          orderId: order.id,
          details: { refundId: refund.id, refunded: { ...refund.amounts }, reason: reversal.reason },
        });
        if (reversal.fullyRefunded) reverseBonuses("refundReversal", occurredAt);
      }
      if (history.cancelledAt) {
        const occurredAt = entryAt(placedAt, history.cancelledAt, now);
        const key = cancellationReversalKey(shop, order.id);
        const lot = lotState(orderEntries(), lotKey);
        const points = remainingToReverse(lot.credited, lot.reversed);
        if (points > 0 && !keys.has(key)) {
          const { debit, writtenOff } = debitUnderPolicy(
            points,
            lot.reversalBucket,
            available,
            program.refunds.negativeBalance,
          );
          append({
            key,
            kind: "cancellationReversal",
            points: -debit || 0,
            bucket: lot.reversalBucket,
            lotKey,
            writtenOff: writtenOff || null,
            occurredAt,
            programVersion: version,
            orderId: order.id,
            details: { cancelReason: history.cancelReason },
          });
        }
        reverseBonuses("cancellationReversal", occurredAt);
      }
    }

    // What this order adds to the tier basis, as tiers.server.ts counts it.
    if (history.earns) {
      qualifying.push({ at: placedAt, spendMinor: history.spendMinor, points: 0, orders: 1 });
      if (history.cancelledAt)
        qualifying.push({ at: history.cancelledAt, spendMinor: 0, points: 0, orders: -1 });
      for (const refund of history.refunds)
        if (refund.at)
          qualifying.push({ at: refund.at, spendMinor: -refund.spendMinor, points: 0, orders: 0 });
    }

    function reverseBonuses(kind: "refundReversal" | "cancellationReversal", occurredAt: Date) {
      const current = orderEntries();
      for (const bonus of current.filter((e) => e.kind === "bonus")) {
        const key = bonusReversalKey(bonus.key);
        const lot = lotState(orderEntries(), bonus.key);
        const points = remainingToReverse(lot.credited, lot.reversed);
        if (points <= 0 || keys.has(key)) continue;
        const { debit, writtenOff } = debitUnderPolicy(
          points,
          lot.reversalBucket,
          available,
          program.refunds.negativeBalance,
        );
        append({
          key,
          kind,
          points: -debit || 0,
          bucket: lot.reversalBucket,
          lotKey: bonus.key,
          writtenOff: writtenOff || null,
          occurredAt,
          programVersion: version,
          orderId: order.id,
          details: null,
        });
      }
    }
  }

  const tier = evaluateTier(qualifying, standing, program.tiers, now);
  const activity = ledger
    .filter((e) => e.kind === "earn" || e.kind === "redeem")
    .map((e) => e.occurredAt.getTime());
  return {
    entries,
    balances: balancesFromLedger(ledger, new Date(8.64e15)),
    ordersEarned,
    lastActivityAt: activity.length ? new Date(Math.max(...activity)) : null,
    tier,
  };
}

function signup(input: ReplayInput, append: (e: ReplayEntry) => boolean) {
  const points = input.program.earning.bonuses.signup;
  if (points <= 0) return;
  append({
    key: signupBonusKey(input.shop, input.customerId),
    kind: "bonus",
    points,
    bucket: "available",
    occurredAt: input.now,
    programVersion: input.program.version,
    orderId: null,
    details: { cause: "signup" },
  });
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

const asRows = (entries: readonly ReplayEntry[]) => entries.map((e) => ({ entry: e, details: e.details }));
