import { z } from "zod";
import type { Prisma } from "~/db.server";
import type { Member } from "~/generated/prisma/client";
import { parseMirrorLineItems } from "~/mirror/format";
import { lineNetMinor } from "../earning-lines";
import { recordEvents } from "./events.server";
import { QUALIFYING_KINDS } from "../ledger";
import type { Program } from "../program";
import { migratedFloor, tierStanding, type QualifyingEvent } from "../tiers";

// Re-evaluates a member's tier from what they qualify on, and caches it on the member.
// Called after every credit and reversal, and by the scheduled re-evaluation (which is
// what moves members down once their grace period is over, or out of a rolling window).
// The standing is a function of the history and its event times (`tierStanding`), never
// of the cached one or of when deliveries were processed (issue 11 #4).

type Tx = Prisma.TransactionClient;

const PAID = ["paid", "partially_refunded", "refunded"];

const refundLines = z.array(z.object({ subtotalMinor: z.number() }).loose());

/**
 * Spend and orders come from the mirror: each paid, non-test order adds its merchandise
 * net of discounts (gift cards excluded: they are spent later) and one order; its refunds
 * subtract their merchandise; its cancellation subtracts the order. Points come from the
 * ledger, net of reversals.
 */
export async function qualifyingHistory(
  tx: Tx,
  member: Pick<Member, "shop" | "customerId">,
  program: Program,
): Promise<QualifyingEvent[]> {
  const { shop, customerId } = member;
  if (program.tiers.basis === "points") {
    const rows = await tx.ledgerEntry.groupBy({
      by: ["occurredAt"],
      where: { shop, customerId, kind: { in: [...QUALIFYING_KINDS] } },
      _sum: { points: true },
    });
    return rows.map((r) => ({ at: r.occurredAt, points: r._sum.points ?? 0, spendMinor: 0, orders: 0 }));
  }
  const orders = await tx.order.findMany({
    where: { shop, customerId, test: false, financialStatus: { in: PAID } },
    select: { id: true, lineItems: true, shopifyCreatedAt: true, processedAt: true, cancelledAt: true },
  });
  const refunds = orders.length
    ? await tx.refund.findMany({
        where: { shop, orderId: { in: orders.map((o) => o.id) } },
        select: { lineItems: true, processedAt: true, shopifyCreatedAt: true },
      })
    : [];
  const history: QualifyingEvent[] = [];
  for (const order of orders) {
    const at = order.shopifyCreatedAt ?? order.processedAt;
    if (!at) continue;
    const spendMinor = parseMirrorLineItems(order.lineItems)
      .filter((l) => !l.giftCard)
      .reduce(
        (sum, l) =>
          sum +
          lineNetMinor({
            ...l,
            collectionIds: [],
            tags: [],
            unitPriceMinor: l.priceMinor,
            discountAllocationsMinor: [l.discountMinor],
          }),
        0,
      );
    history.push({ at, spendMinor, points: 0, orders: 1 });
    if (order.cancelledAt) history.push({ at: order.cancelledAt, spendMinor: 0, points: 0, orders: -1 });
  }
  for (const refund of refunds) {
    const at = refund.processedAt ?? refund.shopifyCreatedAt;
    if (!at) continue;
    const spendMinor = refundLines.parse(refund.lineItems).reduce((sum, l) => sum + l.subtotalMinor, 0);
    history.push({ at, spendMinor: -spendMinor, points: 0, orders: 0 });
  }
  return history;
}

/**
 * Evaluates and stores the member's tier and progress; records a tierChanged event when it
 * moves. `mirrorHistory` is the member's `qualifyingHistory` when the caller has it and
 * the basis is spend or orders (the ledger, for points, has changed since).
 */
export async function refreshTier(
  tx: Tx,
  member: Member,
  program: Program,
  now: Date,
  mirrorHistory?: QualifyingEvent[],
): Promise<Member> {
  const history =
    mirrorHistory && program.tiers.basis !== "points"
      ? mirrorHistory
      : await qualifyingHistory(tx, member, program);
  const evaluation = tierStanding(history, program.tiers, now, {
    tierId: member.tierId,
    belowSince: member.tierBelowSince,
    floor: migratedFloor(member),
  });
  const next = {
    tierId: evaluation.tierId,
    tierBelowSince: evaluation.belowSince,
    tierValue: BigInt(Math.round(evaluation.value)),
    nextTierId: evaluation.progress.nextTierId,
    tierRemaining: BigInt(Math.round(evaluation.progress.remaining)),
  };
  const visibleChange =
    next.tierId !== member.tierId ||
    next.tierValue !== member.tierValue ||
    next.nextTierId !== member.nextTierId ||
    next.tierRemaining !== member.tierRemaining;
  const updated = await tx.member.update({
    where: { shop_customerId: { shop: member.shop, customerId: member.customerId } },
    data: { ...next, tierEvaluatedAt: now, ...(visibleChange ? { metafieldsDirty: true } : {}) },
  });
  if (next.tierId !== member.tierId) {
    await recordEvents(tx, member.shop, [
      {
        customerId: member.customerId,
        type: "tierChanged",
        key: `${member.shop}:customer:${member.customerId}:tier:${now.toISOString()}:${next.tierId ?? "none"}`,
        payload: {
          from: member.tierId,
          to: next.tierId,
          change: evaluation.change,
          value: evaluation.value,
          basis: program.tiers.basis,
          programVersion: program.version,
        },
        occurredAt: now,
      },
    ]);
  }
  return updated;
}
