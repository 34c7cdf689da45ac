import type { LineItemRecord, OrderRecord } from "./records";

// Order money derived from its lines the way Shopify derives it: discount codes are
// allocated over lines, the subtotal is after discounts and before shipping and tax.

export function lineOriginalTotal(line: LineItemRecord): number {
  return line.unitPriceMinor * line.quantity;
}

export function lineDiscountedTotal(line: LineItemRecord): number {
  return lineOriginalTotal(line) - line.discountMinor;
}

export type OrderTotals = {
  subtotal: number;
  discounts: number;
  shipping: number;
  tax: number;
  total: number;
};

export function orderTotals(order: OrderRecord): OrderTotals {
  const subtotal = order.lineItems.reduce((sum, line) => sum + lineDiscountedTotal(line), 0);
  const discounts = order.lineItems.reduce((sum, line) => sum + line.discountMinor, 0);
  return {
    subtotal,
    discounts,
    shipping: order.shippingMinor,
    tax: order.taxMinor,
    total: subtotal + order.shippingMinor + order.taxMinor,
  };
}

const NOT_SPENT = new Set(["VOIDED", "REFUNDED", "EXPIRED"]);

/** Whether the order counts toward a customer's amountSpent. */
export function countsAsSpent(order: OrderRecord): boolean {
  return order.cancelledAt === null && !order.test && !NOT_SPENT.has(order.financialStatus);
}
