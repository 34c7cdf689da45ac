import { describe, expect, it } from "vitest";
import { histogramBins, labelBins, roundBinWidth } from "./present";

describe("the CLV histogram's bins", () => {
  it.each([
    [32_700, 100, 5_000], // $327 top: $27.25 a bin at 12 → $50 bins
    [120_000, 100, 10_000], // $1,200 → $100
    [900, 100, 100], // $9 → $1
    [50_000, 1, 5_000], // ¥50,000 → ¥5,000
  ])("top %d minor (%d per major) gives bins of %d minor", (top, perMajor, width) => {
    expect(roundBinWidth(top, perMajor)).toBeCloseTo(width, 6);
    expect(Math.ceil(top / width)).toBeLessThanOrEqual(12);
  });

  it("gathers everything from the last bin on, and labels ranges in the currency", () => {
    const bins = labelBins(
      histogramBins(
        [
          { bucket: 0, count: 3 },
          { bucket: 2, count: 1 },
          { bucket: 5, count: 2 },
          { bucket: 9, count: 4 },
        ],
        2_500,
        3,
      ),
      "USD",
    );
    expect(bins.map((b) => [b.label, b.count])).toEqual([
      ["$0–$25", 3],
      ["$25–$50", 0],
      ["$50–$75", 1],
      ["$75+", 6],
    ]);
  });
});
