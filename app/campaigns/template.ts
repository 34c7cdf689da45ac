import { toMajor } from "~/loyalty/money";

// The campaigns' template engine: text with variables in braces, such as "{firstName}".
// Deterministic (the same values always give the same text) and closed: only the
// variables below exist, so a typo such as "{fristName}" is refused when the campaign is
// saved and again before any send, never delivered to a customer. Values are plain text;
// the email's HTML part escapes them (content.ts).

export const TEMPLATE_VARIABLES = {
  firstName: "the member's first name, or “there” when the shop does not know it",
  shopName: "the shop's name",
  balance: "the member's available points",
  points: "the points of the event that triggered the message (0 for broadcasts)",
  tierName: "the member's tier, or “Member” without one",
  nearestReward:
    "the cheapest reward the member cannot afford yet (the best affordable one when they can afford all)",
  pointsToNextReward: "points the member still needs for the nearest reward (0 when it is affordable)",
  expiringPoints: "the points about to expire (points-expiring messages; 0 otherwise)",
  expiryDate: "the date those points expire, in the shop's time zone",
  nextTierName: "the tier above the member's, or “the next tier”",
  amountToNextTier:
    "what the member still needs for the next tier: an amount in the shop's currency, points or orders",
  tierDropDate: "the date the member drops a tier unless they qualify again (downgrade warnings)",
  amountToKeepTier: "what the member needs before that date to keep their tier",
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export const TEMPLATE_VARIABLE_NAMES = Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[];

export type TemplateValues = {
  firstName: string | null;
  shopName: string;
  balance: number;
  points: number;
  tierName: string | null;
  nearestReward: string | null;
  pointsToNextReward: number;
  expiringPoints: number;
  /** Formatted for the shop (date in its time zone, money in its currency) by values.server.ts. */
  expiryDate: string | null;
  nextTierName: string | null;
  amountToNextTier: string | null;
  tierDropDate: string | null;
  amountToKeepTier: string | null;
};

/** The sample member the editor's preview and the test-send render for. */
export const sampleValues = (shopName: string): TemplateValues => ({
  firstName: "Ana",
  shopName,
  balance: 1250,
  points: 60,
  tierName: "Silver",
  nearestReward: "$20 off",
  pointsToNextReward: 750,
  expiringPoints: 300,
  expiryDate: "March 31, 2027",
  nextTierName: "Gold",
  amountToNextTier: "$45.00",
  tierDropDate: "April 1, 2027",
  amountToKeepTier: "$30.00",
});

export class TemplateError extends Error {
  override name = "TemplateError";
}

const TOKEN = /\{([^{}]*)\}/g;

/** What is wrong with a template, or null: unknown variables, stray braces. */
export function templateProblem(template: string): string | null {
  const names = [...template.matchAll(TOKEN)].map((m) => m[1]!.trim());
  const known: readonly string[] = TEMPLATE_VARIABLE_NAMES;
  const unknown = [...new Set(names.filter((name) => !known.includes(name)))];
  if (unknown.length) {
    const list = unknown.map((n) => `{${n}}`).join(", ");
    return (
      `Unknown variable${unknown.length > 1 ? "s" : ""} ${list}. ` +
      `Use ${TEMPLATE_VARIABLE_NAMES.map((n) => `{${n}}`).join(", ")}.`
    );
  }
  if (/[{}]/.test(template.replace(TOKEN, ""))) return "Braces only surround variables, such as {firstName}.";
  return null;
}

function format(name: TemplateVariable, values: TemplateValues, locale: string): string {
  const value = values[name];
  if (typeof value === "number") return new Intl.NumberFormat(locale).format(value);
  if (name === "firstName") return value?.trim() || "there";
  if (name === "tierName") return value?.trim() || "Member";
  if (name === "nearestReward") return value?.trim() || "a reward";
  if (name === "nextTierName") return value?.trim() || "the next tier";
  if (name === "expiryDate" || name === "tierDropDate") return value?.trim() || "soon";
  if (name === "amountToNextTier" || name === "amountToKeepTier") return value?.trim() || "a little more";
  return value ?? "";
}

/** The template with each variable replaced; throws TemplateError for a template `templateProblem` refuses. */
export function renderTemplate(template: string, values: TemplateValues, locale = "en"): string {
  const problem = templateProblem(template);
  if (problem) throw new TemplateError(problem);
  return template.replace(TOKEN, (_, name: string) =>
    format(name.trim() as TemplateVariable, values, locale),
  );
}

type RewardLike = { name: string; pointsCost: number };

/**
 * The reward a member is working towards: the cheapest one they cannot afford yet, with the
 * points still missing; when they can afford every reward, the dearest one and 0.
 */
export function nearestReward(
  balance: number,
  rewards: readonly RewardLike[],
): { name: string; missing: number } | null {
  const byCost = [...rewards].sort((a, b) => a.pointsCost - b.pointsCost || a.name.localeCompare(b.name));
  const next = byCost.find((r) => r.pointsCost > balance);
  if (next) return { name: next.name, missing: next.pointsCost - balance };
  const best = byCost.at(-1);
  return best ? { name: best.name, missing: 0 } : null;
}

/** A date as the shop's customers read it: the calendar day in the shop's time zone. */
export function formatShopDate(at: Date, timeZone: string, locale = "en"): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone }).format(at);
}

/**
 * An amount in the tier basis' units: money (minor units) in the shop's currency, or a count
 * of points or orders.
 */
export function formatTierAmount(
  amount: number,
  basis: "spend" | "points" | "orders",
  currency: string,
  locale = "en",
): string {
  if (basis === "spend")
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(toMajor(amount, currency));
  const count = new Intl.NumberFormat(locale).format(amount);
  if (basis === "points") return `${count} point${amount === 1 ? "" : "s"}`;
  return `${count} order${amount === 1 ? "" : "s"}`;
}
