// The files a merchant brings from another loyalty app, and how their columns map to what
// the app imports. Header names compare without case, spaces, dashes or underscores.
//
// What the apps document (looked up for issue 14; their exports can change):
// - Smile.io: the customer object (dev.smile.io) has first_name, last_name, email, state,
//   date_of_birth, points_balance, referral_url, vip_tier, created_at; the admin's
//   customer export carries them with readable headers ("Points balance", "VIP tier",
//   "Referral URL"). Smile's own points import takes "email" and "points".
// - LoyaltyLion: the customer export (Analytics > Exports) lets the merchant pick and rename
//   its columns; a profile has email, enrollment date, approved points (the balance),
//   pending points, lifetime points, tier and a referral link. The layout cannot be
//   confirmed, so detection goes by these names and the mapping step covers the rest.
// - Yotpo Loyalty & Referrals: the customer export has email, first and last name, current
//   points balance and referral link; its import layout adds "Points Balance", "Points
//   Spent", "Total Points Earned" and the VIP tier.

export const SOURCES = ["smile", "loyaltylion", "yotpo", "custom"] as const;
export type MigrationSource = (typeof SOURCES)[number];

export const SOURCE_NAMES: Record<MigrationSource, string> = {
  smile: "Smile.io",
  loyaltylion: "LoyaltyLion",
  yotpo: "Yotpo Loyalty & Referrals",
  custom: "Another app (mapped by hand)",
};

export const FIELDS = [
  "email",
  "pointsBalance",
  "lifetimePoints",
  "pointsSpent",
  "tier",
  "referral",
] as const;
export type MigrationField = (typeof FIELDS)[number];

export const FIELD_LABELS: Record<MigrationField, string> = {
  email: "Email",
  pointsBalance: "Points balance",
  lifetimePoints: "Lifetime points",
  pointsSpent: "Points spent",
  tier: "Tier",
  referral: "Referral code or link",
};

/** Column index per field (null: not in the file). */
export type ColumnMapping = Record<MigrationField, number | null>;

type Synonyms = Record<MigrationField, readonly string[]>;

// Most specific first: a source's own names, then names any of them use.
const LAYOUTS: Record<Exclude<MigrationSource, "custom">, Synonyms> = {
  smile: {
    email: ["email", "customer email"],
    pointsBalance: ["points balance", "points_balance", "points"],
    lifetimePoints: ["points earned", "lifetime points", "total points earned"],
    pointsSpent: ["points spent", "points redeemed"],
    tier: ["vip tier", "vip_tier", "vip tier name"],
    referral: ["referral url", "referral_url", "referral link"],
  },
  loyaltylion: {
    email: ["email", "customer email"],
    pointsBalance: ["approved points", "points approved", "points balance", "points"],
    lifetimePoints: ["lifetime points", "total points", "points earned"],
    pointsSpent: ["points spent", "spent points"],
    tier: ["tier", "current tier", "tier name"],
    referral: ["referral link", "referral url", "referral code"],
  },
  yotpo: {
    email: ["email", "email address"],
    pointsBalance: ["current points balance", "points balance"],
    lifetimePoints: ["total points earned", "points earned"],
    pointsSpent: ["points spent"],
    tier: ["vip tier", "loyalty tier", "tier", "vip tier name"],
    referral: ["referral link", "referral url", "referral code"],
  },
};

/** Headers only one source uses: they decide which app a file came from. */
const SIGNATURES: Record<Exclude<MigrationSource, "custom">, readonly string[]> = {
  smile: ["points_balance", "vip_tier", "referral_url", "vip tier", "points balance", "referral url"],
  loyaltylion: ["approved points", "pending points", "enrolled at", "enrollment date", "lifetime points"],
  yotpo: ["current points balance", "total points earned", "points spent", "referral link"],
};

export const normaliseHeader = (h: string) =>
  h
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");

const key = (h: string) => normaliseHeader(h).replace(/ /g, "");

/** The mapping of a layout onto the file's headers: each field takes the first synonym present. */
export function mappingFor(source: MigrationSource, headers: readonly string[]): ColumnMapping {
  const at = new Map<string, number>();
  headers.forEach((h, i) => {
    if (!at.has(key(h))) at.set(key(h), i);
  });
  const layout = source === "custom" ? mergedLayout() : LAYOUTS[source];
  const mapping = Object.fromEntries(FIELDS.map((f) => [f, null])) as ColumnMapping;
  const taken = new Set<number>();
  for (const field of FIELDS) {
    for (const name of layout[field]) {
      const i = at.get(key(name));
      if (i !== undefined && !taken.has(i)) {
        mapping[field] = i;
        taken.add(i);
        break;
      }
    }
  }
  return mapping;
}

function mergedLayout(): Synonyms {
  const merged = Object.fromEntries(FIELDS.map((f) => [f, [] as string[]])) as Record<
    MigrationField,
    string[]
  >;
  for (const layout of Object.values(LAYOUTS))
    for (const f of FIELDS) for (const n of layout[f]) if (!merged[f].includes(n)) merged[f].push(n);
  return merged;
}

export interface Detection {
  source: MigrationSource;
  mapping: ColumnMapping;
  /** Headers that named the source; empty when the file matched none (mapped by its names alone). */
  evidence: string[];
}

/** Which app the headers come from, and its mapping; a file no layout explains is "custom". */
export function detectFormat(headers: readonly string[]): Detection {
  const present = new Set(headers.map(normaliseHeader));
  let best: Detection = { source: "custom", mapping: mappingFor("custom", headers), evidence: [] };
  for (const source of ["smile", "loyaltylion", "yotpo"] as const) {
    const evidence = [...new Set(SIGNATURES[source].map(normaliseHeader))].filter((s) => present.has(s));
    if (evidence.length > best.evidence.length)
      best = { source, mapping: mappingFor(source, headers), evidence };
  }
  return best;
}

/** A merchant's mapping from the form: column indexes within the file, email required, no column twice. */
export function checkMapping(mapping: ColumnMapping, columns: number): string | null {
  if (mapping.email === null) return "Choose the column that holds the customer's email.";
  if (mapping.pointsBalance === null && mapping.tier === null && mapping.referral === null)
    return "Choose at least a points balance, a tier or a referral column to import.";
  const used = FIELDS.map((f) => mapping[f]).filter((i): i is number => i !== null);
  if (used.some((i) => !Number.isInteger(i) || i < 0 || i >= columns))
    return "The mapping names a column the file does not have.";
  if (new Set(used).size !== used.length) return "A column can be mapped to one field only.";
  return null;
}
