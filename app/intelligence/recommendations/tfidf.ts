// Content vectors without OpenAI: TF-IDF over a product's title, description, type and
// tags (ADR 0035-product-recs-vectors). Sublinear term frequency (1 + ln count), smoothed
// idf ln((1 + n) / (1 + df)) + 1 as scikit-learn's TfidfVectorizer, words in more than
// `maxDf` of the products dropped (the shop's description boilerplate carries no signal
// and would make every pair similar), then L2 normalised. Sparse, indices ascending.

export interface ProductText {
  title: string;
  description: string | null;
  productType: string | null;
  tags: readonly string[];
}

export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

const STOP_WORDS = new Set(
  (
    "a an and are as at be been but by for from has have in into is it its of on or our so " +
    "than that the their them then there these this those to was were will with you your also " +
    "can each every more most all any very made"
  ).split(" "),
);

/** Lower-case words of two or more letters or digits (not only digits), without stop words. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < 2 || STOP_WORDS.has(word) || /^\d+$/.test(word)) continue;
    out.push(word);
  }
  return out;
}

/** The words of a product: title twice (it names the thing), description, type, tags. */
export function productTokens(p: ProductText): string[] {
  return tokenize([p.title, p.title, p.description ?? "", p.productType ?? "", p.tags.join(" ")].join(" "));
}

export interface TfidfModel {
  vocabulary: string[];
  idf: Float64Array;
  vectors: SparseVector[];
}

export function tfidf(docs: readonly (readonly string[])[], options: { maxDf?: number } = {}): TfidfModel {
  const maxDf = options.maxDf ?? 0.5;
  const n = docs.length;
  const df = new Map<string, number>();
  for (const doc of docs) for (const w of new Set(doc)) df.set(w, (df.get(w) ?? 0) + 1);
  const limit = n >= 4 ? maxDf * n : n;
  const vocabulary = [...df.keys()].filter((w) => df.get(w)! <= limit).sort();
  const index = new Map(vocabulary.map((w, i) => [w, i]));
  const idf = Float64Array.from(vocabulary, (w) => Math.log((1 + n) / (1 + df.get(w)!)) + 1);
  const vectors = docs.map((doc) => {
    const counts = new Map<number, number>();
    for (const w of doc) {
      const i = index.get(w);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const indices = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
    const values = Float64Array.from(indices, (i) => (1 + Math.log(counts.get(i)!)) * idf[i]!);
    let norm = 0;
    for (const v of values) norm += v * v;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < values.length; k++) values[k]! /= norm;
    return { indices, values };
  });
  return { vocabulary, idf, vectors };
}
