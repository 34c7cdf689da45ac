import { describe, expect, it } from "vitest";
import { EmulatorStore } from "../emulator/store";
import { refundPayload } from "../emulator/webhook-payloads";
import { refundSpec } from "./behaviour/history";
import { generateShop } from "./shop";

// History must load into the emulator as generated: every reference resolves, and the
// emulator's money matches what the simulator meant (prices, discounts, shipping, tax).
describe("loading a generated shop into the emulator store", () => {
  it("accepts shop, products, customers and orders with the same amounts", () => {
    const shop = generateShop({ seed: 12, customers: 800 });
    const store = new EmulatorStore(() => Date.parse(shop.params.historyEnd));
    store.createShop(shop.shop);
    store.addProducts(shop.shop.domain, shop.products);
    store.addCustomers(shop.shop.domain, shop.customerInputs);
    const records = [];
    for (let i = 0; i < shop.orders.length; i += 250)
      records.push(...store.addOrders(shop.shop.domain, shop.orders.slice(i, i + 250)));

    expect(records).toHaveLength(shop.orders.length);
    records.forEach((record, i) => {
      const input = shop.orders[i]!;
      expect(record.legacyId).toBe(input.id);
      expect(record.customerId).toBe(`gid://shopify/Customer/${input.customerId}`);
      const code = input.discountCodes?.[0];
      const allocated = record.lineItems.reduce((s, l) => s + l.discountMinor, 0);
      expect(allocated).toBe(code ? Math.round(Number(code.amount) * 100) : 0);
      expect(record.shippingMinor).toBe(Math.round(Number(input.shippingPrice) * 100));
      expect(record.taxMinor).toBe(Math.round(Number(input.taxPrice) * 100));
      expect(record.lineItems.map((l) => l.unitPriceMinor)).toEqual(
        input.lineItems.map((l) => Math.round(Number(l.unitPrice) * 100)),
      );
    });
    // Refunds render as refunds/create payloads with the amounts the simulator meant (±1 cent
    // per line: the emulator spreads discount and tax remainders its own way).
    const byId = new Map(records.map((r) => [r.legacyId, r]));
    expect(shop.refunds.length).toBeGreaterThan(30);
    for (const refund of shop.refunds) {
      const payload = refundPayload(byId.get(refund.orderId)!, refundSpec(refund, byId.get(refund.orderId)!));
      expect(payload.refund_line_items).toHaveLength(refund.lines.length);
      payload.refund_line_items.forEach((line, i) => {
        expect(
          Math.abs(Math.round(Number(line.subtotal) * 100) - refund.lines[i]!.subtotalMinor),
        ).toBeLessThanOrEqual(1);
        expect(
          Math.abs(Math.round(Number(line.total_tax) * 100) - refund.lines[i]!.taxMinor),
        ).toBeLessThanOrEqual(1);
      });
      const shipping = payload.refund_shipping_lines[0]?.subtotal_amount_set.shop_money.amount ?? "0";
      expect(Math.round(Number(shipping) * 100)).toBe(refund.shippingMinor);
    }
    const buyers = shop.histories.filter((h) => h.orders > 0).length;
    expect(new Set(records.map((r) => r.customerId)).size).toBe(buyers);
  });
});
