import { z } from "zod";
import { minorUnitsPerMajor } from "~/loyalty/money";
import type { Program, ProgramInput } from "~/loyalty/program";

// The program editor's form state. Inputs hold what the merchant typed (strings), money in
// major units as they think of it; `fromDraft` turns that into the program input that
// `programSchema` validates (minor units, numbers). Text that is not a number is passed
// through as text, so the schema answers "Enter a number." on the right field instead of
// a blank silently becoming a default. The same functions run in the browser (live
// preview) and on the server (the save).

const text = z.string().max(2000);
const flag = z.boolean();

const levelDraft = z.object({
  id: text,
  name: text,
  threshold: text,
  earnMultiplier: text,
  perkPercent: text,
  freeShipping: flag,
});

const rewardDraft = z.object({
  id: text,
  name: text,
  active: flag,
  kind: z.enum(["fixedAmount", "percentage", "freeShipping", "freeProduct"]),
  amount: text,
  percent: text,
  productId: text,
  variantId: text,
  pointsCost: text,
  minimumSubtotal: text,
  codeLifetimeDays: text,
  perMemberLimit: text,
  availableFrom: z.string().nullable(),
  availableUntil: z.string().nullable(),
});

const campaignDraft = z.object({
  id: text,
  name: text,
  kind: z.enum(["multiplier", "fixed"]),
  multiplier: text,
  points: text,
  startsOn: text,
  endsOn: text,
  // Carried through unedited: a campaign on some products (launched from Weekly picks).
  productIds: z.array(z.string().max(40)).max(250).optional(),
});

export const programDraftSchema = z.object({
  currency: text,
  earning: z.object({
    pointsPerCurrencyUnit: text,
    includeShipping: flag,
    includeTax: flag,
    pendingDays: text,
    rounding: text,
    signupBonus: text,
    birthdayBonus: text,
    firstOrderBonus: text,
    multipliers: z.array(z.object({ target: text, value: text, multiplier: text })).max(200),
    giftCardsExcluded: flag,
    excludedTags: text,
    excludedProductIds: z.array(z.string()).max(1000),
    excludedCollectionIds: z.array(z.string()).max(1000),
    campaigns: z.array(campaignDraft).max(50),
  }),
  expiry: z.object({ policy: text, days: text, noticeDays: text }),
  tiers: z.object({
    basis: text,
    window: text,
    downgradeGraceDays: text,
    reevaluation: text,
    levels: z.array(levelDraft).max(20),
  }),
  rewards: z.array(rewardDraft).max(100),
  membership: z.object({
    enrollment: text,
    excludedCustomerTags: text,
    excludeStaff: flag,
    excludeB2B: flag,
  }),
  refunds: z.object({ negativeBalance: text }),
});

export type ProgramDraft = z.infer<typeof programDraftSchema>;
export type RewardDraft = ProgramDraft["rewards"][number];
export type LevelDraft = ProgramDraft["tiers"]["levels"][number];
export type CampaignDraft = ProgramDraft["earning"]["campaigns"][number];

/** A typed number, or the text itself when it is not one (the schema then names the field). */
export function parseNumber(input: string): number | string {
  const trimmed = input.trim().replace(/,/g, "");
  if (trimmed === "") return input;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : input;
}

/** Major units as typed → integer minor units; text that is not a number passes through. */
export function parseMoney(input: string, currency: string): number | string {
  const n = parseNumber(input);
  return typeof n === "number" ? Math.round(n * minorUnitsPerMajor(currency)) : n;
}

export function formatMajor(amountMinor: number, currency: string): string {
  const perMajor = minorUnitsPerMajor(currency);
  const digits = Math.round(Math.log10(perMajor));
  return (amountMinor / perMajor).toFixed(digits);
}

const optional = (input: string, parse: (s: string) => number | string) =>
  input.trim() === "" ? null : parse(input);
const list = (input: string) =>
  input
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const dayStart = (date: string) => (/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date);
const isoDay = (iso: string) => iso.slice(0, 10);

export function toDraft(program: Program): ProgramDraft {
  const { earning, tiers, currency } = program;
  const spend = tiers.basis === "spend";
  return {
    currency,
    earning: {
      pointsPerCurrencyUnit: String(earning.pointsPerCurrencyUnit),
      includeShipping: earning.includeShipping,
      includeTax: earning.includeTax,
      pendingDays: String(earning.pendingDays),
      rounding: earning.rounding,
      signupBonus: String(earning.bonuses.signup),
      birthdayBonus: String(earning.bonuses.birthday),
      firstOrderBonus: String(earning.bonuses.firstOrder),
      multipliers: earning.multipliers.map((m) => ({ ...m, multiplier: String(m.multiplier) })),
      giftCardsExcluded: earning.exclusions.giftCards,
      excludedTags: earning.exclusions.tags.join(", "),
      excludedProductIds: earning.exclusions.productIds,
      excludedCollectionIds: earning.exclusions.collectionIds,
      campaigns: earning.campaigns.map((c) => ({
        id: c.id,
        name: c.name,
        kind: c.kind,
        multiplier: c.kind === "multiplier" ? String(c.multiplier) : "2",
        points: c.kind === "fixed" ? String(c.points) : "100",
        startsOn: isoDay(c.startsAt),
        endsOn: isoDay(c.endsAt),
        ...(c.productIds ? { productIds: c.productIds } : {}),
      })),
    },
    expiry: {
      policy: program.expiry.policy,
      days: program.expiry.policy === "none" ? "365" : String(program.expiry.days),
      noticeDays: program.expiry.policy === "none" ? "30" : String(program.expiry.noticeDays),
    },
    tiers: {
      basis: tiers.basis,
      window: tiers.window,
      downgradeGraceDays: String(tiers.downgradeGraceDays),
      reevaluation: tiers.reevaluation,
      levels: tiers.levels.map((l) => ({
        id: l.id,
        name: l.name,
        threshold: spend ? formatMajor(l.threshold, currency) : String(l.threshold),
        earnMultiplier: String(l.benefits.earnMultiplier),
        perkPercent: String(l.benefits.perkPercent),
        freeShipping: l.benefits.freeShipping,
      })),
    },
    rewards: program.rewards.map((r) => ({
      id: r.id,
      name: r.name,
      active: r.active,
      kind: r.value.kind,
      amount: r.value.kind === "fixedAmount" ? formatMajor(r.value.amount.amountMinor, currency) : "",
      percent: r.value.kind === "percentage" ? String(r.value.percent) : "",
      productId: r.value.kind === "freeProduct" ? r.value.productId : "",
      variantId: r.value.kind === "freeProduct" ? r.value.variantId : "",
      pointsCost: String(r.pointsCost),
      minimumSubtotal: r.minimumSubtotal ? formatMajor(r.minimumSubtotal.amountMinor, currency) : "",
      codeLifetimeDays: String(r.codeLifetimeDays),
      perMemberLimit: r.perMemberLimit === null ? "" : String(r.perMemberLimit),
      availableFrom: r.availableFrom,
      availableUntil: r.availableUntil,
    })),
    membership: {
      enrollment: program.membership.enrollment,
      excludedCustomerTags: program.membership.excludedCustomerTags.join(", "),
      excludeStaff: program.membership.excludeStaff,
      excludeB2B: program.membership.excludeB2B,
    },
    refunds: { negativeBalance: program.refunds.negativeBalance },
  };
}

export function fromDraft(draft: ProgramDraft): ProgramInput {
  const { earning, tiers, currency } = draft;
  const money = (s: string) => parseMoney(s, currency);
  const threshold = tiers.basis === "spend" ? money : parseNumber;
  // The schema validates every value; the casts only say that text stands in for a bad number.
  return {
    currency,
    earning: {
      pointsPerCurrencyUnit: parseNumber(earning.pointsPerCurrencyUnit),
      includeShipping: earning.includeShipping,
      includeTax: earning.includeTax,
      pendingDays: parseNumber(earning.pendingDays),
      rounding: earning.rounding,
      bonuses: {
        signup: parseNumber(earning.signupBonus),
        birthday: parseNumber(earning.birthdayBonus),
        firstOrder: parseNumber(earning.firstOrderBonus),
      },
      multipliers: earning.multipliers.map((m) => ({
        target: m.target,
        value: m.value,
        multiplier: parseNumber(m.multiplier),
      })),
      exclusions: {
        productIds: earning.excludedProductIds,
        collectionIds: earning.excludedCollectionIds,
        tags: list(earning.excludedTags),
        giftCards: earning.giftCardsExcluded,
      },
      campaigns: earning.campaigns.map((c) => ({
        id: c.id,
        name: c.name,
        kind: c.kind,
        ...(c.kind === "multiplier"
          ? { multiplier: parseNumber(c.multiplier) }
          : { points: parseNumber(c.points) }),
        startsAt: dayStart(c.startsOn),
        endsAt: dayStart(c.endsOn),
        ...(c.productIds ? { productIds: c.productIds } : {}),
      })),
    },
    expiry:
      draft.expiry.policy === "none"
        ? { policy: "none" }
        : {
            policy: draft.expiry.policy,
            days: parseNumber(draft.expiry.days),
            noticeDays: parseNumber(draft.expiry.noticeDays),
          },
    tiers: {
      basis: tiers.basis,
      window: tiers.window,
      downgradeGraceDays: parseNumber(tiers.downgradeGraceDays),
      reevaluation: tiers.reevaluation,
      levels: tiers.levels.map((l) => ({
        id: l.id,
        name: l.name,
        threshold: threshold(l.threshold),
        benefits: {
          earnMultiplier: parseNumber(l.earnMultiplier),
          perkPercent: parseNumber(l.perkPercent),
          freeShipping: l.freeShipping,
        },
      })),
    },
    rewards: draft.rewards.map((r) => ({
      id: r.id,
      name: r.name,
      active: r.active,
      value: rewardValue(r, currency),
      pointsCost: parseNumber(r.pointsCost),
      minimumSubtotal:
        r.minimumSubtotal.trim() === "" ? null : { amountMinor: money(r.minimumSubtotal), currency },
      codeLifetimeDays: parseNumber(r.codeLifetimeDays),
      perMemberLimit: optional(r.perMemberLimit, parseNumber),
      availableFrom: r.availableFrom,
      availableUntil: r.availableUntil,
    })),
    membership: {
      enrollment: draft.membership.enrollment,
      excludedCustomerTags: list(draft.membership.excludedCustomerTags),
      excludeStaff: draft.membership.excludeStaff,
      excludeB2B: draft.membership.excludeB2B,
    },
    refunds: { negativeBalance: draft.refunds.negativeBalance },
  } as unknown as ProgramInput;
}

function rewardValue(r: RewardDraft, currency: string) {
  switch (r.kind) {
    case "fixedAmount":
      return { kind: r.kind, amount: { amountMinor: parseMoney(r.amount, currency), currency } };
    case "percentage":
      return { kind: r.kind, percent: parseNumber(r.percent) };
    case "freeShipping":
      return { kind: r.kind };
    case "freeProduct":
      return { kind: r.kind, productId: r.productId, variantId: r.variantId };
  }
}

/**
 * Where the schema's error paths show in the form: money and reward values are reported
 * deeper than the input that holds them.
 */
export function formFieldPath(schemaPath: string): string {
  return schemaPath
    .replace(/^rewards\.(\d+)\.value\.amount\.(amountMinor|currency)$/, "rewards.$1.amount")
    .replace(/^rewards\.(\d+)\.value\.(percent|productId|variantId)$/, "rewards.$1.$2")
    .replace(/^rewards\.(\d+)\.value$/, "rewards.$1.kind")
    .replace(/^rewards\.(\d+)\.minimumSubtotal\.(amountMinor|currency)$/, "rewards.$1.minimumSubtotal")
    .replace(/^tiers\.levels\.(\d+)\.benefits\.(\w+)$/, "tiers.levels.$1.$2")
    .replace(/^earning\.bonuses\.(signup|birthday|firstOrder)$/, "earning.$1Bonus")
    .replace(/^earning\.exclusions\.tags(\.\d+)?$/, "earning.excludedTags")
    .replace(/^earning\.campaigns\.(\d+)\.startsAt$/, "earning.campaigns.$1.startsOn")
    .replace(/^earning\.campaigns\.(\d+)\.endsAt$/, "earning.campaigns.$1.endsOn")
    .replace(/^membership\.excludedCustomerTags(\.\d+)?$/, "membership.excludedCustomerTags");
}

/** Field errors keyed by form path; the first message per field wins. */
export function formErrors(schemaErrors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(schemaErrors)) out[formFieldPath(path)] ??= message;
  return out;
}

/** A short id for a new tier, reward or campaign, unique within its list. */
export function newId(prefix: string, taken: readonly string[]): string {
  for (let i = taken.length + 1; ; i++) {
    const id = `${prefix}-${i}`;
    if (!taken.includes(id)) return id;
  }
}
