import type { ProductText } from "./tfidf";

// What a product's content vector is computed from, as one string, and a short hash of it
// (FNV-1a, 64 bits as two 32-bit halves): a product whose text did not change keeps its
// OpenAI embedding; only changed or new ones are embedded again.

export function contentText(p: ProductText): string {
  return [p.title, p.description ?? "", p.productType ?? "", p.tags.join(", ")].join("\n");
}

export function contentHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}
