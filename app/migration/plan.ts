import type { MigrationRow, RowProblem } from "./rows";

// What an import does to each row's member, decided from the rows and what the shop
// holds now. Pure: the service loads the lookups, the dry run shows the totals, and the
// import writes what this returns (each row once, under its idempotency key).

export interface MemberNow {
  availablePoints: number;
  referralCode: string | null;
}

export interface Lookups {
  /** Customers of the shop by lower-case email. */
  customerByEmail: ReadonlyMap<string, bigint>;
  members: ReadonlyMap<bigint, MemberNow>;
  /** Customers already imported from this source (their migration key is in the ledger). */
  alreadyImported: ReadonlySet<bigint>;
  /** Who holds each referral code now (lower case). */
  referralOwners: ReadonlyMap<string, bigint>;
  tiers: readonly { id: string; name: string }[];
}

export interface PlannedRow {
  line: number;
  email: string;
  customerId: bigint;
  /** The balance the file gives (null: the file has none, the balance stays). */
  targetBalance: number | null;
  /** What the migration entry adds to reach it (0 when nothing to move). */
  delta: number;
  lifetimePoints: number | null;
  tierId: string | null;
  referralCode: string | null;
  alreadyImported: boolean;
}

export interface PlanTotals {
  rows: number;
  /** Rows the import writes (not already imported, no error). */
  toImport: number;
  alreadyImported: number;
  rowsWithErrors: number;
  warnings: number;
  /** Sum of the imported balances, and of the entries that reach them. */
  pointsImported: number;
  pointsAdjusted: number;
  lifetimePoints: number;
  tiersCarried: number;
  referralCodes: number;
}

export function planRows(
  rows: readonly MigrationRow[],
  earlier: readonly RowProblem[],
  lookups: Lookups,
): { planned: PlannedRow[]; problems: RowProblem[]; totals: PlanTotals } {
  const problems = [...earlier];
  const planned: PlannedRow[] = [];
  const claimed = new Map<string, number>();
  const tierOf = new Map<string, string>();
  for (const t of lookups.tiers) {
    tierOf.set(t.id.toLowerCase(), t.id);
    tierOf.set(t.name.trim().toLowerCase(), t.id);
  }
  for (const row of rows) {
    const customerId = lookups.customerByEmail.get(row.email);
    if (customerId === undefined) {
      problems.push({
        line: row.line,
        field: "email",
        kind: "unknownCustomer",
        message: `No customer of the shop has the email ${row.email}.`,
        severity: "error",
      });
      continue;
    }
    let tierId: string | null = null;
    if (row.tierName) {
      tierId = tierOf.get(row.tierName.trim().toLowerCase()) ?? null;
      if (tierId === null)
        problems.push({
          line: row.line,
          field: "tier",
          kind: "unknownTier",
          message: `The program has no tier "${row.tierName}": the member keeps the tier their history gives.`,
          severity: "warning",
        });
    }
    let referralCode = row.referralCode;
    if (referralCode) {
      const lower = referralCode.toLowerCase();
      const owner = lookups.referralOwners.get(lower);
      const inFile = claimed.get(lower);
      if ((owner !== undefined && owner !== customerId) || inFile !== undefined) {
        problems.push({
          line: row.line,
          field: "referral",
          kind: "referralTaken",
          message: `Referral code ${referralCode} already belongs to ${inFile !== undefined ? `row ${inFile}` : "another member"}.`,
          severity: "warning",
        });
        referralCode = null;
      } else claimed.set(lower, row.line);
    }
    const member = lookups.members.get(customerId);
    const current = member?.availablePoints ?? 0;
    const lifetime =
      row.lifetimePoints ??
      (row.pointsBalance !== null && row.pointsSpent !== null ? row.pointsBalance + row.pointsSpent : null);
    planned.push({
      line: row.line,
      email: row.email,
      customerId,
      targetBalance: row.pointsBalance,
      delta: row.pointsBalance === null ? 0 : row.pointsBalance - current,
      lifetimePoints: lifetime,
      tierId,
      referralCode,
      alreadyImported: lookups.alreadyImported.has(customerId),
    });
  }
  problems.sort((a, b) => a.line - b.line);
  const fresh = planned.filter((p) => !p.alreadyImported);
  const errorLines = new Set(problems.filter((p) => p.severity === "error").map((p) => p.line));
  const totals: PlanTotals = {
    rows: rows.length + new Set(earlier.filter((p) => p.severity === "error").map((p) => p.line)).size,
    toImport: fresh.length,
    alreadyImported: planned.length - fresh.length,
    rowsWithErrors: errorLines.size,
    warnings: problems.filter((p) => p.severity === "warning").length,
    pointsImported: fresh.reduce((s, p) => s + (p.targetBalance ?? 0), 0),
    pointsAdjusted: fresh.reduce((s, p) => s + p.delta, 0),
    lifetimePoints: fresh.reduce((s, p) => s + (p.lifetimePoints ?? 0), 0),
    tiersCarried: fresh.filter((p) => p.tierId !== null).length,
    referralCodes: fresh.filter((p) => p.referralCode !== null).length,
  };
  return { planned, problems, totals };
}
