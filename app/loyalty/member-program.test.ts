import { describe, expect, it } from "vitest";
import { program } from "../../tests/support/loyalty-fixtures";
import {
  applyOverrides,
  InvalidOverride,
  programResolver,
  timelineResolver,
  type VariantOverride,
} from "./member-program";

const live = program({
  version: 4,
  earning: { pointsPerCurrencyUnit: 1, bonuses: { signup: 50, birthday: 0, firstOrder: 0 } },
  tiers: {
    levels: [
      { id: "silver", name: "Silver", threshold: 10_000, benefits: { earnMultiplier: 1.25 } },
      { id: "gold", name: "Gold", threshold: 50_000, benefits: { earnMultiplier: 1.5 } },
    ],
  },
});

const double: VariantOverride = {
  variantKey: "exp1:double",
  patch: { earning: { pointsPerCurrencyUnit: 2 } },
};

describe("applyOverrides", () => {
  it("merges objects key by key and keeps what the patch does not name", () => {
    const merged = applyOverrides(live, [double]);
    expect(merged.earning.pointsPerCurrencyUnit).toBe(2);
    expect(merged.earning.bonuses.signup).toBe(50);
    expect(merged.tiers).toEqual(live.tiers);
    expect(merged.version).toBe(4);
  });

  it("replaces arrays whole, so a variant's tier set is exactly the tiers it names", () => {
    const oneTier = {
      variantKey: "exp2:one",
      patch: { tiers: { levels: [{ id: "vip", name: "VIP", threshold: 1 }] } },
    };
    const merged = applyOverrides(live, [oneTier]);
    expect(merged.tiers.levels.map((l) => l.id)).toEqual(["vip"]);
    expect(merged.tiers.downgradeGraceDays).toBe(live.tiers.downgradeGraceDays);
  });

  it("applies overrides in order, a later one winning where they meet", () => {
    const triple = { variantKey: "exp3:triple", patch: { earning: { pointsPerCurrencyUnit: 3 } } };
    expect(applyOverrides(live, [double, triple]).earning.pointsPerCurrencyUnit).toBe(3);
    expect(applyOverrides(live, [triple, double]).earning.pointsPerCurrencyUnit).toBe(2);
  });

  it("never changes the version, even when a patch names one", () => {
    expect(applyOverrides(live, [{ variantKey: "x", patch: { version: 99 } }]).version).toBe(4);
  });

  it("refuses an override that breaks the program schema, naming the field", () => {
    const bad = { variantKey: "exp1:bad", patch: { earning: { pointsPerCurrencyUnit: -1 } } };
    expect(() => applyOverrides(live, [bad])).toThrow(InvalidOverride);
    try {
      applyOverrides(live, [bad]);
    } catch (error) {
      expect((error as InvalidOverride).issues[0]!.path).toBe("earning.pointsPerCurrencyUnit");
    }
  });

  it("leaves the live program untouched", () => {
    const before = structuredClone(live);
    applyOverrides(live, [double]);
    expect(live).toEqual(before);
  });
});

describe("programResolver", () => {
  it("gives unassigned members the live program itself and assigned members the merged one", () => {
    const resolve = programResolver({ version: 4, program: live }, (id) => (id % 2n ? [double] : []));
    expect(resolve(2n)).toEqual({ program: live, version: 4, variants: [] });
    expect(resolve(2n).program).toBe(live);
    const assigned = resolve(3n);
    expect(assigned.variants).toEqual(["exp1:double"]);
    expect(assigned.program.earning.pointsPerCurrencyUnit).toBe(2);
  });

  it("merges once per distinct variant set", () => {
    const resolve = programResolver({ version: 4, program: live }, () => [double]);
    expect(resolve(1n).program).toBe(resolve(2n).program);
  });
});

describe("timelineResolver", () => {
  it("resolves an instant with the span it falls in, making each span's resolver once", () => {
    const made: number[] = [];
    const at = timelineResolver([100, 200], (start) => {
      made.push(start);
      return programResolver({ version: start === 200 ? 5 : 4, program: live }, () => []);
    });
    expect(at(1n, new Date(50)).version).toBe(4);
    expect(at(1n, new Date(199)).version).toBe(4);
    expect(at(1n, new Date(200)).version).toBe(5);
    expect(at(2n, new Date(250)).version).toBe(5);
    expect(made).toEqual([-Infinity, 100, 200]);
  });
});
