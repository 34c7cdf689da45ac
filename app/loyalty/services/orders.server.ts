import { z } from "zod";
import { settleShadow } from "~/experiments/shadow.server";
import type { Prisma } from "~/db.server";
import type { Member, Order, Refund } from "~/generated/prisma/client";
import { earningOrderFromMirror, orderPlacedAt, refundedAmountsFromMirror } from "~/mirror/format";
import type { EarningOrder } from "../earning";
import { earnKey, firstOrderBonusKey } from "../ledger-keys";
import type { MemberProgram } from "../member-program";
import type { Program } from "../program";
import {
  earnInstant as earnInstantAt,
  settleOrder as settle,
  type SettleEntry,
  type SettleOrder,
} from "../settle";
import type { QualifyingEvent } from "../tiers";
import { ledgerEvent, recordEvents, type NewLoyaltyEvent } from "./events.server";
import { appendEntries, toLedgerEntry, type NewLedgerEntry } from "./ledger.server";
import { ensureMember } from "./members.server";
import { programAtVersion } from "./program.server";
import { qualifyingHistory, refreshTier } from "./tiers.server";

// The live path from a mirrored order to the ledger (app/loyalty/README.md). Every
// delivery about an order (create, updated, paid, cancelled, a refund) ends in
// `settleOrder`, which loads what the one settle decision (../settle.ts) reads and
// appends what it decides, from the mirror as it stands:
//
// - An order earns once it is paid: financial_status paid, or partially_refunded /
//   refunded (it was paid before). Pending, authorized and partially paid orders wait
//   for orders/paid or the orders/updated that follows it; voided orders never earn, and
//   neither do test orders. A paid order that is already cancelled still earns and is
//   reversed at once, so a cancellation delivered before orders/paid lands where the
//   in-order sequence would.
// - Only active members earn; reversals apply to whatever was credited, whatever the
//   member's status is now.
// - Entries are dated by their cause (order placed, refund processed, order cancelled),
//   never by the delivery, so replays and reorderings write identical rows.

type Tx = Prisma.TransactionClient;

/** Statuses of an order whose payment was captured at some point. */
export const PAID_STATUSES: ReadonlySet<string> = new Set(["paid", "partially_refunded", "refunded"]);

export function orderEarns(order: Pick<Order, "test" | "financialStatus">): boolean {
  return !order.test && order.financialStatus !== null && PAID_STATUSES.has(order.financialStatus);
}

/**
 * Where a settle gets each member's program: the resolver of `memberPrograms` (ingest), or
 * one program for every member, without variants (callers that settle under a given
 * program, such as the backfill tests' live deliveries).
 */
export type ProgramSource = Program | ((customerId: bigint) => MemberProgram);

function resolveProgram(source: ProgramSource, customerId: bigint): MemberProgram {
  return typeof source === "function"
    ? source(customerId)
    : { program: source, version: source.version, variants: [] };
}

interface OrderLedger {
  member: Member;
  events: NewLoyaltyEvent[];
  changed: boolean;
}

/**
 * Brings the ledger in line with one mirrored order: credit it when it earns and was not
 * credited, reverse its mirrored refunds and its cancellation, correct the member's later
 * orders, then refresh the tier. Returns the member (locked) or null when the order has
 * no customer yet.
 */
export async function settleOrder(
  tx: Tx,
  shop: string,
  orderId: bigint,
  programs: ProgramSource,
  now: Date,
): Promise<Member | null> {
  const order = await tx.order.findUnique({ where: { shop_id: { shop, id: orderId } } });
  if (!order || order.customerId === null) return null;
  const mp = resolveProgram(programs, order.customerId);
  const { program } = mp;
  const member = await ensureMember(tx, shop, order.customerId, mp, now);
  // The order's entries sit under the member its earn entry names and, once the order has
  // moved to another customer, under the member settling it now: read through the member index.
  const lotKey = earnKey(shop, orderId.toString());
  const earnedBy = await tx.ledgerEntry.findUnique({
    where: { shop_key: { shop, key: lotKey } },
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
  const state: OrderLedger = { member, events: [], changed: false };
  // What counts toward tiers (the mirror, or the ledger for points): read when crediting,
  // and reused by the tier refresh; a delivery that changes nothing reads none of it.
  let history: QualifyingEvent[] | undefined;
  // A refund or cancellation counts toward the tier even when it moves no points (a lot
  // already emptied): the tier is refreshed whenever the order carries one.
  let reversible = false;
  const earned = stored.some((r) => r.key === lotKey);
  const mayEarn = member.status === "active" && orderEarns(order);
  if (earned || mayEarn) {
    let previousOrderCount = 0;
    let firstOrderBonus: SettleEntry[] = [];
    let earning: EarningOrder | null = null;
    if (!earned) {
      history = await qualifyingHistory(tx, member, program);
      previousOrderCount = await tx.ledgerEntry.count({
        where: earnsAround(shop, member.customerId, earnInstant(order, now), order.id, false),
      });
      if (previousOrderCount === 0 && program.earning.bonuses.firstOrder > 0)
        firstOrderBonus = await firstOrderBonusEntries(tx, shop, member.customerId);
      earning = await earningOrder(tx, shop, order);
    }
    const refunds = await tx.refund.findMany({
      where: { shop, orderId },
      orderBy: [{ processedAt: "asc" }, { id: "asc" }],
    });
    const decision = settle({
      shop,
      customerId: member.customerId.toString(),
      mp,
      order: settleView(order, refunds, earning),
      mayEarn,
      correct: false,
      history: history ?? [],
      previousOrderCount,
      entries: stored.map(toSettleEntry),
      firstOrderBonus,
      available: member.availablePoints,
      now,
    });
    await append(tx, state, decision.entries);
    reversible = refunds.length > 0 || order.cancelledAt !== null;
    // The program holdout earns nothing; the shadow ledger records what it would have.
    if (mp.heldOut && orderEarns(order)) {
      const view = settleView(order, refunds, earning ?? (await earningOrder(tx, shop, order)));
      await settleShadow(tx, shop, member.customerId, mp, view, history ?? [], now);
    }
  }
  await correctLaterOrders(tx, state, order, mp, now);
  await recordEvents(tx, shop, state.events);
  if (state.changed || reversible) state.member = await refreshTier(tx, state.member, program, now, history);
  return state.member;
}

/** A stored entry as the settle decision reads it. */
function toSettleEntry(row: Parameters<typeof toLedgerEntry>[0]): SettleEntry {
  return {
    ...toLedgerEntry(row),
    orderId: row.orderId?.toString() ?? null,
    details: (row.details ?? null) as Record<string, unknown> | null,
  };
}

/** The mirrored order, its refunds and (when it may earn or be corrected) its earning view. */
function settleView(order: Order, refunds: Refund[], earning: EarningOrder | null): SettleOrder {
  return {
    id: order.id.toString(),
    placedAt: orderPlacedAt(order),
    earns: orderEarns(order),
    cancelledAt: order.cancelledAt,
    cancelReason: order.cancelReason,
    refunds: refunds.map((r) => ({
      id: r.id.toString(),
      at: r.processedAt ?? r.shopifyCreatedAt,
      amounts: refundedAmountsFromMirror(r),
    })),
    earning,
  };
}

/**
 * Appends what the settle decided, in its order, each with its event; an earn written now
 * counts toward the member's `ordersEarned`.
 */
async function append(tx: Tx, state: OrderLedger, decided: ReturnType<typeof settle>["entries"]) {
  if (decided.length === 0) return;
  const entries: NewLedgerEntry[] = decided.map(({ cause: _cause, orderId, details, ...e }) => ({
    ...e,
    orderId: orderId === null ? null : BigInt(orderId),
    details: details === null ? null : (JSON.parse(JSON.stringify(details)) as Prisma.InputJsonObject),
  }));
  const result = await appendEntries(tx, state.member, entries);
  state.member = result.member;
  const inserted = new Set(result.inserted.map((e) => e.key));
  decided.forEach((e, i) => {
    if (!inserted.has(e.key)) return;
    state.changed = true;
    if (e.cause === "pointsCorrected" || e.points !== 0 || e.writtenOff)
      state.events.push(ledgerEvent(state.member.customerId, e.cause, entries[i]!));
  });
  if (decided.some((e) => e.kind === "earn" && inserted.has(e.key))) {
    const { shop, customerId } = state.member;
    state.member = await tx.member.update({
      where: { shop_customerId: { shop, customerId } },
      data: { ordersEarned: { increment: 1 } },
    });
  }
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
export const earnInstant = (order: Pick<Order, "shopifyCreatedAt" | "processedAt">, now: Date) =>
  earnInstantAt(orderPlacedAt(order), now);

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

/** The member's first-order bonus entries: the bonus wherever it stands, and what acted on it. */
async function firstOrderBonusEntries(tx: Tx, shop: string, customerId: bigint): Promise<SettleEntry[]> {
  const prefix = firstOrderBonusKey(shop, customerId.toString());
  // The member's own entries (the customer index), filtered here: a LIKE on key would not use an index.
  return (await tx.ledgerEntry.findMany({ where: { shop, customerId }, orderBy: { id: "asc" } }))
    .filter((r) => r.key.startsWith(prefix))
    .map(toSettleEntry);
}

/**
 * Settles again the member's credited orders placed after this one: this order (or its
 * refund or cancellation) arrived after them, so the tier they were placed in may have
 * changed. In placement order, so on a points basis each correction counts toward the
 * next order's tier.
 */
async function correctLaterOrders(tx: Tx, state: OrderLedger, order: Order, mp: MemberProgram, now: Date) {
  const { shop, customerId } = state.member;
  if (!order.shopifyCreatedAt && !order.processedAt) return; // never placed, never earned: nothing after it
  const later = await tx.ledgerEntry.findMany({
    where: earnsAround(shop, customerId, earnInstant(order, now), order.id, true),
    select: { orderId: true, programVersion: true },
    orderBy: [{ occurredAt: "asc" }, { orderId: "asc" }],
  });
  const orderIds = later.flatMap((e) => (e.orderId === null ? [] : [e.orderId]));
  if (orderIds.length === 0) return;
  const history = await qualifyingHistory(tx, state.member, mp.program);
  const [mirrors, entries, refunds] = await Promise.all([
    tx.order.findMany({ where: { shop, id: { in: orderIds } } }),
    tx.ledgerEntry.findMany({
      where: { shop, customerId, orderId: { in: orderIds } },
      orderBy: { id: "asc" },
    }),
    tx.refund.findMany({ where: { shop, orderId: { in: orderIds } } }),
  ]);
  const programs = new Map<number, Program>([[mp.version, mp.program]]);
  for (const { orderId, programVersion } of later) {
    const mirror = mirrors.find((m) => m.id === orderId);
    // An order that moved to another customer is that customer's to settle.
    if (!mirror || orderId === null || mirror.customerId !== customerId) continue;
    if (!programs.has(programVersion))
      programs.set(programVersion, (await programAtVersion(tx, shop, programVersion)) ?? mp.program);
    const decision = settle({
      shop,
      customerId: customerId.toString(),
      mp,
      earnedUnder: programs.get(programVersion)!,
      order: settleView(
        mirror,
        refunds.filter((r) => r.orderId === orderId),
        await earningOrder(tx, shop, mirror),
      ),
      mayEarn: false,
      correct: true,
      history,
      previousOrderCount: 1,
      entries: entries.filter((e) => e.orderId === orderId).map(toSettleEntry),
      firstOrderBonus: [],
      available: state.member.availablePoints,
      now,
    });
    await append(tx, state, decision.entries);
    if (mp.program.tiers.basis === "points")
      for (const e of decision.entries)
        if (e.kind === "correction")
          history.push({ at: e.occurredAt, spendMinor: 0, points: e.points, orders: 0 });
  }
}
