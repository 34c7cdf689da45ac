import fc from "fast-check";
import type { PrismaClient } from "~/db.server";
import { verifyLedger } from "../../scripts/ledger-verify";

// Shared by the fuzz suites (webhooks, app proxy, admin forms). Runs stay small inside
// `npm test` (seconds); FUZZ_RUNS raises them for a deeper run:
//   FUZZ_RUNS=500 npm test -- tests/fuzz

const requested = Number(process.env.FUZZ_RUNS);
export const FUZZ_RUNS = Number.isInteger(requested) && requested > 0 ? requested : 20;

/** A single case taking longer than this is a hang, and fails with its counterexample. */
const CASE_TIMEOUT_MS = 10_000;

/** fast-check parameters: the run count, a per-case time limit, and a seed in the failure report to replay it. */
export const fuzzParams = (runs = FUZZ_RUNS) => ({
  numRuns: runs,
  endOnFailure: true,
  timeout: CASE_TIMEOUT_MS,
});

/** vitest's limit for a whole property, growing with FUZZ_RUNS (the default 30 s suits the default runs). */
export const FUZZ_TEST_TIMEOUT_MS = Math.max(30_000, FUZZ_RUNS * 1_000);

/** Any UTF-16 code unit: NUL, controls, lone surrogates and everything else. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Strings meant to break parsers and columns. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: anyCodeUnit, maxLength: 20 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\ud800",
    "\udfff",
    "😀",
    "-1",
    "0",
    "1e400",
    "NaN",
    "99999999999999999999999",
    "9223372036854775808",
    "gid://shopify/Order/18446744073709551616",
    "2025-13-45T99:99:99Z",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x".repeat(5000),
  ),
);

/** Numbers at and beyond every column's edge. */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 0.5, 1e-7, 2 ** 31, 2 ** 31 - 1, 2 ** 53 + 2, 2 ** 63, 2 ** 64, 1e308, -1e308),
);

/** Any JSON value a hostile sender might put anywhere. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: nastyString, weight: 3 },
  { arbitrary: nastyNumber, weight: 3 },
  fc.constant(null),
  fc.boolean(),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant([]),
  fc.constant({}),
);

type Json = unknown;

/** Every path into a JSON value (object keys and array indexes), the root excluded. */
export function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [];
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value as Record<string, Json>);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

export type Mutation =
  { path: (string | number)[]; value: Json } | { path: (string | number)[]; remove: true };

/** Up to `max` mutations of paths in `base`: a value replaced by a nasty one, or a key removed. */
export function mutations(base: Json, max = 3): fc.Arbitrary<Mutation[]> {
  const paths = pathsOf(base);
  const one: fc.Arbitrary<Mutation> = fc.oneof(
    { arbitrary: fc.record({ path: fc.constantFrom(...paths), value: nastyValue }), weight: 4 },
    {
      arbitrary: fc.record({ path: fc.constantFrom(...paths), remove: fc.constant(true as const) }),
      weight: 1,
    },
  );
  return fc.array(one, { minLength: 1, maxLength: max });
}

export function applyMutations(base: Json, list: Mutation[]): Json {
  const copy = structuredClone(base);
  for (const mutation of list) {
    let holder = copy as Record<string | number, Json>;
    const path = mutation.path;
    for (const key of path.slice(0, -1)) {
      const next = holder?.[key];
      if (next === null || typeof next !== "object") {
        holder = undefined as never;
        break;
      }
      holder = next as Record<string | number, Json>;
    }
    if (!holder) continue;
    const last = path[path.length - 1]!;
    if ("remove" in mutation) {
      if (Array.isArray(holder)) holder.splice(Number(last), 1);
      else delete holder[last];
    } else holder[last] = structuredClone(mutation.value);
  }
  return copy;
}

/** Row counts of every table but the inbox, in one query: a failed step must leave them as they were. */
export async function tableCounts(db: PrismaClient): Promise<Record<string, number>> {
  const tables = await db.$queryRaw<{ name: string }[]>`
    SELECT tablename AS name FROM pg_tables
    WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', 'WebhookEvent')
    ORDER BY 1`;
  const select = tables.map((t) => `(SELECT count(*)::int FROM "${t.name}") AS "${t.name}"`).join(", ");
  const [row] = await db.$queryRawUnsafe<Record<string, number>[]>(`SELECT ${select}`);
  return row ?? {};
}

/** Member balances equal what the ledger says (ledger:verify finds no drift). */
export async function expectLedgerConsistent(db: PrismaClient, shop: string): Promise<void> {
  const { drift } = await verifyLedger(db, shop, { fix: false });
  if (drift.length > 0) throw new Error(`ledger drift for ${shop}: ${JSON.stringify(drift, jsonBigint)}`);
}

export const jsonBigint = (_key: string, value: unknown) =>
  typeof value === "bigint" ? value.toString() : value;
