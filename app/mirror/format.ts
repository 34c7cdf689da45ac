import { z } from "zod";
import type { EarningOrder } from "~/loyalty/earning";
import type { RefundedAmounts } from "~/loyalty/refunds";

// The JSON shapes the mirror stores in Order.lineItems and Refund.lineItems. Webhook
// ingest and bulk backfill both write them; the ledger reads them through the functions
// below, so an order credited live and the same order replayed from history earn the
// same points under the same keys. Amounts are integer minor units of the order currency.

export const mirrorLineItemSchema = z.object({
  id: z.string(),
  productId: z.string().nullable(),
  variantId: z.string().nullable(),
  sku: z.string().nullable().default(null),
  title: z.string(),
  variantTitle: z.string().nullable().default(null),
  vendor: z.string().nullable().default(null),
  quantity: z.int(),
  /** Unit price before discounts. */
  priceMinor: z.int(),
  /** Every discount allocated to the line (line-level and its share of order-level). */
  discountMinor: z.int().default(0),
  giftCard: z.boolean().default(false),
});
export type MirrorLineItem = z.infer<typeof mirrorLineItemSchema>;

export const mirrorRefundLineSchema = z.object({
  lineItemId: z.string(),
  quantity: z.int(),
  /** What was refunded for the line's merchandise, after its discounts, before tax. */
  subtotalMinor: z.int(),
  taxMinor: z.int().default(0),
});
export type MirrorRefundLine = z.infer<typeof mirrorRefundLineSchema>;

/** The order fields the ledger needs (a Prisma Order row satisfies it). */
export interface MirroredOrder {
  id: bigint;
  currencyCode: string;
  lineItems: unknown;
  /** Shipping charged, after shipping discounts. */
  totalShippingMinor: bigint;
  totalTaxMinor: bigint;
  shopifyCreatedAt: Date | null;
  processedAt: Date | null;
}

export interface MirroredRefund {
  lineItems: unknown;
  shippingMinor: bigint;
  totalMinor: bigint;
}

/** Product facts the earning rules match on, by numeric product id. */
export type ProductFacts = ReadonlyMap<string, { tags: readonly string[]; collectionIds: readonly string[] }>;

// Built once: constructing a zod array schema per call costs ten times the parse itself.
const mirrorLineItemsSchema = z.array(mirrorLineItemSchema);
const mirrorRefundLinesSchema = z.array(mirrorRefundLineSchema);

export function parseMirrorLineItems(json: unknown): MirrorLineItem[] {
  return mirrorLineItemsSchema.parse(json);
}

/** When the customer placed the order: campaigns and the pending period count from here. */
export function orderPlacedAt(order: Pick<MirroredOrder, "shopifyCreatedAt" | "processedAt">): Date {
  const placed = order.shopifyCreatedAt ?? order.processedAt;
  if (!placed) throw new Error("An order without a creation or processing time cannot earn");
  return placed;
}

export function earningOrderFromMirror(order: MirroredOrder, products: ProductFacts): EarningOrder {
  return {
    id: order.id.toString(),
    currency: order.currencyCode,
    placedAt: orderPlacedAt(order),
    lines: parseMirrorLineItems(order.lineItems).map((line) => {
      const product = line.productId ? products.get(line.productId) : undefined;
      return {
        id: line.id,
        productId: line.productId,
        collectionIds: product?.collectionIds ?? [],
        tags: product?.tags ?? [],
        quantity: line.quantity,
        unitPriceMinor: line.priceMinor,
        discountAllocationsMinor: line.discountMinor ? [line.discountMinor] : [],
        giftCard: line.giftCard,
      };
    }),
    shippingMinor: Number(order.totalShippingMinor),
    taxMinor: Number(order.totalTaxMinor),
  };
}

/** One refund as amounts per earning component (`line:<id>`, `shipping`, `tax`). */
export function refundedAmountsFromMirror(refund: MirroredRefund): RefundedAmounts {
  const amounts: Record<string, number> = {};
  let tax = 0;
  for (const line of mirrorRefundLinesSchema.parse(refund.lineItems)) {
    const key = `line:${line.lineItemId}`;
    amounts[key] = (amounts[key] ?? 0) + Math.max(0, line.subtotalMinor);
    tax += Math.max(0, line.taxMinor);
  }
  if (refund.shippingMinor > 0n) amounts.shipping = Number(refund.shippingMinor);
  if (tax > 0) amounts.tax = tax;
  return amounts;
}
