import type { EarningOrder } from "./earning";
import { balancesFromLedger, QUALIFYING_KINDS, type Balances, type LedgerEntry } from "./ledger";
import { earnKey, firstOrderBonusKey, historyRedemptionKey, signupBonusKey } from "./ledger-keys";
import type { MemberProgram } from "./member-program";
import type { Program } from "./program";
import type { Reward } from "./program-rewards";
import type { RefundedAmounts } from "./refunds";
import { compareIds, heldOutFor, settleOrder, type SettleEntry, type SettleOrder } from "./settle";
import { tierStanding, type QualifyingEvent, type TierEvaluation, type TierStanding } from "./tiers";

// Ledger replay of a customer's history (backfill on install). For one member's orders,
// oldest first, it decides each order through the one settle decision (settle.ts), as
// the live path (services/orders.server.ts `settleOrder`) does when it settles each order
// in turn: the same keys, points, buckets, dates and details. What the replay knows that
// a late delivery would not is time: each order earns with the tier the member held when
// it was placed (qualifying history before it), under the program the member had when it
// was placed (`programAt`: the version live then and the experiment variants, or the
// holdout, the member was in at that instant), and with the count of orders that earned
// before it (the first-order bonus goes to the first one). Entries already in the ledger
// (a live webhook got there first) are taken as they are; the caller inserts with ON
// CONFLICT DO NOTHING, so a second replay adds nothing.

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
  /** The reward the order's code redeemed (history-redemptions.ts), debited when the order was placed. */
  redemption?: { code: string; reward: Reward } | null;
}

/** A ledger entry as the replay writes it; `details` match the live path's, so both read alike. */
export type ReplayEntry = SettleEntry;

export interface ReplayInput {
  shop: string;
  customerId: string;
  /** The member's program now (`MemberProgram.program`) and the variants that shaped it (none by default). */
  program: Program;
  variants?: readonly string[];
  /**
   * The member's program when an order was placed (the version live then, the variants or
   * holdout of that instant); by default `program` and `variants` throughout. Given, it
   * also answers for now (the signup bonus, the tier standing).
   */
  programAt?: (at: Date) => MemberProgram;
  /** Only an active member earns; reversals of existing entries happen whatever the status. */
  active: boolean;
  /** The merchant's choice: false enrolls with a zero balance and writes no entries. */
  historyEarnsPoints: boolean;
  orders: readonly ReplayOrder[];
  /** The member's entries already in the ledger, with their details (live webhooks, an earlier replay). */
  existing?: readonly ReplayEntry[];
  /** The tier the member holds now, if any (an existing member): what the tier change is measured from. */
  standing?: TierStanding;
  now: Date;
}

export interface ReplayResult {
  /** New entries only, in the order they would be appended. */
  entries: ReplayEntry[];
  /** Balances over existing and new entries: the member's cache after the replay. */
  balances: Balances;
  /**
   * Orders the program holdout took away (placed while the member was held out; they would
   * have earned): what the caller writes to the shadow ledger, with the program and the
   * tier history the ledger would have credited them under.
   */
  heldOut: { order: SettleOrder; mp: MemberProgram; history: QualifyingEvent[] }[];
  /** Orders that earned (the member's `ordersEarned`). */
  ordersEarned: number;
  lastActivityAt: Date | null;
  tier: TierEvaluation;
}

export function replayHistory(input: ReplayInput): ReplayResult {
  const { shop, customerId, now } = input;
  const fixed: MemberProgram = {
    program: input.program,
    version: input.program.version,
    variants: [...(input.variants ?? [])],
  };
  const programAt = input.programAt ?? (() => fixed);
  const current = programAt(now);
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
  let ordersEarned = 0;
  const heldOut: ReplayResult["heldOut"] = [];
  const mayEarn = input.active && input.historyEarnsPoints;

  const orders = [...input.orders].sort(
    (a, b) => a.order.placedAt.getTime() - b.order.placedAt.getTime() || compareIds(a.order.id, b.order.id),
  );
  if (mayEarn) signup(input, current, append);
  const firstKey = firstOrderBonusKey(shop, customerId);

  for (const history of orders) {
    const { order } = history;
    const placedAt = order.placedAt;
    const mp = programAt(placedAt);
    const settling: SettleOrder = {
      id: order.id,
      placedAt,
      earns: history.earns,
      cancelledAt: history.cancelledAt,
      cancelReason: history.cancelReason,
      refunds: history.refunds,
      earning: order,
    };
    if (mayEarn && history.earns && heldOutFor(mp, placedAt) && !keys.has(earnKey(shop, order.id)))
      heldOut.push({ order: settling, mp, history: [...qualifying] });
    // A held-out member earned nothing then, so redeemed nothing either.
    if (history.redemption && input.active && input.historyEarnsPoints && !heldOutFor(mp, placedAt))
      redeemFromHistory(input, mp, order.id, placedAt, history.redemption, ledger, append);
    const decision = settleOrder({
      shop,
      customerId,
      mp,
      order: settling,
      mayEarn,
      correct: true,
      history: qualifying,
      previousOrderCount: ordersEarned,
      entries: ledger.filter((e) => e.orderId === order.id),
      // Only an order with no credited order before it may take the first-order bonus.
      firstOrderBonus: ordersEarned === 0 ? ledger.filter((e) => e.key.startsWith(firstKey)) : [],
      available,
      now,
    });
    for (const { cause: _cause, ...entry } of decision.entries) append(entry);
    if (keys.has(earnKey(shop, order.id))) ordersEarned += 1;

    // What this order adds to the tier basis, as tiers.server.ts counts it.
    if (history.earns) {
      qualifying.push({ at: placedAt, spendMinor: history.spendMinor, points: 0, orders: 1 });
      if (history.cancelledAt)
        qualifying.push({ at: history.cancelledAt, spendMinor: 0, points: 0, orders: -1 });
      for (const refund of history.refunds)
        if (refund.at)
          qualifying.push({ at: refund.at, spendMinor: -refund.spendMinor, points: 0, orders: 0 });
    }
  }

  const tier = tierStanding(qualifying, current.program.tiers, now, input.standing);
  const activity = ledger
    .filter((e) => e.kind === "earn" || e.kind === "redeem")
    .map((e) => e.occurredAt.getTime());
  return {
    entries,
    heldOut,
    balances: balancesFromLedger(ledger, new Date(8.64e15)),
    ordersEarned,
    lastActivityAt: activity.length ? new Date(Math.max(...activity)) : null,
    tier,
  };
}

function signup(input: ReplayInput, mp: MemberProgram, append: (e: ReplayEntry) => boolean) {
  const points = mp.program.earning.bonuses.signup;
  if (points <= 0 || mp.heldOut) return;
  append({
    key: signupBonusKey(input.shop, input.customerId),
    kind: "bonus",
    points,
    bucket: "available",
    occurredAt: input.now,
    programVersion: mp.version,
    ...(mp.variants.length ? { experimentVariants: [...mp.variants] } : {}),
    orderId: null,
    details: { cause: "signup" },
  });
}

/**
 * A past redemption: the reward's points, debited when the order that used its code was
 * placed. The replay credited the history under this program, not the one the shop ran
 * then, so a member may have had fewer points here than the code cost: the debit stops at
 * what was spendable then (`short` records the rest), and a member is never taken below zero.
 */
function redeemFromHistory(
  input: ReplayInput,
  mp: MemberProgram,
  orderId: string,
  at: Date,
  redemption: { code: string; reward: Reward },
  ledger: readonly ReplayEntry[],
  append: (e: ReplayEntry) => boolean,
) {
  const { reward, code } = redemption;
  const points = Math.min(reward.pointsCost, spendableAt(ledger, at));
  if (points <= 0) return;
  append({
    key: historyRedemptionKey(input.shop, orderId, code),
    kind: "redeem",
    points: -points,
    bucket: "available",
    occurredAt: at,
    programVersion: mp.version,
    ...(mp.variants.length ? { experimentVariants: [...mp.variants] } : {}),
    orderId: null,
    details: {
      cause: "history",
      code,
      usedOrderId: orderId,
      rewardId: reward.id,
      pointsCost: reward.pointsCost,
      reward: { name: reward.name, value: reward.value, minimumSubtotal: reward.minimumSubtotal },
      ...(points < reward.pointsCost ? { short: reward.pointsCost - points } : {}),
    },
  });
}

/**
 * Points a member could spend at `at`: available entries up to then, and pending lots
 * whose return window had closed by then (the replay writes no releases; the scheduled
 * release does that afterwards, dated when it runs). Lots held for review never count.
 */
export function spendableAt(ledger: readonly ReplayEntry[], at: Date): number {
  const t = at.getTime();
  const lotOpens = new Map<string, number | null>();
  for (const e of ledger)
    if (e.kind === "earn" || e.kind === "bonus") lotOpens.set(e.key, e.availableAt?.getTime() ?? null);
  let spendable = 0;
  for (const e of ledger) {
    if (e.occurredAt.getTime() > t || e.kind === "release") continue;
    if (e.bucket === "available") {
      spendable += e.points;
      continue;
    }
    const opens = e.availableAt ? e.availableAt.getTime() : (lotOpens.get(e.lotKey ?? "") ?? null);
    if (opens !== null && opens <= t) spendable += e.points;
  }
  return Math.max(0, spendable);
}
