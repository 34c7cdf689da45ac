// The subset of Shopify's search syntax the Admin API `query` argument takes:
// `field:value`, comparators (`updated_at:>=2024-01-01`, `id:>1000`), quoted values,
// prefix wildcards (`email:ann*`), `field:*` (has a value), `-field:value` / `NOT`,
// implicit or explicit AND, and OR between groups. Free words match the resource's text.
// Unknown fields are ignored, as Shopify ignores them.

export type FieldValue = string | number | boolean | null | string[];
export type SearchFields<T> = Record<string, (item: T) => FieldValue>;

type Term = { negate: boolean; field: string | null; op: ">" | ">=" | "<" | "<=" | "="; value: string };

const TOKEN = /(-?)(?:([A-Za-z_][\w.]*):(>=|<=|>|<|=)?)?("[^"]*"|'[^']*'|\S+)/g;

function parse(query: string): Term[][] {
  const groups: Term[][] = [[]];
  let negateNext = false;
  for (const match of query.matchAll(TOKEN)) {
    const [, minus, field, op, raw] = match;
    const word = raw ?? "";
    if (!field && (word === "AND" || word === "and")) continue;
    if (!field && word === "OR") {
      groups.push([]);
      continue;
    }
    if (!field && word === "NOT") {
      negateNext = true;
      continue;
    }
    const value = /^(["']).*\1$/.test(word) ? word.slice(1, -1) : word;
    groups.at(-1)?.push({
      negate: Boolean(minus) || negateNext,
      field: field?.toLowerCase() ?? null,
      op: (op as Term["op"]) ?? "=",
      value,
    });
    negateNext = false;
  }
  return groups.filter((group) => group.length > 0);
}

function compare(actual: FieldValue, term: Term): boolean {
  if (term.value === "*" && term.op === "=")
    return actual !== null && actual !== "" && !(Array.isArray(actual) && !actual.length);
  if (Array.isArray(actual)) return actual.some((entry) => compare(entry, term));
  if (actual === null) return false;
  if (typeof actual === "boolean") return String(actual) === term.value.toLowerCase();
  let left: number | string;
  let right: number | string;
  if (typeof actual === "number") {
    left = actual;
    right = Number(term.value);
  } else if (/^\d{4}-\d{2}-\d{2}/.test(actual) && !Number.isNaN(Date.parse(term.value))) {
    left = Date.parse(actual);
    right = Date.parse(term.value);
  } else {
    left = actual.toLowerCase();
    right = term.value.toLowerCase();
    if (term.op === "=" && right.endsWith("*")) return left.startsWith(right.slice(0, -1));
  }
  switch (term.op) {
    case ">":
      return left > right;
    case ">=":
      return left >= right;
    case "<":
      return left < right;
    case "<=":
      return left <= right;
    default:
      return left === right;
  }
}

export function searchFilter<T>(
  query: string | null | undefined,
  fields: SearchFields<T>,
  text: (item: T) => Array<string | null>,
): (item: T) => boolean {
  const groups = query ? parse(query) : [];
  if (!groups.length) return () => true;
  const matches = (item: T, term: Term): boolean => {
    if (term.field === null) {
      const needle = term.value.toLowerCase().replace(/\*$/, "");
      return text(item).some((value) => value?.toLowerCase().includes(needle));
    }
    const accessor = fields[term.field];
    return accessor ? compare(accessor(item), term) : true;
  };
  return (item) =>
    groups.some((group) =>
      group.every((term) => {
        if (term.field !== null && !fields[term.field]) return true;
        return matches(item, term) !== term.negate;
      }),
    );
}
