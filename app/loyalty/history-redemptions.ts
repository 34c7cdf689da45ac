import type { Reward } from "./program-rewards";

// Past redemptions in a shop's history. When history earns points (the backfill replay),
// a shop that already ran a loyalty program has orders paid partly with reward codes; a
// replay that credits every past order but debits none ends with a liability no real
// program has. Which codes were rewards, and which reward each one was, is decided here.
//
// The rule (docs: app/backfill/README.md):
// - A code is a reward code when it has the shape of this app's own codes (LOY- and four
//   groups of four, as `newRewardCode` makes them) or starts with one of the prefixes the
//   merchant gave for their previous app's codes (case-insensitive).
// - Its value is the order's discount when it is the order's only code; with other codes
//   on the order the discount cannot be split between them and the code stays unmatched.
// - The reward is the program's reward of that value: a fixed amount equal to the
//   discount, else a percentage that gives the discount on the order's merchandise (to
//   one minor unit), else free shipping when the code took nothing off the merchandise.
//   Among rewards of equal value, the one costing the fewest points (never overstate).
// - A code that matches no reward is counted as unmatched and not imported: its points
//   cost would be a guess.

const APP_CODE = /^LOY(-[0-9A-HJKMNP-TV-Z]{4}){4}$/;
const PREFIX = /^[A-Z0-9][A-Z0-9_-]{1,39}$/;
export const MAX_CODE_PREFIXES = 10;

/** The merchant's prefixes from a free-text field (commas, spaces or lines); null with a message when one is not a code prefix. */
export function parseCodePrefixes(text: string): { prefixes: string[] } | { error: string } {
  const parts = [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((p) => p.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
  const bad = parts.find((p) => !PREFIX.test(p));
  if (bad !== undefined)
    return {
      error: `"${bad}" is not a code prefix: use 2 to 40 letters, digits, dashes or underscores.`,
    };
  if (parts.length > MAX_CODE_PREFIXES) return { error: `At most ${MAX_CODE_PREFIXES} prefixes.` };
  return { prefixes: parts };
}

export function isRewardCode(code: string, prefixes: readonly string[]): boolean {
  const c = code.trim().toUpperCase();
  return APP_CODE.test(c) || prefixes.some((p) => c.startsWith(p.toUpperCase()));
}

export interface OrderDiscounts {
  discountCodes: readonly string[];
  /** Everything the order's discounts took off, in the shop currency's minor units. */
  totalDiscountsMinor: number;
  /** Merchandise after discounts (Shopify's subtotal). */
  subtotalMinor: number;
}

export type HistoricalRedemption =
  | { code: string; reward: Reward }
  | { code: string; reward: null; why: "sharedWithOtherCodes" | "noRewardOfThatValue" };

/** The past redemption an order carries, if any (see the rule above). */
export function historicalRedemption(
  order: OrderDiscounts,
  rewards: readonly Reward[],
  prefixes: readonly string[],
): HistoricalRedemption | null {
  const codes = order.discountCodes.map((c) => c.trim()).filter(Boolean);
  const code = codes.find((c) => isRewardCode(c, prefixes));
  if (code === undefined) return null;
  const normalised = code.toUpperCase();
  if (codes.length > 1) return { code: normalised, reward: null, why: "sharedWithOtherCodes" };
  const reward = rewardOfValue(order, rewards);
  return reward
    ? { code: normalised, reward }
    : { code: normalised, reward: null, why: "noRewardOfThatValue" };
}

function rewardOfValue(order: OrderDiscounts, rewards: readonly Reward[]): Reward | null {
  const off = order.totalDiscountsMinor;
  const merchandise = order.subtotalMinor + off;
  const cheapest = (list: Reward[]) =>
    list.sort((a, b) => a.pointsCost - b.pointsCost || a.id.localeCompare(b.id))[0] ?? null;
  const fixed = rewards.filter((r) => r.value.kind === "fixedAmount" && r.value.amount.amountMinor === off);
  if (off > 0 && fixed.length) return cheapest(fixed);
  const percent = rewards.filter(
    (r) =>
      r.value.kind === "percentage" && Math.abs(Math.round((merchandise * r.value.percent) / 100) - off) <= 1,
  );
  if (off > 0 && percent.length) return cheapest(percent);
  if (off === 0) return cheapest(rewards.filter((r) => r.value.kind === "freeShipping"));
  return null;
}
