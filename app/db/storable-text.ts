// What PostgreSQL cannot store: NUL in any text (text columns and jsonb alike refuse it)
// and, inside jsonb, a UTF-16 surrogate without its pair (JSON.stringify writes it as an
// escape jsonb rejects). Input that reaches a column from outside is checked against this
// before it is written: a save refused with its field is a 422, a write refused by the
// database is a 500 and a rolled-back transaction.

/** NUL, or a surrogate without its pair. Global: reset `lastIndex` or use it with `replace`. */
export const UNSTORABLE_CHARS = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const UNSTORABLE_MESSAGE = "Can't hold the character U+0000 or an unpaired surrogate.";

export function isStorableText(text: string): boolean {
  UNSTORABLE_CHARS.lastIndex = 0;
  return !UNSTORABLE_CHARS.test(text);
}

/** Where in a JSON-like value a string (a value or a key) PostgreSQL cannot store sits. */
export function unstorablePaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "string") return isStorableText(value) ? [] : [path];
  if (value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => unstorablePaths(item, [...path, i]));
  return Object.entries(value).flatMap(([key, item]) =>
    isStorableText(key) ? unstorablePaths(item, [...path, key]) : [[...path, key]],
  );
}
