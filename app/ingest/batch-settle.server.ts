import type { ProductFacts } from "~/mirror/format";
import { earningOrderFromMirror, orderPlacedAt } from "~/mirror/format";
import { balancesFromLedger, entryProblem, QUALIFYING_KINDS } from "~/loyalty/ledger";
import type { MemberProgram } from "~/loyalty/member-program";
import { ledgerEvent } from "~/loyalty/services/events.server";
import { LedgerEntryError } from "~/loyalty/services/ledger.server";
import { orderEarns } from "~/loyalty/services/orders.server";
import { heldOutFor, settleOrder, type SettleEntry } from "~/loyalty/settle";
import { shadowDecision } from "~/experiments/shadow.server";
import { migratedFloor, tierStanding, type QualifyingEvent } from "~/loyalty/tiers";
import { spendOf, type MemberRow, type NewEntry, type NewEvent } from "./batch-sql.server";
import type { OrderMirror } from "./to-mirror";

// The webhook batch's settle loop (batch.server.ts): each fast order, in delivery order,
// decided by the one settle function on its member's history as the batch has built it,
// then the member's cached balances and tier, as settleOrder and refreshTier leave them.

export interface MemberState {
  row: MemberRow;
  changed: boolean;
  /** Qualifying history by source: `order:<id>` for mirrored orders (spend, orders), `ledger` for points. */
  history: Map<string, QualifyingEvent[]>;
  /** Orders of the member credited so far (all placed before the batch's: see `latestEarn`). */
  earned: number;
}

export interface Facts {
  programs: (customerId: bigint) => MemberProgram;
  products: ProductFacts;
  /** Keys already in the ledger: the fast orders' earns and their members' first-order bonuses. */
  keys: Set<string>;
  states: Map<bigint, MemberState>;
  /** Held-out members' shadow entries so far (ADR 0020), and the running holdout. */
  shadow: Map<bigint, SettleEntry[]>;
  holdoutId: string | null;
}

/**
 * Settles each order in delivery order, as settleOrder would after its own upsert: the
 * one settle decision on the member's history as it stands, then the tier refresh.
 */
export function settleInTurn(
  shop: string,
  orders: readonly (OrderMirror & { customerId: bigint })[],
  facts: Facts,
  now: Date,
) {
  const entries: NewEntry[] = [];
  const events: NewEvent[] = [];
  const shadow: (SettleEntry & { customerId: bigint })[] = [];
  for (const order of orders) {
    const mp = facts.programs(order.customerId);
    const { program } = mp;
    const state = facts.states.get(order.customerId)!;
    const member = state.row;
    // The order joins the tier history as the per-row path's mirror would now hold it.
    state.history.delete(`order:${order.id}`);
    if (program.tiers.basis !== "points" && orderEarns(order))
      state.history.set(`order:${order.id}`, [
        { at: orderPlacedAt(order), spendMinor: spendOf(order), points: 0, orders: 1 },
      ]);
    if (!orderEarns(order)) continue;
    if (heldOutFor(mp, orderPlacedAt(order))) {
      // The program holdout earns nothing; its shadow ledger records what it would have.
      const own = facts.shadow.get(order.customerId) ?? [];
      const decided = shadowDecision(
        shop,
        order.customerId,
        mp,
        {
          id: order.id.toString(),
          placedAt: orderPlacedAt(order),
          earns: true,
          cancelledAt: null,
          cancelReason: null,
          refunds: [],
          earning: earningOrderFromMirror(order, facts.products),
        },
        [...state.history.values()].flat(),
        own,
        now,
      ).filter((e) => !own.some((o) => o.key === e.key));
      own.push(...decided);
      facts.shadow.set(order.customerId, own);
      shadow.push(...decided.map((e) => ({ ...e, customerId: order.customerId })));
      continue;
    }
    const decision = settleOrder({
      shop,
      customerId: order.customerId.toString(),
      mp,
      order: {
        id: order.id.toString(),
        placedAt: orderPlacedAt(order),
        earns: true,
        cancelledAt: null,
        cancelReason: null,
        refunds: [],
        earning: earningOrderFromMirror(order, facts.products),
      },
      mayEarn: true,
      correct: false,
      history: [...state.history.values()].flat(),
      previousOrderCount: state.earned,
      entries: [],
      firstOrderBonus: [],
      available: member.availablePoints,
      now,
    });
    const wanted: NewEntry[] = decision.entries.map(({ cause: _cause, ...e }) => ({
      ...e,
      customerId: order.customerId,
      orderId: e.orderId === null ? null : BigInt(e.orderId),
    }));
    for (const e of wanted) {
      const problem = entryProblem(e);
      if (problem) throw new LedgerEntryError(e.key, problem);
    }
    // appendEntries skips keys already written (a replay); the first write stands.
    const inserted = wanted.filter((e) => !facts.keys.has(e.key));
    if (inserted.length === 0) continue;
    for (const e of inserted) facts.keys.add(e.key);
    entries.push(...inserted);
    applyDelta(member, inserted);
    if (inserted.some((e) => e.kind === "earn")) {
      member.ordersEarned += 1;
      state.earned += 1;
    }
    for (const e of inserted) {
      if (program.tiers.basis === "points" && QUALIFYING_KINDS.includes(e.kind))
        state.history.set(`ledger:${e.key}`, [
          { at: e.occurredAt, spendMinor: 0, points: e.points, orders: 0 },
        ]);
      if (e.points !== 0 || e.writtenOff) events.push(ledgerEvent(order.customerId, "pointsEarned", e));
    }
    state.changed = true;
    events.push(...refreshTierInBatch(shop, state, mp, order.customerId, now));
  }
  return { entries, events, shadow };
}

/** refreshTier, on the history as it stands after the order. */
function refreshTierInBatch(
  shop: string,
  state: MemberState,
  mp: MemberProgram,
  customerId: bigint,
  now: Date,
): NewEvent[] {
  const member = state.row;
  const { program } = mp;
  const evaluation = tierStanding([...state.history.values()].flat(), program.tiers, now, {
    tierId: member.tierId,
    belowSince: member.tierBelowSince,
    floor: migratedFloor(member),
  });
  const nextTierId = evaluation.tierId;
  const events: NewEvent[] = [];
  if (nextTierId !== member.tierId)
    events.push({
      customerId,
      type: "tierChanged",
      key: `${shop}:customer:${customerId}:tier:${now.toISOString()}:${nextTierId ?? "none"}`,
      payload: {
        from: member.tierId,
        to: nextTierId,
        change: evaluation.change,
        value: evaluation.value,
        basis: program.tiers.basis,
        programVersion: mp.version,
      },
      occurredAt: now,
    });
  member.tierId = nextTierId;
  member.tierBelowSince = evaluation.belowSince;
  member.tierValue = BigInt(Math.round(evaluation.value));
  member.nextTierId = evaluation.progress.nextTierId;
  member.tierRemaining = BigInt(Math.round(evaluation.progress.remaining));
  member.tierEvaluatedAt = now;
  member.metafieldsDirty = true;
  return events;
}

/** What appendEntries adds to the cached balances for the entries it inserted. */
function applyDelta(member: MemberRow, inserted: readonly NewEntry[]) {
  const b = balancesFromLedger(inserted, new Date(8.64e15));
  member.availablePoints += b.available;
  member.pendingPoints += b.pending;
  member.lifetimePoints += b.lifetimeEarned;
  member.redeemedPoints += b.redeemed;
  member.expiredPoints += b.expired;
  const activity = inserted
    .filter((e) => e.kind === "earn" || e.kind === "redeem")
    .map((e) => e.occurredAt.getTime());
  if (activity.length) {
    const last = new Date(Math.max(...activity));
    if (!member.lastActivityAt || last > member.lastActivityAt) member.lastActivityAt = last;
  }
  member.metafieldsDirty = true;
}
