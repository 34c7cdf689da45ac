import { describe, expect, it } from "vitest";
import { labelledCorpus, README_EXAMPLES } from "./corpus-testing";
import corpus from "./reference/corpus.json";
import fixtures from "./reference/fixtures.json";
import { vaderCompound } from "./vader";

// The scorer (vader-sentiment + our emoji names and negation casing) against the Python
// VADER 3.3.2 implementation (reference/compute.py) on the same texts, and both against
// human and star ratings.

const pearson = (x: readonly number[], y: readonly number[]) => {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
};

const texts = fixtures.texts;
const agrees = (text: string, python: number) => Math.abs(vaderCompound(text) - python) <= 1e-4;

describe("sentiment scorer against the Python VADER", () => {
  it("scores the texts compute.py scored (corpus.json is current)", () => {
    expect(labelledCorpus()).toEqual(corpus);
    expect(texts.map((t) => t.text)).toEqual(corpus.map((t) => t.text));
  });

  it("the README's published compounds: 14 of 16 exactly; the rest are rules the port lacks", () => {
    const differ = README_EXAMPLES.filter((e) => Math.abs(vaderCompound(e.text) - e.compound) > 1e-4);
    expect(differ.map((e) => e.text)).toEqual([
      // "kinda" as a dampener and the contrastive "But" capitalised
      "Today only kinda sux! But I'll get by, lol",
      // 💘 and 💋 are not among the emoji we name (😁 is)
      "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    ]);
    // The Python version was re-scored since its README: the emoji example changed, no other.
    const python = texts.filter((t) => t.set === "readme");
    expect(README_EXAMPLES.filter((e, i) => Math.abs(e.compound - python[i]!.python) > 1e-4)).toHaveLength(1);
  });

  it.each([
    ["handwritten", 23],
    ["simulator", 196],
  ] as const)('%s reviews: %i agree with Python to 1e-4, all but "OK." in sign', (set, agreeing) => {
    const rows = texts.filter((t) => t.set === set);
    expect(rows.filter((t) => agrees(t.text, t.python)).length).toBe(agreeing);
    if (set === "simulator")
      for (const t of rows) expect(Math.abs(vaderCompound(t.text) - t.python)).toBeLessThan(0.01);
    // Python keeps the "." on a word of two letters or fewer, so "OK." is not in its lexicon;
    // the port scores "OK" (+ for capitals). The one hand-written text that differs in sign.
    const opposite = rows.filter(
      (t) => Math.abs(t.python) >= 0.05 && Math.sign(vaderCompound(t.text)) !== Math.sign(t.python),
    );
    expect(opposite.map((t) => t.text)).toEqual(
      set === "handwritten" ? ["OK. It's fine. Nothing special."] : [],
    );
  });

  it("742 Amazon review snippets: correlation with 20 people's mean rating as Python's", () => {
    const scores = fixtures.amazon.map((a) => vaderCompound(a.text));
    const human = fixtures.amazon.map((a) => a.human);
    expect(fixtures.amazon.filter((a, i) => Math.abs(scores[i]! - a.python) <= 1e-4).length).toBe(708);
    expect(
      pearson(
        scores,
        fixtures.amazon.map((a) => a.python),
      ),
    ).toBeGreaterThan(0.96);
    const ours = pearson(scores, human);
    const python = pearson(
      fixtures.amazon.map((a) => a.python),
      human,
    );
    expect(ours).toBeCloseTo(0.568, 3);
    expect(python).toBeCloseTo(0.589, 3);
  });
});

describe("sentiment scorer against star ratings", () => {
  const rated = (set: string) => texts.filter((t) => t.set === set && t.rating !== undefined);
  const stats = (set: string) => {
    const rows = rated(set);
    const polar = rows.filter((t) => t.rating !== 3);
    return {
      r: pearson(
        rows.map((t) => vaderCompound(t.text)),
        rows.map((t) => t.rating!),
      ),
      signAccuracy: polar.filter((t) => vaderCompound(t.text) > 0 === t.rating! > 3).length / polar.length,
      meanByStars: [1, 2, 3, 4, 5].map((s) => {
        const x = rows.filter((t) => t.rating === s).map((t) => vaderCompound(t.text));
        return x.reduce((a, b) => a + b, 0) / x.length;
      }),
    };
  };

  it("simulator reviews (200): r 0.896 with stars, 1–2★ vs 4–5★ all told apart", () => {
    const s = stats("simulator");
    expect(s.r).toBeCloseTo(0.896, 3);
    expect(s.signAccuracy).toBe(1);
    expect(s.meanByStars[0]).toBeLessThan(0);
    expect(s.meanByStars[1]).toBeLessThan(0);
    expect(s.meanByStars[3]).toBeGreaterThan(s.meanByStars[2]!);
    expect(s.meanByStars[4]).toBeGreaterThan(0.5);
  });

  it("hand-written reviews (24): r 0.799 with stars, 17 of 20 polar ones right in sign", () => {
    const s = stats("handwritten");
    expect(s.r).toBeCloseTo(0.799, 3);
    expect(s.signAccuracy).toBe(0.85);
  });
});
