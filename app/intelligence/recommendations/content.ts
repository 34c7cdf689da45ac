import type { SparseVector } from "./tfidf";
import { TopN, type Scored } from "./top";

// Content similarity: cosine of L2-normalised vectors (TF-IDF sparse, OpenAI dense), the
// `n` most similar other products per product. Sparse rows go through an inverted index
// (only products sharing a word are touched); dense rows are compared pairwise.

export function sparseDot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const x = a.indices[i]!;
    const y = b.indices[j]!;
    if (x === y) sum += a.values[i++]! * b.values[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return sum;
}

export function denseDot(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += a[k]! * b[k]!;
  return sum;
}

/** L2-normalised copy (a zero vector stays zero). */
export function normalised(v: Float32Array | Float64Array): Float64Array {
  const out = Float64Array.from(v);
  const norm = Math.sqrt(denseDot(out, out));
  if (norm > 0) for (let k = 0; k < out.length; k++) out[k]! /= norm;
  return out;
}

export function sparseNeighbours(vectors: readonly SparseVector[], n: number, minScore = 1e-9): Scored[][] {
  // Postings as flat typed arrays (term t's documents are doc[start[t] .. start[t + 1])).
  let terms = 0;
  let entries = 0;
  for (const v of vectors) {
    entries += v.indices.length;
    for (const t of v.indices) if (t + 1 > terms) terms = t + 1;
  }
  const start = new Int32Array(terms + 1);
  for (const v of vectors) for (const t of v.indices) start[t + 1]!++;
  for (let t = 0; t < terms; t++) start[t + 1]! += start[t]!;
  const fill = start.slice(0, terms);
  const doc = new Int32Array(entries);
  const value = new Float64Array(entries);
  vectors.forEach((v, d) => {
    for (let k = 0; k < v.indices.length; k++) {
      const at = fill[v.indices[k]!]!++;
      doc[at] = d;
      value[at] = v.values[k]!;
    }
  });
  const acc = new Float64Array(vectors.length);
  const touched = new Int32Array(vectors.length);
  return vectors.map((v, d) => {
    let count = 0;
    for (let k = 0; k < v.indices.length; k++) {
      const t = v.indices[k]!;
      const w = v.values[k]!;
      for (let m = start[t]!, end = start[t + 1]!; m < end; m++) {
        const other = doc[m]!;
        if (acc[other] === 0) touched[count++] = other;
        acc[other]! += w * value[m]!;
      }
    }
    const top = new TopN(n);
    for (let m = 0; m < count; m++) {
      const other = touched[m]!;
      if (other !== d && acc[other]! > minScore) top.offer(other, acc[other]!);
      acc[other] = 0;
    }
    return top.sorted();
  });
}

export function denseNeighbours(vectors: readonly Float64Array[], n: number, minScore = 1e-9): Scored[][] {
  const tops = vectors.map(() => new TopN(n));
  for (let a = 0; a < vectors.length; a++)
    for (let b = a + 1; b < vectors.length; b++) {
      const s = denseDot(vectors[a]!, vectors[b]!);
      if (s <= minScore) continue;
      tops[a]!.offer(b, s);
      tops[b]!.offer(a, s);
    }
  return tops.map((t) => t.sorted());
}
