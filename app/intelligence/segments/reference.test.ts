import { describe, expect, it } from "vitest";

import { standardise } from "./clusters";
import fixtures from "./reference/fixtures.json";
import { quintileScores } from "./rfm";
import { meanSilhouette } from "./silhouette";

// Against reference/compute.py (scipy ranks, numpy/scipy pairwise distances), to 1e-6.

describe("quintile scores", () => {
  it.each(fixtures.quintiles)("$name", ({ values, lowerIsBetter, scores }) => {
    expect(quintileScores(values, lowerIsBetter)).toEqual(scores);
  });

  it("gives equal values equal scores whatever their order", () => {
    const values = [5, 1, 5, 3, 5, 2, 1, 4, 5, 3];
    const reversed = quintileScores([...values].reverse());
    expect(quintileScores(values)).toEqual(reversed.reverse());
  });
});

describe("silhouette", () => {
  it.each(fixtures.silhouette)("$name", ({ points, labels, silhouette }) => {
    expect(Math.abs(meanSilhouette(points, labels) - silhouette)).toBeLessThanOrEqual(1e-6);
  });
});

describe("standardise", () => {
  it("matches numpy's log1p z-scores, a constant column becoming 0", () => {
    const z = standardise(fixtures.standardise.rows);
    z.forEach((row, i) =>
      row.forEach((v, d) => expect(Math.abs(v - fixtures.standardise.z[i]![d]!)).toBeLessThanOrEqual(1e-9)),
    );
    expect(z.every((row) => row[3] === 0)).toBe(true);
  });
});
