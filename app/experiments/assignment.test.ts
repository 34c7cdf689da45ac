import { describe, expect, it } from "vitest";
import { program } from "~tests/support/loyalty-fixtures";
import { assignCustomer, bucketOf, BUCKETS, freeRange, type AssignableExperiment } from "./assignment";
import { overrideErrors } from "./levers";
import { sampleRatioMismatch } from "./stats/srm";

const SHOP = "assign.myshopify.com";
const all = () => true;
const ids = Array.from({ length: 20_000 }, (_, i) => BigInt(1_000_000 + i * 7));

function test(
  key: string,
  lever: string,
  range: [number, number],
  weights: number[],
  extra: Partial<AssignableExperiment> = {},
): AssignableExperiment {
  return {
    id: key,
    key,
    kind: "test",
    lever,
    salt: `${key}-salt`,
    audience: { kind: "all" },
    layerStart: range[0],
    layerEnd: range[1],
    variants: weights.map((weight, i) => ({
      key: i === 0 ? "control" : `v${i}`,
      weight,
      control: i === 0,
      override: i === 0 ? {} : { earning: { pointsPerCurrencyUnit: i + 1 } },
    })),
    ...extra,
  };
}

const holdout = (share: number): AssignableExperiment => ({
  id: "h",
  key: "holdout-1",
  kind: "holdout",
  lever: null,
  salt: "holdout-salt",
  audience: { kind: "all" },
  layerStart: 0,
  layerEnd: BUCKETS,
  variants: [
    { key: "holdout", weight: share, control: true, override: {} },
    { key: "program", weight: 100 - share, control: false, override: {} },
  ],
});

describe("assignment", () => {
  it("is deterministic and sticky: the same customer lands in the same arms whatever else runs", () => {
    const a = test("a", "earnRate", [0, BUCKETS], [50, 50]);
    const b = test("b", "rewards", [0, BUCKETS], [34, 33, 33]);
    for (const id of ids.slice(0, 2_000)) {
      const alone = assignCustomer(SHOP, [a], id, all);
      const both = assignCustomer(SHOP, [a, b], id, all);
      expect(assignCustomer(SHOP, [a], id, all)).toEqual(alone);
      expect(both.arms.find((x) => x.experimentId === "a")).toEqual(alone.arms[0]);
    }
  });

  it("buckets depend on shop and salt", () => {
    const same = ids
      .slice(0, 1000)
      .filter((id) => bucketOf(SHOP, "s1", id) === bucketOf("other.myshopify.com", "s1", id));
    const sameSalt = ids.slice(0, 1000).filter((id) => bucketOf(SHOP, "s1", id) === bucketOf(SHOP, "s2", id));
    expect(same.length).toBeLessThan(10);
    expect(sameSalt.length).toBeLessThan(10);
  });

  it("splits by the weights (chi-square against them is not significant)", () => {
    const e = test("w", "earnRate", [0, BUCKETS], [20, 30, 50]);
    const counts = [0, 0, 0];
    for (const id of ids) {
      const key = assignCustomer(SHOP, [e], id, all).arms[0]!.variantKey;
      counts[["w:control", "w:v1", "w:v2"].indexOf(key)]! += 1;
    }
    const srm = sampleRatioMismatch(counts, [20, 30, 50]);
    expect(srm.pValue).toBeGreaterThan(0.001);
    expect(counts[0]! / ids.length).toBeCloseTo(0.2, 1);
  });

  it("keeps experiments on one lever mutually exclusive and lets different levers overlap", () => {
    const first = test("first", "earnRate", [0, 5000], [50, 50]);
    const second = test("second", "earnRate", [5000, BUCKETS], [50, 50]);
    const other = test("other", "rewards", [0, BUCKETS], [50, 50]);
    let overlapOtherLever = 0;
    for (const id of ids) {
      const got = assignCustomer(SHOP, [first, second, other], id, all).arms.map((a) => a.experimentId);
      expect(got.includes("first") && got.includes("second")).toBe(false);
      expect(got.includes("first") || got.includes("second")).toBe(true);
      if (got.includes("other") && got.includes("first")) overlapOtherLever++;
    }
    expect(overlapOtherLever / ids.length).toBeGreaterThan(0.45);
  });

  it("puts held-out customers in no experiment, with no overrides, at the holdout's share", () => {
    const e = test("x", "earnRate", [0, BUCKETS], [50, 50]);
    let held = 0;
    for (const id of ids) {
      const a = assignCustomer(SHOP, [holdout(10), e], id, all);
      if (a.heldOut) {
        held++;
        expect(a.arms).toEqual([expect.objectContaining({ variantKey: "holdout-1:holdout", control: true })]);
        expect(a.overrides).toEqual([]);
      } else expect(a.arms.map((x) => x.experimentId)).toEqual(["h", "x"]);
    }
    expect(held / ids.length).toBeGreaterThan(0.09);
    expect(held / ids.length).toBeLessThan(0.11);
  });

  it("leaves customers outside an audience out of the experiment, and the control without overrides", () => {
    const e = test("aud", "earnRate", [0, BUCKETS], [50, 50], { audience: { kind: "tier", tierId: "gold" } });
    const gold = new Set(ids.slice(0, 100));
    for (const id of ids.slice(0, 300)) {
      const a = assignCustomer(SHOP, [e], id, (_, c) => gold.has(c));
      expect(a.arms.length).toBe(gold.has(id) ? 1 : 0);
      if (a.arms[0]?.control) expect(a.overrides).toEqual([]);
      if (a.arms[0] && !a.arms[0].control) expect(a.overrides[0]!.variantKey).toBe("aud:v1");
    }
  });

  it("finds free room in a layer", () => {
    expect(freeRange([], 5000)).toEqual({ start: 0, end: 5000 });
    expect(freeRange([{ start: 0, end: 5000 }], 5000)).toEqual({ start: 5000, end: 10000 });
    expect(freeRange([{ start: 2000, end: 6000 }], 2000)).toEqual({ start: 0, end: 2000 });
    expect(freeRange([{ start: 0, end: 5000 }], 6000)).toBeNull();
  });
});

describe("lever overrides", () => {
  const live = program();
  it("accepts an override inside its lever", () => {
    expect(overrideErrors(live, "earnRate", "v", { earning: { pointsPerCurrencyUnit: 2 } })).toEqual({});
  });
  it("names settings outside the lever", () => {
    expect(overrideErrors(live, "earnRate", "v", { rewards: [] })).toHaveProperty("rewards");
  });
  it("names schema errors by field", () => {
    expect(overrideErrors(live, "earnRate", "v", { earning: { pointsPerCurrencyUnit: -1 } })).toHaveProperty(
      "earning.pointsPerCurrencyUnit",
    );
    expect(overrideErrors(live, "expiry", "v", { expiry: { policy: "fixedAge", days: 5 } })).toHaveProperty(
      "expiry.days",
    );
  });
  it("lets the widget copy lever change the widget's texts and nothing else, within their lengths", () => {
    expect(
      overrideErrors(live, "widgetCopy", "v", { widgetCopy: { memberGreeting: "Welcome, {name}" } }),
    ).toEqual({});
    expect(overrideErrors(live, "widgetCopy", "v", { earning: { pointsPerCurrencyUnit: 2 } })).toHaveProperty(
      "earning",
    );
    expect(overrideErrors(live, "widgetCopy", "v", { widgetCopy: { callToAction: "x".repeat(41) } })).toEqual(
      {
        "widgetCopy.callToAction": "At most 40 characters.",
      },
    );
  });
});
