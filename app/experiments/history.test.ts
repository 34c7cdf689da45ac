import { describe, expect, it } from "vitest";
import { changeInstants, inForceAt, inForceIntervals, type PastExperiment } from "./history";

const t = (day: number) => Date.parse("2025-01-01T00:00:00Z") + day * 86_400_000;
const d = (day: number) => new Date(t(day));

describe("when an experiment was in force", () => {
  it("runs from launch to stop, less each pause until the next launch (the resume)", () => {
    const marks = [
      { action: "launched", at: d(10) },
      { action: "paused", at: d(20) },
      { action: "launched", at: d(25) },
    ];
    expect(inForceIntervals({ launchedAt: d(10), stoppedAt: d(40) }, marks)).toEqual([
      [t(10), t(20)],
      [t(25), t(40)],
    ]);
    // Still running: open-ended. Still paused: ends at the pause.
    expect(inForceIntervals({ launchedAt: d(10), stoppedAt: null }, marks)).toEqual([
      [t(10), t(20)],
      [t(25), Infinity],
    ]);
    expect(inForceIntervals({ launchedAt: d(10) }, marks.slice(0, 2))).toEqual([[t(10), t(20)]]);
  });

  it("takes the launch date over a later audit mark (a launch dated in the past) and never runs unlaunched", () => {
    expect(inForceIntervals({ launchedAt: d(0) }, [{ action: "launched", at: d(60) }])).toEqual([
      [t(0), Infinity],
    ]);
    expect(inForceIntervals({ launchedAt: null }, [{ action: "launched", at: d(1) }])).toEqual([]);
  });

  it("answers the set in force at an instant and every instant it changes", () => {
    const base = {
      kind: "test",
      lever: "earnRate",
      salt: "s",
      audience: { kind: "all" },
      layerStart: 0,
      layerEnd: 10_000,
      variants: [],
    } as const;
    const a: PastExperiment = { ...base, id: "a", key: "a", inForce: [[t(10), t(20)]] };
    const b: PastExperiment = { ...base, id: "b", key: "b", inForce: [[t(15), Infinity]], endsAt: d(30) };
    expect(inForceAt([a, b], t(12)).map((e) => e.id)).toEqual(["a"]);
    expect(inForceAt([a, b], t(20)).map((e) => e.id)).toEqual(["b"]);
    expect(inForceAt([a, b], t(5))).toEqual([]);
    expect(changeInstants([a, b])).toEqual([t(10), t(15), t(20), t(30)]);
  });
});
