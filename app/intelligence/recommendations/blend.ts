import type { CfNeighbour } from "./cf";
import type { Scored } from "./top";
import { TopN } from "./top";

// A product's neighbours: the union of its co-purchase (CF) and content candidates, each
// scored wCf · cf + wContent · content. A CF candidate's content score is computed exactly
// (`contentOf`); a content candidate outside the CF list counts as cf 0 (it is below the
// list's last, a small number). Both parts are kept so reasons can say which one spoke.

export interface BlendWeights {
  cf: number;
  content: number;
}

export const BLEND_DEFAULTS: BlendWeights = { cf: 0.8, content: 0.2 };

export interface Neighbour {
  index: number;
  score: number;
  cfScore: number;
  contentScore: number;
  coPurchases: number;
}

export function blendNeighbours(
  cf: readonly CfNeighbour[][],
  content: readonly Scored[][],
  contentOf: (a: number, b: number) => number,
  n: number,
  weights: BlendWeights = BLEND_DEFAULTS,
): Neighbour[][] {
  return cf.map((cfRow, i) => {
    const parts = new Map<number, Neighbour>();
    for (const c of cfRow)
      parts.set(c.index, {
        index: c.index,
        score: 0,
        cfScore: c.score,
        contentScore: weights.content > 0 ? contentOf(i, c.index) : 0,
        coPurchases: c.coPurchases,
      });
    if (weights.content > 0)
      for (const c of content[i] ?? [])
        if (!parts.has(c.index))
          parts.set(c.index, { index: c.index, score: 0, cfScore: 0, contentScore: c.score, coPurchases: 0 });
    const top = new TopN(n);
    for (const p of parts.values()) {
      p.score = weights.cf * p.cfScore + weights.content * p.contentScore;
      if (p.score > 0) top.offer(p.index, p.score);
    }
    return top.sorted().map((s) => parts.get(s.index)!);
  });
}
