import { describe, expect, it } from "vitest";
import {
  formatShopDate,
  formatTierAmount,
  nearestReward,
  renderTemplate,
  TemplateError,
  templateProblem,
  type TemplateValues,
} from "./template";

const values: TemplateValues = {
  firstName: "Ana",
  shopName: "Lamp & Co",
  balance: 1250,
  points: 60,
  tierName: "Silver",
  nearestReward: "$20 off",
  pointsToNextReward: 750,
  expiringPoints: 300,
  expiryDate: "March 31, 2027",
  nextTierName: "Gold",
  amountToNextTier: "$45.00",
  tierDropDate: "April 1, 2027",
  amountToKeepTier: "$30.00",
};

describe("the template engine", () => {
  it("fills every known variable, numbers in the locale's format", () => {
    expect(
      renderTemplate(
        "Hi {firstName}: {points} points at {shopName}, {balance} in all, {tierName}; { pointsToNextReward } to {nearestReward}.",
        values,
      ),
    ).toBe("Hi Ana: 60 points at Lamp & Co, 1,250 in all, Silver; 750 to $20 off.");
    expect(renderTemplate("{balance}", values, "de")).toBe("1.250");
  });

  it("says what it knows when a value is missing", () => {
    expect(
      renderTemplate("Hi {firstName}, {tierName}, {nearestReward}", {
        ...values,
        firstName: "  ",
        tierName: null,
        nearestReward: null,
      }),
    ).toBe("Hi there, Member, a reward");
  });

  it("refuses unknown variables and stray braces with a message naming them and the known ones", () => {
    expect(templateProblem("Hi {fristName} and {x}, {firstName}")).toBe(
      "Unknown variables {fristName}, {x}. Use {firstName}, {shopName}, {balance}, {points}, {tierName}, {nearestReward}, {pointsToNextReward}, {expiringPoints}, {expiryDate}, {nextTierName}, {amountToNextTier}, {tierDropDate}, {amountToKeepTier}.",
    );
    expect(templateProblem("Hi {firstName")).toBe("Braces only surround variables, such as {firstName}.");
    expect(templateProblem("Hi {firstName}, you have {balance} points")).toBeNull();
    expect(() => renderTemplate("Hi {name}", values)).toThrow(TemplateError);
    expect(() => renderTemplate("Hi {name}", values)).toThrow("Unknown variable {name}.");
  });

  it("is deterministic", () => {
    const template = "{firstName} {balance} {nearestReward}";
    expect(renderTemplate(template, values)).toBe(renderTemplate(template, { ...values }));
  });
});

describe("the lifecycle variables", () => {
  it("fill in the expiry, next-tier and downgrade values", () => {
    expect(
      renderTemplate(
        "{expiringPoints} points expire on {expiryDate}. {amountToNextTier} more for {nextTierName}. Keep your tier: {amountToKeepTier} by {tierDropDate}.",
        values,
      ),
    ).toBe(
      "300 points expire on March 31, 2027. $45.00 more for Gold. Keep your tier: $30.00 by April 1, 2027.",
    );
  });

  it("say something sensible when the member has no such value", () => {
    const none = {
      ...values,
      expiryDate: null,
      nextTierName: null,
      amountToNextTier: null,
      tierDropDate: null,
    };
    expect(renderTemplate("{expiryDate}|{nextTierName}|{amountToNextTier}|{tierDropDate}", none)).toBe(
      "soon|the next tier|a little more|soon",
    );
  });

  it("format dates on the shop's calendar day", () => {
    // 23:30 UTC on 31 March is already 1 April in Paris, still 31 March in New York.
    const at = new Date("2027-03-31T23:30:00Z");
    expect(formatShopDate(at, "Europe/Paris")).toBe("April 1, 2027");
    expect(formatShopDate(at, "America/New_York")).toBe("March 31, 2027");
  });

  it("format tier amounts in the basis' units and the shop's currency", () => {
    expect(formatTierAmount(4500, "spend", "USD")).toBe("$45.00");
    expect(formatTierAmount(4500, "spend", "JPY")).toBe("¥4,500");
    expect(formatTierAmount(4500, "spend", "EUR", "fr")).toBe("45,00\u00a0€");
    expect(formatTierAmount(1, "points", "USD")).toBe("1 point");
    expect(formatTierAmount(1200, "points", "USD")).toBe("1,200 points");
    expect(formatTierAmount(2, "orders", "USD")).toBe("2 orders");
  });
});

describe("nearestReward", () => {
  const rewards = [
    { name: "$20 off", pointsCost: 2000 },
    { name: "$5 off", pointsCost: 500 },
    { name: "$10 off", pointsCost: 1000 },
  ];
  it.each([
    [0, { name: "$5 off", missing: 500 }],
    [499, { name: "$5 off", missing: 1 }],
    [500, { name: "$10 off", missing: 500 }],
    [1999, { name: "$20 off", missing: 1 }],
    [2000, { name: "$20 off", missing: 0 }],
    [9000, { name: "$20 off", missing: 0 }],
  ])("at %i points is %o", (balance, expected) => {
    expect(nearestReward(balance, rewards)).toEqual(expected);
  });
  it("is null without rewards", () => expect(nearestReward(10, [])).toBeNull());
});
