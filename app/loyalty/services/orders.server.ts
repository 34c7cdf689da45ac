import { z } from "zod";
import type { Prisma } from "~/db.server";
import type { Member, Order, Refund } from "~/generated/prisma/client";
import { earningOrderFromMirror, orderPlacedAt, refundedAmountsFromMirror } from "~/mirror/format";
import { pointsForOrder, type EarningOrder } from "../earning";
import { ledgerEvent, recordEvents, type NewLoyaltyEvent } from "./events.server";
import type { LedgerEntry } from "../ledger";
import {
  bonusReversalKey,
  campaignBonusKey,
  cancellationReversalKey,
  earnKey,
  firstOrderBonusKey,
  movedFirstOrderBonusKey,
  refundReversalKey,
} from "../ledger-keys";
import { lotState } from "../ledger-lots";
import { appendEntries, toLedgerEntry, type NewLedgerEntry } from "./ledger.server";
import { memberProgram } from "./member-program.server";
import { ensureMember } from "./members.server";
import { bonusMoveOut, earnCorrection, effectiveEarn, firstOrderHolder } from "../placement";
import type { Program } from "../program";
import { programAtVersion } from "./program.server";
import { debitUnderPolicy, refundReversal, remainingToReverse, type RefundedAmounts } from "../refunds";
import { tierHeldAt, type QualifyingEvent } from "../tiers";
import { qualifyingHistory, refreshTier } from "./tiers.server";

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
  const member = await ensureMember(
    tx,
    shop,
    order.customerId,
    await memberProgram(tx, shop, order.customerId, now),
    now,
  );
  // The order's entries sit under the member its earn entry names and, once the order has
  // moved to another customer, under the member settling it now: read through the member index.
  const earnedBy = await tx.ledgerEntry.findUnique({
    where: { shop_key: { shop, key: earnKey(shop, orderId.toString()) } },
    select: { customerId: true },
  });
  const stored = await tx.ledgerEntry.findMany({
    where: {
      shop,
      customerId: { in: [order.customerId, earnedBy?.customerId ?? order.customerId] },
      orderId,
    },
    orderBy: { id: "asc" },
  });
  const state: OrderLedger = {
    member,
    rows: stored.map((row) => ({ entry: toLedgerEntry(row), details: row.details })),
    events: [],
    changed: false,
  };
  // What counts toward tiers (the mirror, or the ledger for points): read when crediting,
  // and reused by the tier refresh; a delivery that changes nothing reads none of it.
  let history: QualifyingEvent[] | undefined;
  const earned = state.rows.some((r) => r.entry.key === earnKey(shop, orderId.toString()));
  if (!earned && member.status === "active" && orderEarns(order)) {
    history = await qualifyingHistory(tx, member, program);
    await creditOrder(tx, state, order, program, now, history);
  }
  if (state.rows.some((r) => r.entry.key === earnKey(shop, orderId.toString()))) {
    const refunds = await tx.refund.findMany({
      where: { shop, orderId },
      orderBy: [{ processedAt: "asc" }, { id: "asc" }],
    });
    for (const refund of refunds) await reverseRefund(tx, state, order, refund, program, now);
    if (order.cancelledAt) await reverseCancellation(tx, state, order, program, now);
  }
  await correctLaterOrders(tx, state, order, program, now);
  await recordEvents(tx, shop, state.events);
  if (state.changed) state.member = await refreshTier(tx, state.member, program, now, history);
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

/** The mirrored order as the earning rules read it, with its products' tags and collections. */
async function earningOrder(tx: Tx, shop: string, order: Order): Promise<EarningOrder> {
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
  return earningOrderFromMirror(order, facts);
}

/** The earn entry's instant: when the order was placed (never in the future). */
export const earnInstant = (order: Pick<Order, "shopifyCreatedAt" | "processedAt">, now: Date) => {
  const placedAt = orderPlacedAt(order);
  return placedAt.getTime() > now.getTime() ? now : placedAt;
};

/** Earn entries of the member's orders placed before (or, with `after`, after) the instant, ties by order id. */
function earnsAround(shop: string, customerId: bigint, at: Date, orderId: bigint, after: boolean) {
  const cmp = after ? "gt" : "lt";
  return {
    shop,
    customerId,
    kind: "earn" as const,
    OR: [{ occurredAt: { [cmp]: at } }, { occurredAt: at, orderId: { [cmp]: orderId } }],
  };
}

/**
 * `pointsForOrder` on the mirrored order: an earn entry with its breakdown, plus each
 * bonus. The tier is the one held when the order was placed, and the first-order bonus
 * goes to the earliest-placed credited order, taken from a later one that got it first.
 */
async function creditOrder(
  tx: Tx,
  state: OrderLedger,
  order: Order,
  program: Program,
  now: Date,
  history: QualifyingEvent[],
) {
  const { shop, customerId } = state.member;
  const occurredAt = earnInstant(order, now);
  const tierId = tierHeldAt(history, program.tiers, orderPlacedAt(order));
  const previousOrderCount = await tx.ledgerEntry.count({
    where: earnsAround(shop, customerId, occurredAt, order.id, false),
  });
  const result = pointsForOrder(
    await earningOrder(tx, shop, order),
    { tierId, previousOrderCount },
    program,
    now,
  );
  if (result.reason !== "earned") return;
  const holder = result.bonuses.some((b) => b.cause === "firstOrder")
    ? await firstOrderBonusHolder(tx, shop, customerId)
    : null;
  const moving = holder && holder.orderId !== order.id ? holder : null;
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
      details: JSON.parse(JSON.stringify({ breakdown: result.breakdown, tierId })) as Prisma.InputJsonObject,
    },
    ...result.bonuses.map((bonus) => ({
      ...lot,
      key:
        bonus.cause !== "firstOrder"
          ? campaignBonusKey(shop, orderKey, bonus.campaignId)
          : moving
            ? movedFirstOrderBonusKey(shop, customerId.toString(), orderKey)
            : firstOrderBonusKey(shop, customerId.toString()),
      kind: "bonus" as const,
      points: bonus.points,
      details: moving ? { ...bonus, movedFrom: moving.key } : { ...bonus },
    })),
  ];
  const { inserted } = await append(tx, state, entries, "pointsEarned");
  if (inserted.some((e) => e.kind === "earn")) {
    state.member = await tx.member.update({
      where: { shop_customerId: { shop, customerId } },
      data: { ordersEarned: { increment: 1 } },
    });
  }
  if (
    moving &&
    inserted.some((e) => e.key === movedFirstOrderBonusKey(shop, customerId.toString(), orderKey))
  )
    await appendCorrections(tx, state, [
      {
        ...bonusMoveOut(
          moving.rows,
          moving.key,
          state.member.availablePoints,
          program.refunds.negativeBalance,
        ),
        orderId: moving.orderId,
        details: { movedTo: orderKey },
      },
    ]);
}

/** The first-order bonus entry standing now (not moved away), with the entries acting on it. */
async function firstOrderBonusHolder(tx: Tx, shop: string, customerId: bigint) {
  const prefix = firstOrderBonusKey(shop, customerId.toString());
  // The member's own entries (the customer index), filtered here: a LIKE on key would not use an index.
  const rows = (await tx.ledgerEntry.findMany({ where: { shop, customerId }, orderBy: { id: "asc" } }))
    .filter((r) => r.key.startsWith(prefix))
    .map((row) => ({ entry: toLedgerEntry(row), details: row.details, orderId: row.orderId }));
  const holder = firstOrderHolder(rows, prefix);
  return holder && holder.orderId !== null ? { key: holder.entry.key, orderId: holder.orderId, rows } : null;
}

/** Appends corrections (other orders' lots), each with its event. */
async function appendCorrections(tx: Tx, state: OrderLedger, entries: NewLedgerEntry[]) {
  const result = await appendEntries(tx, state.member, entries);
  state.member = result.member;
  for (const e of result.inserted) {
    state.changed = true;
    state.events.push(ledgerEvent(state.member.customerId, "pointsCorrected", e));
  }
  return result.inserted;
}

/**
 * Redoes the earn of the member's credited orders placed after this one whose tier at
 * placement is no longer the one they earned under: this order (or its refund or
 * cancellation) arrived after them. In placement order, so on a points basis each
 * correction counts toward the next order's tier.
 */
async function correctLaterOrders(tx: Tx, state: OrderLedger, order: Order, program: Program, now: Date) {
  const { shop, customerId } = state.member;
  if (!order.shopifyCreatedAt && !order.processedAt) return; // never placed, never earned: nothing after it
  const later = await tx.ledgerEntry.findMany({
    where: earnsAround(shop, customerId, earnInstant(order, now), order.id, true),
    select: { orderId: true, programVersion: true },
    orderBy: [{ occurredAt: "asc" }, { orderId: "asc" }],
  });
  const orderIds = later.flatMap((e) => (e.orderId === null ? [] : [e.orderId]));
  if (orderIds.length === 0) return;
  const history = await qualifyingHistory(tx, state.member, program);
  const [mirrors, entries] = await Promise.all([
    tx.order.findMany({ where: { shop, id: { in: orderIds } } }),
    tx.ledgerEntry.findMany({
      where: { shop, customerId, orderId: { in: orderIds } },
      orderBy: { id: "asc" },
    }),
  ]);
  const programs = new Map<number, Program>([[program.version, program]]);
  for (const { orderId, programVersion } of later) {
    const mirror = mirrors.find((m) => m.id === orderId);
    // An order that moved to another customer is that customer's to settle.
    if (!mirror || orderId === null || mirror.customerId !== customerId) continue;
    if (!programs.has(programVersion))
      programs.set(programVersion, (await programAtVersion(tx, shop, programVersion)) ?? program);
    const earnedUnder = programs.get(programVersion)!;
    const placedAt = orderPlacedAt(mirror);
    const tierId = tierHeldAt(history, earnedUnder.tiers, placedAt);
    const rows = entries
      .filter((e) => e.orderId === orderId)
      .map((row) => ({ entry: toLedgerEntry(row), details: row.details }));
    const lotKey = earnKey(shop, orderId.toString());
    if (effectiveEarn(rows, lotKey)?.tierId === tierId) continue;
    const recomputed = pointsForOrder(
      await earningOrder(tx, shop, mirror),
      { tierId, previousOrderCount: 1 },
      earnedUnder,
      now,
    );
    const correction = earnCorrection({
      rows,
      lotKey,
      recomputed,
      tierId,
      available: state.member.availablePoints,
      policy: program.refunds.negativeBalance,
    });
    if (!correction) continue;
    const details = JSON.parse(JSON.stringify(correction.details)) as Prisma.InputJsonObject;
    await appendCorrections(tx, state, [{ ...correction, orderId, details }]);
    if (program.tiers.basis === "points")
      history.push({ at: correction.occurredAt, spendMinor: 0, points: correction.points, orders: 0 });
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
  // The earn as corrections left it, and the refunds reversed before this one, in whatever order they came.
  const earned = effectiveEarn(state.rows, lotKey);
  if (!earned) return;
  const amounts: RefundedAmounts = refundedAmountsFromMirror(refund);
  const { lot } = earned;
  const reversal = refundReversal(
    { orderPoints: earned.orderPoints, components: earned.components },
    earned.refunded,
    amounts,
    earned.alreadyReversed,
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
