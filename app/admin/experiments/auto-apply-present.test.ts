import { describe, expect, it } from "vitest";
import { OPTIMIZER_STAFF_ID } from "~/experiments/auto-apply";
import { presentAutoApply, type AutoApplyAudit } from "./auto-apply-present";

// The auto-apply card in words: off by default, what it may change, the rule for each kind,
// its state after a ship or a block, and what the history says.

const experiment = {
  kind: "test",
  status: "running",
  lever: "earnRate" as string | null,
  primaryMetric: "netRevenue",
  guardrails: [{ metric: "rewardCost", threshold: 0.1 }],
  autoApply: null as unknown,
  autoApplyCheck: null as unknown,
  bandit: null as unknown,
  shippedVariant: null as string | null,
  shippedVersion: null as number | null,
};
const variants = [
  { key: "control", name: "As it is", control: true, change: "The live program" },
  { key: "double", name: "Double points", control: false, change: "Earn rate: 1 → 2 points per USD" },
];
const view = (e: Partial<typeof experiment>, audit: AutoApplyAudit[] = []) =>
  presentAutoApply({
    experiment: { ...experiment, ...e },
    cadenceMinutes: 60,
    variants,
    audit,
    when: (iso) => iso,
  });
const entry = (
  action: string,
  staffId: string | null,
  details: Record<string, unknown> | null = null,
): AutoApplyAudit => ({
  id: action,
  action,
  staffId,
  staff: staffId === OPTIMIZER_STAFF_ID ? "the optimizer" : "Ana",
  at: "Dec 7",
  details,
});

describe("the auto-apply card", () => {
  it("is off by default and says exactly what it may change", () => {
    const v = view({});
    expect(v).toMatchObject({ enabled: false, locked: null, state: { title: "Off" }, revert: null });
    expect(v.mayChange.intro).toMatch(
      /one part of your program, earn rate, to the winning variant's setting/,
    );
    expect(v.mayChange.variants).toEqual([
      { name: "Double points", change: "Earn rate: 1 → 2 points per USD" },
    ]);
    expect(v.guardrails).toEqual([
      "Reward cost per member may not rise by more than 10%",
      "Points liability per member may not rise by more than 25%",
      "Net incremental margin per member may not fall by more than 5%",
      "Members must split between the variants as the allocation says (sample-ratio check, p ≥ 0.001)",
    ]);
    expect(v.rule).toMatch(/always-valid sequential test .* never in the first 7 days/);
  });

  it("states a bandit's rule with its hold in updates", () => {
    const v = view({ bandit: { cadenceMinutes: 60 }, autoApply: { probabilityBest: 0.9, holdHours: 12 } });
    expect(v.rule).toMatch(
      /at or above 90% in every allocation update for 12 hours \(12 consecutive updates\), never during the burn-in/,
    );
  });

  it("after the optimizer shipped: the state, the history and a revert; after a revert, no second one", () => {
    const shipped = entry("shipped", OPTIMIZER_STAFF_ID, {
      rule: "sequential test",
      variant: "double",
      reasons: ["Double points changed Net revenue per member by 12.0%."],
    });
    const on = entry("auto-apply on", "42", {
      settings: { probabilityBest: 0.95, holdHours: 24, minMembersPerArm: 100, minDays: 7 },
    });
    const e = { status: "shipped", autoApply: {}, shippedVariant: "double", shippedVersion: 4 };
    const v = view(e, [shipped, on]);
    expect(v.state).toMatchObject({
      tone: "success",
      title: "The optimizer shipped Double points as program version 4",
    });
    expect(v.revert).toEqual({ version: 4, variant: "Double points" });
    expect(v.locked).toMatch(/shipped/);
    expect(v.history.map((h) => h.text)).toEqual([
      "Shipped Double points (rule: sequential test). Double points changed Net revenue per member by 12.0%.",
      "Turned on by Ana: no ship in the first 7 days, at least 100 members per variant.",
    ]);
    const after = view(e, [entry("revert", "42", { version: 5 }), shipped, on]);
    expect(after.revert).toBeNull();
    expect(after.state.title).toMatch(/reverted/);
    expect(after.history[0]!.text).toBe("Ship reverted by Ana (program version 5).");
  });

  it("after a breach: blocked, with the reasons", () => {
    const v = view({
      status: "paused",
      autoApply: {},
      autoApplyCheck: {
        at: "2026-12-07T00:00:00Z",
        action: "block",
        reasons: ["Double points: guardrail breached."],
      },
    });
    expect(v.state).toEqual({
      tone: "critical",
      title: "Blocked: the optimizer paused this experiment",
      lines: ["Double points: guardrail breached."],
      at: "2026-12-07T00:00:00Z",
    });
  });

  it("is locked for the holdout", () => {
    expect(view({ kind: "holdout", lever: null }).locked).toMatch(/not the program holdout/);
  });
});
