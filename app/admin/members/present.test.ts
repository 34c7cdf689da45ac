import { describe, expect, it } from "vitest";
import { programSchema } from "~/loyalty/program";
import {
  correctionNote,
  formatMemberCount,
  formatMoney,
  formatPoints,
  ledgerKindLabel,
  tierProgressView,
} from "./present";

const tiers = (basis: "spend" | "points" | "orders") =>
  programSchema.parse({
    currency: "USD",
    tiers: {
      basis,
      levels: [
        { id: "silver", name: "Silver", threshold: 100 },
        { id: "gold", name: "Gold", threshold: 500 },
      ],
    },
  });

describe("members presentation", () => {
  it("says what each ledger kind means in plain words", () => {
    expect(ledgerKindLabel("refundReversal")).toBe("Taken back for a refund");
    expect(ledgerKindLabel("adjustment")).toBe("Adjusted by staff");
  });

  it.each([
    [1, {}, "1 point"],
    [1200, {}, "1,200 points"],
    [25, { signed: true }, "+25 points"],
    [-25, { signed: true }, "-25 points"],
  ] as const)("formats %d points", (points, options, text) => {
    expect(formatPoints(points, options)).toBe(text);
  });

  it("formats money from minor units by the currency's exponent", () => {
    expect(formatMoney(8050, "USD")).toBe("$80.50");
    expect(formatMoney(8050, "JPY")).toBe("¥8,050");
  });

  it.each([
    ["spend", 40, "$0.60 more to Silver ($0.40 of $1.00).", 40],
    ["points", 250, "250 points more to Gold (250 points of 500 points).", 50],
    ["orders", 499, "1 order more to Gold (499 orders of 500 orders).", 100],
  ] as const)("shows progress on a %s basis", (basis, value, text, percent) => {
    expect(tierProgressView(null, value, tiers(basis))).toMatchObject({ text, percent });
  });

  it("measures a member holding a tier above their value (grace, or brought from another app) to the tier above it", () => {
    expect(tierProgressView("gold", 0, tiers("points"))).toMatchObject({
      tierName: "Gold",
      text: "Top tier reached.",
    });
  });

  it("names the tier and says when the top is reached or there are no tiers", () => {
    expect(tierProgressView("gold", 900, tiers("points"))).toMatchObject({
      tierName: "Gold",
      percent: 100,
      text: "Top tier reached.",
    });
    expect(tierProgressView(null, 0, programSchema.parse({ currency: "USD" })).text).toBe(
      "The program has no tiers.",
    );
  });

  it("says why a correction was written", () => {
    const tiers = [{ id: "gold", name: "Gold" }];
    expect(ledgerKindLabel("correction")).toBe("Corrected for a late order");
    expect(correctionNote({ tierId: "gold", orderPoints: 80, breakdown: [] }, tiers)).toBe(
      "Earns at Gold, the tier held when it was placed",
    );
    expect(correctionNote({ tierId: null, orderPoints: 40, breakdown: [] }, tiers)).toBe(
      "Earns without a tier: no tier was reached before it was placed",
    );
    expect(correctionNote({ movedTo: "1001" }, tiers)).toBe(
      "First-order bonus moved to an order placed earlier",
    );
    // A tier the merchant has since removed keeps its id.
    expect(correctionNote({ tierId: "vip" }, tiers)).toBe("Earns at vip, the tier held when it was placed");
    expect(correctionNote(null, tiers)).toBeNull();
  });

  it("counts members exactly, or says a large total is an estimate", () => {
    expect(formatMemberCount(1, false)).toBe("1 member");
    expect(formatMemberCount(9_876, false)).toBe("9,876 members");
    expect(formatMemberCount(996_955, true)).toBe("about 1.0M members");
    expect(formatMemberCount(148_300, true)).toBe("about 150K members");
  });
});
