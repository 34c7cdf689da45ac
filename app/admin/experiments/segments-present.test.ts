import { describe, expect, it } from "vitest";
import { presentSegments } from "./segments-present";

// The contextual bandit's card: the best arm per segment, how sure, its share, and why a
// segment follows the overall split.

const arm = (probabilityBest: number, mean: number, shrinkage: number) => ({
  n: 100,
  rawMean: mean,
  mean,
  sd: 0.1,
  shrinkage,
  probabilityBest,
  expectedLoss: 0,
});

const input = {
  bandit: { context: "tier", cadenceMinutes: 60 },
  variants: [
    { key: "control", name: "Points as they are" },
    { key: "double", name: "Double points" },
  ],
  metric: { key: "orders", higherIsBetter: true },
  currency: "USD",
  timeZone: "America/New_York",
  names: { "tier:gold": "Gold" },
  rows: [
    {
      segment: "tier:gold",
      effectiveFrom: new Date("2026-12-01T15:00:00Z"),
      members: 1_250,
      weights: [
        { key: "control", bps: 8_000 },
        { key: "double", bps: 2_000 },
      ],
      posterior: { allocated: true, reason: "shrunk", arms: [arm(0.97, 1.4, 0.2), arm(0.03, 1.1, 0.3)] },
    },
    {
      segment: "tier:silver",
      effectiveFrom: new Date("2026-12-01T15:00:00Z"),
      members: 40,
      weights: [
        { key: "control", bps: 4_000 },
        { key: "double", bps: 6_000 },
      ],
      posterior: {
        allocated: false,
        reason: "40 members, 200 needed for an allocation of its own",
        arms: [arm(0.3, 1.0, 0.9), arm(0.7, 1.2, 0.9)],
      },
    },
  ],
};

describe("presentSegments", () => {
  it("names each segment's likely best arm, its chance, its share and how much it was pooled", () => {
    const view = presentSegments(input)!;
    expect(view.context).toBe("Tier");
    expect(view.updatedAt).toMatch(/Dec 1, 2026.*10:00 AM EST/);
    expect(view.rows[0]).toMatchObject({
      segment: "Gold",
      members: "1,250",
      winner: "Points as they are",
      chance: "97%",
      allocation: "80% (own split)",
      pooled: "25%",
      why: null,
    });
    expect(view.rows[1]).toMatchObject({
      segment: "Tier silver",
      winner: "Double points",
      allocation: "60% (overall split)",
      pooled: "90%",
    });
    expect(view.rows[1]!.why).toMatch(/follows the overall split: 40 members, 200 needed/);
  });

  it("shows nothing for a bandit without a context", () => {
    expect(presentSegments({ ...input, bandit: { cadenceMinutes: 60 } })).toBeNull();
    expect(presentSegments({ ...input, rows: [] })).toBeNull();
  });
});
