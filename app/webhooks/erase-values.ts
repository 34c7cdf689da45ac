// Removes given values (names, address lines, emails) from every string inside a JSON
// document, case-insensitively, keeping its shape. The inbox scrub of customers/redact
// runs it after the field-based erasure (redact_webhook_payload in SQL) as a second net:
// a value typed into a field nobody anticipated is found by what it is, not where it is.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function eraseValues(doc: Json, values: readonly string[]): Json {
  const patterns = values
    .filter((v) => v.length > 0)
    // Longest first, so "Jane Roe" goes whole before "Jane" could split it.
    .sort((a, b) => b.length - a.length)
    .map((v) => new RegExp(v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "giu"));
  if (patterns.length === 0) return doc;
  const walk = (value: Json): Json => {
    if (typeof value === "string") return patterns.reduce((s, p) => s.replace(p, ""), value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk(doc);
}

/** Whether any of the values occurs in the document's text (case-insensitively). */
export function containsAny(doc: Json, values: readonly string[]): boolean {
  const text = JSON.stringify(doc).toLowerCase();
  return values.some((v) => v.length > 0 && text.includes(v.toLowerCase()));
}
