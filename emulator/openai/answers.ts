// What the OpenAI stub answers when a test has not scripted a reply: deterministic output
// in the shape the request asked for, so every OpenAI path of the app runs end to end
// without a network. Embeddings are hashed bags of words (texts that share words point the
// same way, as real embeddings of similar texts do); a structured-output request gets a
// value that satisfies its JSON schema, its strings quoting the prompt it answered.

const STOP_WORDS = new Set(
  "a an and are as at be by for from has have in is it its of on or our the this to was were with you your".split(
    " ",
  ),
);

export function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9\s]/g, " ")
    .split(/\s+/)
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w));
}

/** FNV-1a, 32-bit. */
function hash(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A unit-length vector: each word (and word pair) adds ±1 at a hashed coordinate. */
export function hashedEmbedding(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  const tokens = words(text);
  const add = (feature: string, weight: number) => {
    const h = hash(feature);
    const at = h % dimensions;
    vector[at] = vector[at]! + (h & 0x80000000 ? -1 : 1) * weight;
  };
  tokens.forEach((w, i) => {
    add(w, 1);
    if (i > 0) add(`${tokens[i - 1]} ${w}`, 0.5);
  });
  if (tokens.length === 0) add("<empty>", 1);
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dimensions; i++) vector[i] = vector[i]! / norm;
  return vector;
}

export function toBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("base64");
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
};

/** A value satisfying `schema`, its strings drawn from `prompt`. */
export function valueFor(schema: JsonSchema, prompt: string, name = "answer"): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.anyOf?.length) return valueFor(schema.anyOf[0] as JsonSchema, prompt, name);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(schema.properties ?? {}))
        out[key] = valueFor(child, prompt, key);
      return out;
    }
    case "array": {
      const count = Math.max(schema.minItems ?? 1, Math.min(schema.maxItems ?? 1, 1));
      return Array.from({ length: count }, (_, i) =>
        valueFor(schema.items ?? {}, prompt, `${name} ${i + 1}`),
      );
    }
    case "integer":
    case "number": {
      const low = schema.minimum ?? schema.exclusiveMinimum;
      const high = schema.maximum ?? schema.exclusiveMaximum;
      const mid = low !== undefined && high !== undefined ? (low + high) / 2 : (low ?? high ?? 0);
      return type === "integer" ? Math.round(mid) : mid;
    }
    case "boolean":
      return false;
    case "string": {
      const quoted = words(prompt).slice(0, 8).join(" ");
      let text = `${name}: ${quoted || "stub answer"}`;
      if (schema.maxLength !== undefined) text = text.slice(0, schema.maxLength);
      if (schema.minLength !== undefined) text = text.padEnd(schema.minLength, ".");
      return text;
    }
    default:
      return null;
  }
}

/** Tokens as the usage block counts them (about four characters each). */
export function tokenCount(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export const MODERATION_CATEGORIES = [
  "harassment",
  "harassment/threatening",
  "hate",
  "hate/threatening",
  "illicit",
  "illicit/violent",
  "self-harm",
  "self-harm/intent",
  "self-harm/instructions",
  "sexual",
  "sexual/minors",
  "violence",
  "violence/graphic",
] as const;

// A few unmistakable words per category: enough for tests and the demo to see a flag,
// deterministic, and never set off by ordinary shop copy.
const FLAG_WORDS: Record<string, string[]> = {
  harassment: ["idiot", "stupid", "loser"],
  violence: ["kill", "murder", "shoot"],
  hate: ["vermin"],
};

/** The moderation categories `text` is flagged in (none for ordinary text). */
export function moderationOf(text: string): string[] {
  const seen = new Set(words(text));
  return Object.entries(FLAG_WORDS)
    .filter(([, list]) => list.some((w) => seen.has(w)))
    .map(([category]) => category);
}
