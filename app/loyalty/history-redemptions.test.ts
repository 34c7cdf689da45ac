import { describe, expect, it } from "vitest";
import { historicalRedemption, isRewardCode, parseCodePrefixes } from "./history-redemptions";
import { rewardSchema, type Reward } from "./program-rewards";
import { spendableAt, type ReplayEntry } from "./replay";

const usd = (amountMinor: number) => ({ amountMinor, currency: "USD" });
const reward = (input: Record<string, unknown>): Reward => rewardSchema.parse(input);
const rewards = [
  reward({ id: "five", name: "$5 off", value: { kind: "fixedAmount", amount: usd(500) }, pointsCost: 200 }),
  reward({ id: "five-cheap", name: "$5", value: { kind: "fixedAmount", amount: usd(500) }, pointsCost: 150 }),
  reward({ id: "ten-pct", name: "10% off", value: { kind: "percentage", percent: 10 }, pointsCost: 400 }),
  reward({ id: "ship", name: "Free shipping", value: { kind: "freeShipping" }, pointsCost: 100 }),
];
const order = (codes: string[], off: number, subtotal = 8_000) => ({
  discountCodes: codes,
  totalDiscountsMinor: off,
  subtotalMinor: subtotal,
});

describe("reward codes in history", () => {
  it("knows the app's own codes and the merchant's prefixes, in any case", () => {
    expect(isRewardCode("LOY-AB12-CD34-EF56-GH78", [])).toBe(true);
    expect(isRewardCode("loy-ab12-cd34-ef56-gh78", [])).toBe(true);
    expect(isRewardCode("LOY-AB12", [])).toBe(false);
    expect(isRewardCode("smile-x7y8", ["SMILE-"])).toBe(true);
    expect(isRewardCode("SUMMER15", ["SMILE-"])).toBe(false);
  });

  it.each([
    ["a fixed amount equal to the discount, the cheapest of equal value", ["REWARD-1"], 500, "five-cheap"],
    ["a percentage that gives the discount on the merchandise", ["REWARD-2"], 889, "ten-pct"],
    ["free shipping when nothing came off the merchandise", ["REWARD-3"], 0, "ship"],
  ])("matches %s", (_, codes, off, id) => {
    expect(historicalRedemption(order(codes, off), rewards, ["REWARD-"])).toMatchObject({
      code: codes[0],
      reward: { id },
    });
  });

  it("leaves out what it cannot value, and ignores orders without a reward code", () => {
    expect(historicalRedemption(order(["REWARD-4"], 730), rewards, ["REWARD-"])).toEqual({
      code: "REWARD-4",
      reward: null,
      why: "noRewardOfThatValue",
    });
    expect(historicalRedemption(order(["REWARD-5", "SAVE10"], 500), rewards, ["REWARD-"])).toMatchObject({
      reward: null,
      why: "sharedWithOtherCodes",
    });
    expect(historicalRedemption(order(["SAVE10"], 500), rewards, ["REWARD-"])).toBeNull();
    expect(historicalRedemption(order([], 0), rewards, [])).toBeNull();
  });

  it("parses the merchant's prefixes, and says which one is wrong", () => {
    expect(parseCodePrefixes(" smile-, LL_  smile-\nyotpo")).toEqual({
      prefixes: ["SMILE-", "LL_", "YOTPO"],
    });
    expect(parseCodePrefixes("")).toEqual({ prefixes: [] });
    expect(parseCodePrefixes("ok-, b@d")).toEqual({ error: expect.stringContaining('"B@D"') });
  });
});

describe("spendableAt", () => {
  const at = (iso: string) => new Date(iso);
  const entry = (e: Partial<ReplayEntry> & Pick<ReplayEntry, "key" | "kind" | "points">): ReplayEntry => ({
    bucket: "available",
    occurredAt: at("2025-01-01T00:00:00Z"),
    programVersion: 1,
    orderId: null,
    details: null,
    ...e,
  });
  const ledger = [
    entry({ key: "signup", kind: "bonus", points: 50 }),
    entry({
      key: "o1",
      kind: "earn",
      points: 100,
      bucket: "pending",
      availableAt: at("2025-02-01T00:00:00Z"),
    }),
    entry({
      key: "o1:refund",
      kind: "refundReversal",
      points: -30,
      bucket: "pending",
      lotKey: "o1",
      occurredAt: at("2025-01-10T00:00:00Z"),
    }),
    entry({
      key: "o2",
      kind: "earn",
      points: 70,
      bucket: "pending",
      availableAt: at("2025-03-01T00:00:00Z"),
    }),
    entry({ key: "held", kind: "earn", points: 9_000, bucket: "pending", availableAt: null }),
    entry({
      key: "o1:release",
      kind: "release",
      points: 70,
      lotKey: "o1",
      occurredAt: at("2025-02-02T00:00:00Z"),
    }),
  ];
  it.each([
    ["2025-01-15T00:00:00Z", 50],
    ["2025-02-01T00:00:00Z", 120],
    ["2025-03-02T00:00:00Z", 190],
  ])("at %s counts available points and lots whose window closed: %i", (iso, expected) => {
    expect(spendableAt(ledger, at(iso))).toBe(expected);
  });
});
