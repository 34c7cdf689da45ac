// Pure part of the profile block: the Customer Account API answer to what the block says.
// The metafields are the app's ($app namespace): balance (number_integer), tier
// (single_line_text_field, "none" below the first tier) and progress (json, see
// TierProgressValue in app/shopify/metafields.server.ts).

export const LOYALTY_QUERY = `query LoyaltyPoints {
  customer {
    balance: metafield(namespace: "$app", key: "balance") { value }
    tier: metafield(namespace: "$app", key: "tier") { value }
    progress: metafield(namespace: "$app", key: "progress") { value }
  }
}`;

type MetafieldValue = { value: string } | null | undefined;

export interface LoyaltyQueryData {
  customer?: { balance?: MetafieldValue; tier?: MetafieldValue; progress?: MetafieldValue } | null;
}

export interface LoyaltyStanding {
  balance: number;
  tierName: string | null;
  nextTierName: string | null;
  /** 0..1 towards the next tier; null at the top tier or without tiers. */
  fraction: number | null;
}

/** Null when the customer is not (yet) a member (no balance written) or is in the program holdout. */
export function standingFromQuery(data: LoyaltyQueryData | null | undefined): LoyaltyStanding | null {
  const customer = data?.customer;
  const balance = Number(customer?.balance?.value);
  if (!customer?.balance || !Number.isInteger(balance)) return null;
  let progress: { tierName?: unknown; nextTierName?: unknown; fraction?: unknown; noProgram?: unknown } = {};
  try {
    progress = customer.progress ? (JSON.parse(customer.progress.value) as typeof progress) : {};
  } catch {
    progress = {};
  }
  // The program holdout: the app says this customer gets no program, so the block shows nothing.
  if (progress.noProgram === true) return null;
  const tierId = customer.tier?.value;
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v : null);
  const nextTierName = text(progress.nextTierName);
  const fraction = typeof progress.fraction === "number" && nextTierName ? clamp(progress.fraction) : null;
  return {
    balance,
    tierName: tierId && tierId !== "none" ? (text(progress.tierName) ?? tierId) : null,
    nextTierName,
    fraction,
  };
}

const clamp = (n: number) => Math.min(1, Math.max(0, n));

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export interface StandingText {
  balance: string;
  tier: string;
  next: string | null;
  /** Whole percent for the progress bar, or null when there is no next tier. */
  percent: number | null;
}

/** `t` is the host's i18n.translate: it picks the plural form of `points` from `count`. */
export function standingText(standing: LoyaltyStanding, t: Translate): StandingText {
  const percent = standing.fraction === null ? null : Math.round(standing.fraction * 100);
  return {
    balance: t("points", { count: standing.balance }),
    tier: standing.tierName ? t("tier.current", { tier: standing.tierName }) : t("tier.none"),
    next:
      standing.nextTierName && percent !== null
        ? t("tier.progress", { percent, tier: standing.nextTierName })
        : standing.tierName
          ? t("tier.top")
          : null,
    percent,
  };
}
