import { describe, expect, it } from "vitest";
import { searchFilter } from "../../emulator/graphql/search-query";
import { toMinor } from "~/ingest/payload-common";
import {
  bulkQuery,
  MAX_ORDER_SLICES,
  ORDERS_PER_SLICE,
  orderSliceFilter,
  parseLine,
  planOrderSlices,
} from "./jsonl";

describe("order slices", () => {
  it("keeps one export for a shop with fewer orders than two slices", () => {
    expect(planOrderSlices(1000n, 9_000_000n, 2 * ORDERS_PER_SLICE - 1)).toEqual([]);
    expect(planOrderSlices(5n, 5n, 10 * ORDERS_PER_SLICE)).toEqual([]);
    expect(orderSliceFilter([], 0)).toBeNull();
    expect(bulkQuery("orders", null)).toBe(bulkQuery("orders"));
    expect(bulkQuery("orders", "id:<5")).toContain('orders(query: "id:<5") {');
  });

  it("splits the id range into equal slices, one per ORDERS_PER_SLICE, at most MAX_ORDER_SLICES", () => {
    expect(planOrderSlices(0n, 999n, 4 * ORDERS_PER_SLICE)).toEqual([250n, 500n, 750n]);
    expect(planOrderSlices(1n, 1000n, 1000 * ORDERS_PER_SLICE)).toHaveLength(MAX_ORDER_SLICES - 1);
  });

  it("puts every order, those beyond the range planned included, in exactly one slice", () => {
    const boundaries = planOrderSlices(10_000_000n, 11_000_000n, 5 * ORDERS_PER_SLICE);
    expect(boundaries).toHaveLength(4);
    const slices = boundaries.length + 1;
    const filters = Array.from({ length: slices }, (_, i) =>
      searchFilter(orderSliceFilter(boundaries, i), { id: (o: { id: number }) => o.id }, () => []),
    );
    const ids = [
      1,
      9_999_999,
      10_000_000,
      ...boundaries.flatMap((b) => [Number(b) - 1, Number(b)]),
      11_000_000,
      12_000_000,
    ];
    for (const id of ids) expect(filters.filter((matches) => matches({ id })).length, `order ${id}`).toBe(1);
    expect(orderSliceFilter(boundaries, 0)).toBe(`id:<${boundaries[0]}`);
    expect(orderSliceFilter(boundaries, 2)).toBe(`id:>=${boundaries[1]} AND id:<${boundaries[2]}`);
    expect(orderSliceFilter(boundaries, 4)).toBe(`id:>=${boundaries[3]}`);
  });
});

describe("money", () => {
  it("reads amounts as toMinor does, plain decimals by hand and anything else through it", () => {
    const amounts = [
      "0",
      "0.0",
      "45.37",
      "45.3",
      "45",
      "0.05",
      "00045.10",
      "12.345",
      "12.355",
      "-3.5",
      " 4.5",
    ];
    for (const currency of ["USD", "JPY", "KWD"])
      for (const amount of amounts) {
        const line = parseLine(
          {
            id: "gid://shopify/Order/1",
            name: "#1",
            totalPriceSet: { shopMoney: { amount, currencyCode: currency } },
          },
          1,
          currency,
        );
        expect(line?.type === "Order" && line.row.totalMinor, `${amount} ${currency}`).toBe(
          toMinor(amount, currency),
        );
      }
    for (const amount of ["4.", ".5", "1.5.5", "abc"])
      expect(() =>
        parseLine(
          { id: "gid://shopify/Order/1", name: "#1", totalPriceSet: { shopMoney: { amount } } },
          1,
          "USD",
        ),
      ).toThrow();
  });
});

describe("customer lines", () => {
  it("reads email and SMS marketing consent from the bulk export", () => {
    const line = (email: string | null, sms: string | null) =>
      parseLine(
        {
          id: "gid://shopify/Customer/7",
          phone: "+15550102030",
          emailMarketingConsent: email ? { marketingState: email } : null,
          smsMarketingConsent: sms ? { marketingState: sms } : null,
        },
        1,
        "USD",
      );
    expect(line("SUBSCRIBED", "SUBSCRIBED")).toMatchObject({ row: { emailConsent: true, smsConsent: true } });
    expect(line("SUBSCRIBED", "UNSUBSCRIBED")).toMatchObject({
      row: { emailConsent: true, smsConsent: false },
    });
    expect(line(null, null)).toMatchObject({ row: { emailConsent: false, smsConsent: false } });
  });

  it("keeps when each consent was decided, and no date for a missing or unreadable one", () => {
    const parsed = parseLine(
      {
        id: "gid://shopify/Customer/7",
        emailMarketingConsent: {
          marketingState: "UNSUBSCRIBED",
          consentUpdatedAt: "2026-03-01T09:30:00-05:00",
        },
        smsMarketingConsent: { marketingState: "SUBSCRIBED", consentUpdatedAt: "yesterday-ish" },
      },
      1,
      "USD",
    );
    expect(parsed).toMatchObject({
      row: { emailConsentAt: "2026-03-01T14:30:00.000Z", smsConsent: true, smsConsentAt: null },
    });
  });
});
