// Which failures come from the input itself and so will fail the same way on every
// retry. PostgreSQL says so through the SQLSTATE: class 22 (data exception: a number out
// of range, text it cannot store, a bad date) and 54 (program limit: nesting beyond its
// stack, a row too large). Node-postgres puts the code on the error; Prisma's driver
// adapter nests it as `originalCode` (or `code`) a few levels down, so both are searched.

const PERMANENT_CLASSES = ["22", "54"];
const SQLSTATE = /^[0-9A-Z]{5}$/;

export function sqlState(error: unknown): string | null {
  const seen = new Set<unknown>();
  const search = (value: unknown, depth: number): string | null => {
    if (value === null || typeof value !== "object" || depth > 6 || seen.has(value)) return null;
    seen.add(value);
    const record = value as Record<string, unknown>;
    for (const key of ["originalCode", "code"]) {
      const code = record[key];
      if (typeof code === "string" && SQLSTATE.test(code) && !code.startsWith("P")) return code;
    }
    for (const key of ["cause", "meta", "driverAdapterError"]) {
      const found = search(record[key], depth + 1);
      if (found) return found;
    }
    return null;
  };
  return search(error, 0);
}

export function isPermanentDataError(error: unknown): boolean {
  const code = sqlState(error);
  return code !== null && PERMANENT_CLASSES.includes(code.slice(0, 2));
}
