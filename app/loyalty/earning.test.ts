import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { componentsOf, pointsForOrder } from "./earning";
import { previewEarning, previewEarningText } from "./earning-preview";
import { line, NOW, order, program } from "../../tests/support/loyalty-fixtures";

const member = { tierId: null, previousOrderCount: 3 };
const tiers = {
  levels: [
    { id: "silver", name: "Silver", threshold: 0 },
    { id: "gold", name: "Gold", threshold: 50_000, benefits: { earnMultiplier: 1.5 } },
  ],
};

describe("pointsForOrder", () => {
  it("earns per currency unit on merchandise after discounts, excluding shipping and tax by default", () => {
    const p = program({ earning: { pointsPerCurrencyUnit: 2 } });
    const o = order({
      lines: [line({ quantity: 2, unitPriceMinor: 5000, discountAllocationsMinor: [1500, 500] })],
      shippingMinor: 900,
      taxMinor: 640,
    });
    const r = pointsForOrder(o, member, p, NOW);
    expect(r).toMatchObject({ points: 160, orderPoints: 160, bonuses: [], reason: "earned", pending: true });
    expect(r.components).toEqual([{ key: "line:l1", amountMinor: 8000, exactPoints: 160 }]);
  });

  it("counts shipping and tax when the merchant includes them", () => {
    const p = program({ earning: { includeShipping: true, includeTax: true } });
    const r = pointsForOrder(order({ shippingMinor: 500, taxMinor: 250 }), member, p, NOW);
    expect(r.orderPoints).toBe(17); // 10 + 5 + 2.5 floored once
    expect(r.components.map((c) => c.key)).toEqual(["line:l1", "shipping", "tax"]);
  });

  it("uses the currency's own minor unit (JPY has none)", () => {
    const p = program({ currency: "JPY", earning: { pointsPerCurrencyUnit: 0.01 } });
    const r = pointsForOrder(
      order({ currency: "JPY", lines: [line({ unitPriceMinor: 12_345 })] }),
      member,
      p,
      NOW,
    );
    expect(r.orderPoints).toBe(123);
  });

  it("earns nothing, with a reason, for an order in another currency", () => {
    const r = pointsForOrder(order({ currency: "EUR" }), member, program(), NOW);
    expect(r).toMatchObject({ points: 0, reason: "currencyMismatch" });
  });

  it("skips excluded lines and gift cards, and says why", () => {
    const p = program({
      earning: { exclusions: { productIds: ["p2"], collectionIds: ["c-sale"], tags: ["no-points"] } },
    });
    const lines = [
      line({ id: "a" }),
      line({ id: "gift", giftCard: true }),
      line({ id: "b", productId: "p2" }),
      line({ id: "c", collectionIds: ["c-sale"] }),
      line({ id: "d", tags: ["no-points"] }),
      line({ id: "free", discountAllocationsMinor: [1000] }),
    ];
    const r = pointsForOrder(order({ lines }), member, p, NOW);
    expect(r.orderPoints).toBe(10);
    expect(
      r.breakdown
        .filter((b) => b.kind === "lineExcluded")
        .map((b) => b.kind === "lineExcluded" && [b.lineId, b.reason]),
    ).toEqual([
      ["gift", "giftCard"],
      ["b", "product"],
      ["c", "collection"],
      ["d", "tag"],
      ["free", "noAmount"],
    ]);
  });

  it("applies the highest product-level multiplier per line, times tier, times the best active campaign", () => {
    const p = program({
      tiers,
      earning: {
        multipliers: [
          { target: "product", value: "p1", multiplier: 2 },
          { target: "collection", value: "summer", multiplier: 3 },
          { target: "tag", value: "new", multiplier: 1.5 },
        ],
        campaigns: [
          {
            id: "double",
            name: "Double",
            kind: "multiplier",
            multiplier: 2,
            startsAt: "2025-05-01T00:00:00Z",
            endsAt: "2025-07-01T00:00:00Z",
          },
          {
            id: "small",
            name: "Small",
            kind: "multiplier",
            multiplier: 1.2,
            startsAt: "2025-05-01T00:00:00Z",
            endsAt: "2025-07-01T00:00:00Z",
          },
        ],
      },
    });
    const lines = [
      line({ id: "a", collectionIds: ["summer"], tags: ["new"] }),
      line({ id: "b", productId: "p9" }),
    ];
    const r = pointsForOrder(order({ lines }), { tierId: "gold", previousOrderCount: 1 }, p, NOW);
    // a: 10 × 3 × 1.5 × 2 = 90; b: 10 × 1 × 1.5 × 2 = 30
    expect(r.orderPoints).toBe(120);
    expect(r.breakdown).toContainEqual({ kind: "campaignMultiplier", campaignId: "double", multiplier: 2 });
    expect(r.breakdown).toContainEqual({ kind: "tierMultiplier", tierId: "gold", multiplier: 1.5 });
  });

  it("applies a product-scoped campaign to its products' lines only, never to shipping", () => {
    const window = { startsAt: "2025-05-01T00:00:00Z", endsAt: "2025-07-01T00:00:00Z" };
    const p = program({
      tiers,
      earning: {
        includeShipping: true,
        campaigns: [
          { id: "all", name: "All", kind: "multiplier", multiplier: 2, ...window },
          { id: "picks", name: "Picks", kind: "multiplier", multiplier: 3, productIds: ["p1"], ...window },
          { id: "weak", name: "Weak", kind: "multiplier", multiplier: 1.5, productIds: ["p2"], ...window },
          { id: "fixed", name: "Fixed", kind: "fixed", points: 5, productIds: ["p2"], ...window },
          { id: "none", name: "None", kind: "fixed", points: 9, productIds: ["p9"], ...window },
        ],
      },
    });
    const lines = [
      line({ id: "a", productId: "p1" }),
      line({ id: "b", productId: "p2" }),
      line({ id: "c", productId: null }),
    ];
    const r = pointsForOrder(
      order({ lines, shippingMinor: 500 }),
      { tierId: "gold", previousOrderCount: 1 },
      p,
      NOW,
    );
    // a: 10 × 1.5 (gold) × 3 = 45; b: the whole-order 2× beats its 1.5× → 30; c: 30; shipping 5 × 1.5 × 2 = 15.
    expect(r.orderPoints).toBe(120);
    expect(r.breakdown).toContainEqual({
      kind: "line",
      lineId: "a",
      amountMinor: 1000,
      productMultiplier: 1,
      exactPoints: 45,
      campaignId: "picks",
      campaignMultiplier: 3,
    });
    expect(r.breakdown).toContainEqual({
      kind: "line",
      lineId: "b",
      amountMinor: 1000,
      productMultiplier: 1,
      exactPoints: 30,
    });
    // The fixed points need a line of their product: p2 is there, p9 is not.
    expect(r.bonuses).toEqual([{ cause: "campaign", campaignId: "fixed", points: 5 }]);
    // An excluded line does not carry a scoped fixed bonus.
    const excluded = program({ earning: { ...p.earning, exclusions: { productIds: ["p2"] } } });
    expect(pointsForOrder(order({ lines }), member, excluded, NOW).bonuses).toEqual([]);
  });

  it("judges campaigns by when the order was placed, half-open at the end", () => {
    const campaigns = [
      {
        id: "bf",
        name: "BF",
        kind: "fixed" as const,
        points: 50,
        startsAt: "2025-05-01T00:00:00Z",
        endsAt: "2025-06-01T12:00:00Z",
      },
    ];
    const p = program({ earning: { campaigns } });
    expect(
      pointsForOrder(order({ placedAt: new Date("2025-06-01T11:59:59Z") }), member, p, NOW).bonuses,
    ).toEqual([{ cause: "campaign", campaignId: "bf", points: 50 }]);
    expect(
      pointsForOrder(order({ placedAt: new Date("2025-06-01T12:00:00Z") }), member, p, NOW).bonuses,
    ).toEqual([]);
  });

  it("adds the first-order bonus only to a first order that earns", () => {
    const p = program({ earning: { bonuses: { firstOrder: 100 } } });
    expect(pointsForOrder(order(), { tierId: null, previousOrderCount: 0 }, p, NOW)).toMatchObject({
      points: 110,
      orderPoints: 10,
      bonuses: [{ cause: "firstOrder", points: 100 }],
    });
    expect(pointsForOrder(order(), member, p, NOW).points).toBe(10);
    const giftOnly = order({ lines: [line({ giftCard: true })] });
    expect(pointsForOrder(giftOnly, { tierId: null, previousOrderCount: 0 }, p, NOW)).toMatchObject({
      points: 0,
      reason: "nothingEligible",
    });
  });

  it.each([
    ["floor", 2],
    ["round", 3],
    ["ceil", 3],
  ] as const)("rounds once at the end (%s)", (rounding, expected) => {
    // Three lines of 0.9 points each: rounding per line would give 0 (floor) or 3 (ceil); once gives 2.7 → policy.
    const p = program({ earning: { pointsPerCurrencyUnit: 1, rounding } });
    const lines = ["a", "b", "c"].map((id) => line({ id, unitPriceMinor: 90 }));
    expect(pointsForOrder(order({ lines }), member, p, NOW).orderPoints).toBe(expected);
  });

  it("does not let float error push ceil up a point", () => {
    const p = program({
      earning: { rounding: "ceil", multipliers: [{ target: "product", value: "p1", multiplier: 1.1 }] },
    });
    expect(
      pointsForOrder(order({ lines: [line({ unitPriceMinor: 10_000 })] }), member, p, NOW).orderPoints,
    ).toBe(110);
  });

  it("makes points spendable at once for orders whose return window has passed", () => {
    const p = program({ earning: { pendingDays: 30 } });
    const r = pointsForOrder(order({ placedAt: new Date("2025-01-01T00:00:00Z") }), member, p, NOW);
    expect(r).toMatchObject({ pending: false, availableAt: new Date("2025-01-31T00:00:00Z") });
  });

  it("never earns negative or fractional points, whatever the order, and its breakdown holds its components", () => {
    const arbLine = fc.record({
      id: fc.uuid(),
      productId: fc.option(fc.constantFrom("p1", "p2"), { nil: null }),
      collectionIds: fc.subarray(["c1", "c2"]),
      tags: fc.subarray(["t1", "t2"]),
      quantity: fc.integer({ min: -1, max: 20 }),
      unitPriceMinor: fc.integer({ min: 0, max: 1_000_000 }),
      discountAllocationsMinor: fc.array(fc.integer({ min: 0, max: 2_000_000 }), { maxLength: 3 }),
      giftCard: fc.boolean(),
    });
    const p = program({
      tiers,
      earning: {
        pointsPerCurrencyUnit: 1.25,
        rounding: "round",
        includeShipping: true,
        includeTax: true,
        multipliers: [{ target: "collection", value: "c1", multiplier: 2.5 }],
      },
    });
    fc.assert(
      fc.property(fc.array(arbLine, { maxLength: 8 }), fc.constantFrom("gold", null), (lines, tierId) => {
        const r = pointsForOrder(order({ lines }), { tierId, previousOrderCount: 1 }, p, NOW);
        expect(Number.isInteger(r.points) && r.points >= 0).toBe(true);
        // Earn entries store the breakdown only: the components come back from it exactly.
        expect(componentsOf(r.breakdown)).toEqual(r.components);
      }),
    );
  });
});

describe("previewEarning", () => {
  it("matches pointsForOrder for a plain order, with and without a tier", () => {
    const p = program({ tiers, earning: { pointsPerCurrencyUnit: 2 } });
    expect(previewEarning(8000, p)).toBe(160);
    expect(previewEarning(8000, p, "gold")).toBe(240);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.constantFrom("gold", "silver", null),
        (amount, tierId) => {
          const o = order({ lines: [line({ unitPriceMinor: amount })] });
          expect(previewEarning(amount, p, tierId)).toBe(
            pointsForOrder(o, { tierId, previousOrderCount: 1 }, p, NOW).orderPoints,
          );
        },
      ),
    );
  });

  it("writes the admin sentence", () => {
    const p = program({ tiers, earning: { pointsPerCurrencyUnit: 2 } });
    expect(previewEarningText(8000, p)).toBe("An order of $80.00 earns 160 points.");
    expect(previewEarningText(8000, p, "en", "gold")).toBe(
      "An order of $80.00 earns 240 points for Gold members.",
    );
    expect(previewEarningText(50, p)).toBe("An order of $0.50 earns 1 point.");
    expect(previewEarning(Number.NaN, p)).toBe(0);
  });
});
