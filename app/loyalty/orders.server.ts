import { z } from "zod";
import type { Prisma } from "~/db.server";
import type { Member, Order, Refund } from "~/generated/prisma/client";
import { earningOrderFromMirror, orderPlacedAt, refundedAmountsFromMirror } from "~/ingest/mirror-format";
import { pointsForOrder } from "./earning";
import { ledgerEvent, recordEvents, type NewLoyaltyEvent } from "./events.server";
import type { LedgerEntry } from "./ledger";
import {
  bonusReversalKey,
  campaignBonusKey,
  cancellationReversalKey,
  earnKey,
  firstOrderBonusKey,
  refundReversalKey,
} from "./ledger-keys";
import { lotState } from "./ledger-lots";
import { appendEntries, toLedgerEntry, type NewLedgerEntry } from "./ledger.server";
import { ensureMember } from "./members.server";
import type { Program } from "./program";
import { debitUnderPolicy, refundReversal, remainingToReverse, type RefundedAmounts } from "./refunds";
import { refreshTier } from "./tiers.server";

// The live path from a mirrored order to the ledger (app/loyalty/README.md). Every
// delivery about an order (create, updated, paid, cancelled, a refund) ends in
// `settleOrder`, which derives what the ledger owes from the mirror as it stands:
//
// - An order earns once it is paid: financial_status paid, or partially_refunded /
//   refunded (it was paid before). Pending, authorized and partially paid orders wait
//   for orders/paid or the orders/updated that follows it; voided orders never earn, and
//   neither do test orders. A paid order that is already cancelled still earns and is
//   reversed at once, so a cancellation delivered before orders/paid lands where the
//   in-order sequence would.
// - Only active members earn; reversals apply to whatever was credited, whatever the
//   member's status is now.
// - Each refund is reversed against the refunds already reversed (their amounts are kept
//   on the entries), so refunds processed in any order sum to the same points.
// - Entries are dated by their cause (order placed, refund processed, order cancelled),
//   never by the delivery, so replays and reorderings write identical rows.

type Tx = Prisma.TransactionClient;

/** Statuses of an order whose payment was captured at some point. */
export const PAID_STATUSES: ReadonlySet<string> = new Set(["paid", "partially_refunded", "refunded"]);

export function orderEarns(order: Pick<Order, "test" | "financialStatus">): boolean {
  return !order.test && order.financialStatus !== null && PAID_STATUSES.has(order.financialStatus);
}

const earnDetails = z.object({
  components: z.array(z.object({ key: z.string(), amountMinor: z.number(), exactPoints: z.number() })),
});
const reversalDetails = z.object({ refunded: z.record(z.string(), z.number()) });

interface OrderLedger {
  member: Member;
  /** This order's entries (with their details), oldest first; appended to as the settle goes. */
  rows: { entry: LedgerEntry; details: unknown }[];
  events: NewLoyaltyEvent[];
  changed: boolean;
}

/**
 * Brings the ledger in line with one mirrored order: credit it when it earns and was not
 * credited, reverse its mirrored refunds and its cancellation, then refresh the tier.
 * Returns the member (locked) or null when the order has no customer yet.
 */
export async function settleOrder(
  tx: Tx,
  shop: string,
  orderId: bigint,
  program: Program,
  now: Date,
): Promise<Member | null> {
  const order = await tx.order.findUnique({ where: { shop_id: { shop, id: orderId } } });
  if (!order || order.customerId === null) return null;
  const member = await ensureMember(tx, shop, order.customerId, program, now);
  const stored = await tx.ledgerEntry.findMany({ where: { shop, orderId }, orderBy: { id: "asc" } });
  const state: OrderLedger = {
    member,
    rows: stored.map((row) => ({ entry: toLedgerEntry(row), details: row.details })),
    events: [],
    changed: false,
  };
  const earned = state.rows.some((r) => r.entry.key === earnKey(shop, orderId.toString()));
  if (!earned && member.status === "active" && orderEarns(order))
    await creditOrder(tx, state, order, program, now);
  if (state.rows.some((r) => r.entry.key === earnKey(shop, orderId.toString()))) {
    const refunds = await tx.refund.findMany({
      where: { shop, orderId },
      orderBy: [{ processedAt: "asc" }, { id: "asc" }],
    });
    for (const refund of refunds) await reverseRefund(tx, state, order, refund, program, now);
    if (order.cancelledAt) await reverseCancellation(tx, state, order, program, now);
  }
  await recordEvents(tx, shop, state.events);
  if (state.changed) state.member = await refreshTier(tx, state.member, program, now);
  return state.member;
}

async function append(tx: Tx, state: OrderLedger, entries: NewLedgerEntry[], type: NewLoyaltyEvent["type"]) {
  const result = await appendEntries(tx, state.member, entries);
  state.member = result.member;
  for (const e of result.inserted) {
    state.rows.push({ entry: e, details: e.details ?? null });
    state.changed = true;
    if (e.points !== 0 || e.writtenOff) state.events.push(ledgerEvent(state.member.customerId, type, e));
  }
  return result;
}

/** `pointsForOrder` on the mirrored order: an earn entry with its components, plus each bonus. */
async function creditOrder(tx: Tx, state: OrderLedger, order: Order, program: Program, now: Date) {
  const { shop, customerId } = state.member;
  const productIds = [
    ...new Set(
      z
        .array(z.object({ productId: z.string().nullable() }).loose())
        .parse(order.lineItems)
        .flatMap((l) => (l.productId && /^\d+$/.test(l.productId) ? [BigInt(l.productId)] : [])),
    ),
  ];
  const products = productIds.length
    ? await tx.product.findMany({ where: { shop, id: { in: productIds } } })
    : [];
  const facts = new Map(
    products.map((p) => [p.id.toString(), { tags: p.tags, collectionIds: p.collectionIds }]),
  );
  const result = pointsForOrder(
    earningOrderFromMirror(order, facts),
    { tierId: state.member.tierId, previousOrderCount: state.member.ordersEarned },
    program,
    now,
  );
  if (result.reason !== "earned") return;
  const placedAt = orderPlacedAt(order);
  const occurredAt = placedAt.getTime() > now.getTime() ? now : placedAt;
  const lot = {
    bucket: result.pending ? ("pending" as const) : ("available" as const),
    availableAt: result.pending ? result.availableAt : null,
    occurredAt,
    programVersion: program.version,
    orderId: order.id,
  };
  const orderKey = order.id.toString();
  const entries: NewLedgerEntry[] = [
    {
      ...lot,
      key: earnKey(shop, orderKey),
      kind: "earn",
      points: result.orderPoints,
      details: JSON.parse(
        JSON.stringify({ components: result.components, breakdown: result.breakdown }),
      ) as Prisma.InputJsonObject,
    },
    ...result.bonuses.map((bonus) => ({
      ...lot,
      key:
        bonus.cause === "firstOrder"
          ? firstOrderBonusKey(shop, customerId.toString())
          : campaignBonusKey(shop, orderKey, bonus.campaignId),
      kind: "bonus" as const,
      points: bonus.points,
      details: { ...bonus },
    })),
  ];
  const { inserted } = await append(tx, state, entries, "pointsEarned");
  if (inserted.some((e) => e.kind === "earn")) {
    state.member = await tx.member.update({
      where: { shop_customerId: { shop, customerId } },
      data: { ordersEarned: { increment: 1 } },
    });
  }
}

const entryAt = (order: Order, at: Date | null, now: Date) => {
  const placed = orderPlacedAt(order);
  const when = at ?? now;
  return when.getTime() < placed.getTime() ? placed : when;
};

/** Each bonus lot of the order still standing, reversed in full (a full refund or the cancellation). */
function bonusReversals(
  state: OrderLedger,
  kind: "refundReversal" | "cancellationReversal",
  occurredAt: Date,
  program: Program,
  orderId: bigint,
): NewLedgerEntry[] {
  const entries = state.rows.map((r) => r.entry);
  let available = state.member.availablePoints;
  return entries
    .filter((e) => e.kind === "bonus")
    .flatMap((bonus) => {
      const lot = lotState(entries, bonus.key);
      const points = remainingToReverse(lot.credited, lot.reversed);
      if (points <= 0 || entries.some((e) => e.key === bonusReversalKey(bonus.key))) return [];
      const { debit, writtenOff } = debitUnderPolicy(
        points,
        lot.reversalBucket,
        available,
        program.refunds.negativeBalance,
      );
      if (lot.reversalBucket === "available") available -= debit;
      return [
        {
          key: bonusReversalKey(bonus.key),
          kind,
          points: -debit,
          bucket: lot.reversalBucket,
          lotKey: bonus.key,
          writtenOff: writtenOff || null,
          occurredAt,
          programVersion: program.version,
          orderId,
        },
      ];
    });
}

async function reverseRefund(
  tx: Tx,
  state: OrderLedger,
  order: Order,
  refund: Refund,
  program: Program,
  now: Date,
) {
  const { shop } = state.member;
  const orderKey = order.id.toString();
  const key = refundReversalKey(shop, orderKey, refund.id.toString());
  if (state.rows.some((r) => r.entry.key === key)) return;
  const lotKey = earnKey(shop, orderKey);
  const earnRow = state.rows.find((r) => r.entry.key === lotKey);
  if (!earnRow) return;
  const { components } = earnDetails.parse(earnRow.details);
  // What the ledger has already accounted for: the refunds reversed before this one, in whatever order they came.
  const refundedBefore: Record<string, number> = {};
  for (const r of state.rows) {
    if (r.entry.kind !== "refundReversal" || r.entry.lotKey !== lotKey) continue;
    for (const [k, v] of Object.entries(reversalDetails.parse(r.details).refunded))
      refundedBefore[k] = (refundedBefore[k] ?? 0) + v;
  }
  const amounts: RefundedAmounts = refundedAmountsFromMirror(refund);
  const entries = state.rows.map((r) => r.entry);
  const lot = lotState(entries, lotKey);
  const reversal = refundReversal(
    { orderPoints: earnRow.entry.points, components },
    refundedBefore,
    amounts,
    lot.reversed,
  );
  const { debit, writtenOff } = debitUnderPolicy(
    reversal.points,
    lot.reversalBucket,
    state.member.availablePoints,
    program.refunds.negativeBalance,
  );
  const occurredAt = entryAt(order, refund.processedAt ?? refund.shopifyCreatedAt, now);
  // Written even when it takes nothing back: its amounts are what the next refund is measured against.
  await append(
    tx,
    state,
    [
      {
        key,
        kind: "refundReversal",
        points: -debit,
        bucket: lot.reversalBucket,
        lotKey,
        writtenOff: writtenOff || null,
        occurredAt,
        programVersion: program.version,
        orderId: order.id,
        details: { refundId: refund.id.toString(), refunded: amounts, reason: reversal.reason },
      },
    ],
    "pointsReversed",
  );
  if (reversal.fullyRefunded)
    await append(
      tx,
      state,
      bonusReversals(state, "refundReversal", occurredAt, program, order.id),
      "pointsReversed",
    );
}

/** A cancelled order gives back whatever refunds have not already taken, bonuses included. */
async function reverseCancellation(tx: Tx, state: OrderLedger, order: Order, program: Program, now: Date) {
  const { shop } = state.member;
  const orderKey = order.id.toString();
  const lotKey = earnKey(shop, orderKey);
  const occurredAt = entryAt(order, order.cancelledAt, now);
  const entries = state.rows.map((r) => r.entry);
  const key = cancellationReversalKey(shop, orderKey);
  const lot = lotState(entries, lotKey);
  const points = remainingToReverse(lot.credited, lot.reversed);
  if (points > 0 && !entries.some((e) => e.key === key)) {
    const { debit, writtenOff } = debitUnderPolicy(
      points,
      lot.reversalBucket,
      state.member.availablePoints,
      program.refunds.negativeBalance,
    );
    await append(
      tx,
      state,
      [
        {
          key,
          kind: "cancellationReversal",
          points: -debit,
          bucket: lot.reversalBucket,
          lotKey,
          writtenOff: writtenOff || null,
          occurredAt,
          programVersion: program.version,
          orderId: order.id,
          details: { cancelReason: order.cancelReason },
        },
      ],
      "pointsReversed",
    );
  }
  await append(
    tx,
    state,
    bonusReversals(state, "cancellationReversal", occurredAt, program, order.id),
    "pointsReversed",
  );
}
