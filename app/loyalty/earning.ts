import { minorUnitsPerMajor } from "./money";
import type { Program } from "./program";
import type { Campaign } from "./program-earning";
import { roundPoints, snap } from "./rounding";
import { lineMultiplier, type EarningLine } from "./earning-lines";

export type { EarningLine } from "./earning-lines";

/** An order as the rules need it: shop-currency minor units, after Shopify's discount allocations. */
export interface EarningOrder {
  id: string;
  currency: string;
  /** When the customer placed it: campaigns and the pending period count from here, not from processing time. */
  placedAt: Date;
  lines: EarningLine[];
  /** Shipping charged after shipping discounts. */
  shippingMinor: number;
  taxMinor: number;
}

export interface EarningMember {
  tierId: string | null;
  /** Orders this member already earned on; 0 makes this order the first. */
  previousOrderCount: number;
}

/** What each part of the order contributed, kept with the earn entry so refunds can reverse it in proportion. */
export interface EarningComponent {
  key: string;
  amountMinor: number;
  exactPoints: number;
}

export type EarningBonus =
  { cause: "firstOrder"; points: number } | { cause: "campaign"; campaignId: string; points: number };

export type BreakdownItem =
  | {
      kind: "line";
      lineId: string;
      amountMinor: number;
      productMultiplier: number;
      exactPoints: number;
      /** A product-scoped campaign that raised this line above the order's campaign multiplier. */
      campaignId?: string;
      campaignMultiplier?: number;
    }
  | {
      kind: "lineExcluded";
      lineId: string;
      reason: "giftCard" | "product" | "collection" | "tag" | "noAmount";
    }
  | { kind: "shipping" | "tax"; amountMinor: number; exactPoints: number }
  | { kind: "tierMultiplier"; tierId: string; multiplier: number }
  | { kind: "campaignMultiplier"; campaignId: string; multiplier: number }
  | { kind: "rounding"; policy: Program["earning"]["rounding"]; exactPoints: number; points: number }
  | ({ kind: "bonus" } & EarningBonus);

export interface EarningResult {
  /** Everything the order earns: `orderPoints` plus the bonuses. */
  points: number;
  /** The proportional part, written as the order's earn entry and reversed by refunds. */
  orderPoints: number;
  bonuses: EarningBonus[];
  components: EarningComponent[];
  breakdown: BreakdownItem[];
  /** Points stay pending until this instant (the return window), then become spendable. */
  availableAt: Date;
  /** Whether `availableAt` is still ahead of `now`: the earn entry goes to the pending balance. */
  pending: boolean;
  reason: "earned" | "currencyMismatch" | "nothingEligible";
}

const DAY_MS = 86_400_000;

/**
 * The components again from a stored breakdown: each earning line, shipping and tax, with
 * the same amounts and exact points. Earn entries store the breakdown only.
 */
export function componentsOf(breakdown: readonly BreakdownItem[]): EarningComponent[] {
  return breakdown.flatMap((b) =>
    b.kind === "line"
      ? [{ key: `line:${b.lineId}`, amountMinor: b.amountMinor, exactPoints: b.exactPoints }]
      : b.kind === "shipping" || b.kind === "tax"
        ? [{ key: b.kind, amountMinor: b.amountMinor, exactPoints: b.exactPoints }]
        : [],
  );
}

/** Active campaigns at an instant; the window is half-open so back-to-back campaigns never overlap. */
export function activeCampaigns(campaigns: readonly Campaign[], at: Date): Campaign[] {
  const t = at.getTime();
  return campaigns.filter((c) => Date.parse(c.startsAt) <= t && t < Date.parse(c.endsAt));
}

const scoped = (c: Campaign) => c.productIds !== undefined;
const covers = (c: Campaign, productId: string | null) =>
  !scoped(c) || (productId !== null && c.productIds!.includes(productId));

/**
 * Points for one order. How multipliers combine, and why:
 * - per line, only the highest matching product/collection/tag multiplier applies (stacking
 *   three 2× rules into 8× is never what a merchant meant);
 * - that is multiplied by the member's tier multiplier and by the highest active campaign
 *   multiplier, which apply to everything that earns (lines, and shipping/tax if counted);
 *   a product-scoped campaign counts only on its products' lines (the line takes the highest
 *   campaign multiplier that covers it), never on shipping or tax;
 * - exclusions beat multipliers; rounding happens once, on the order total;
 * - fixed bonuses (first order, fixed campaigns) are whole points added after rounding.
 */
export function pointsForOrder(
  order: EarningOrder,
  member: EarningMember,
  program: Program,
  now: Date,
): EarningResult {
  const availableAt = new Date(order.placedAt.getTime() + program.earning.pendingDays * DAY_MS);
  // Historic orders (backfill, late deliveries) whose return window has passed credit spendable points.
  const pending = availableAt.getTime() > now.getTime();
  const empty = {
    points: 0,
    orderPoints: 0,
    bonuses: [],
    components: [],
    breakdown: [],
    availableAt,
    pending,
  };
  if (order.currency !== program.currency) return { ...empty, reason: "currencyMismatch" };

  const { earning } = program;
  const perMinor = earning.pointsPerCurrencyUnit / minorUnitsPerMajor(program.currency);
  const breakdown: BreakdownItem[] = [];
  const tier = program.tiers.levels.find((l) => l.id === member.tierId);
  const tierMultiplier = tier?.benefits.earnMultiplier ?? 1;
  if (tier && tierMultiplier !== 1)
    breakdown.push({ kind: "tierMultiplier", tierId: tier.id, multiplier: tierMultiplier });
  const campaigns = activeCampaigns(earning.campaigns, order.placedAt);
  const topCampaign = campaigns
    .flatMap((c) => (c.kind === "multiplier" && !scoped(c) ? [c] : []))
    .reduce<{ id: string; multiplier: number } | null>(
      (best, c) => (best && best.multiplier >= c.multiplier ? best : c),
      null,
    );
  if (topCampaign)
    breakdown.push({
      kind: "campaignMultiplier",
      campaignId: topCampaign.id,
      multiplier: topCampaign.multiplier,
    });
  const orderMultiplier = tierMultiplier * (topCampaign?.multiplier ?? 1);
  const productCampaigns = campaigns.flatMap((c) => (c.kind === "multiplier" && scoped(c) ? [c] : []));
  const lineCampaign = (productId: string | null) =>
    productCampaigns.reduce<{ id: string; multiplier: number } | null>(
      (best, c) =>
        covers(c, productId) && c.multiplier > (best?.multiplier ?? topCampaign?.multiplier ?? 1) ? c : best,
      null,
    );
  const earningProducts = new Set<string | null>();

  const components: EarningComponent[] = [];
  for (const line of order.lines) {
    const decision = lineMultiplier(line, earning);
    if (decision.excluded) {
      breakdown.push({ kind: "lineExcluded", lineId: line.id, reason: decision.excluded });
      continue;
    }
    earningProducts.add(line.productId);
    const campaign = lineCampaign(line.productId);
    const multiplier = campaign ? tierMultiplier * campaign.multiplier : orderMultiplier;
    const exactPoints = snap(decision.amountMinor * perMinor * decision.multiplier * multiplier);
    breakdown.push({
      kind: "line",
      lineId: line.id,
      amountMinor: decision.amountMinor,
      productMultiplier: decision.multiplier,
      exactPoints,
      ...(campaign ? { campaignId: campaign.id, campaignMultiplier: campaign.multiplier } : {}),
    });
    components.push({ key: `line:${line.id}`, amountMinor: decision.amountMinor, exactPoints });
  }
  for (const [kind, counted, amount] of [
    ["shipping", earning.includeShipping, order.shippingMinor],
    ["tax", earning.includeTax, order.taxMinor],
  ] as const) {
    const amountMinor = Math.max(0, Math.trunc(amount));
    if (!counted || amountMinor === 0) continue;
    const exactPoints = snap(amountMinor * perMinor * orderMultiplier);
    breakdown.push({ kind, amountMinor, exactPoints });
    components.push({ key: kind, amountMinor, exactPoints });
  }

  const exact = snap(components.reduce((sum, c) => sum + c.exactPoints, 0));
  const orderPoints = Math.max(0, roundPoints(exact, earning.rounding));
  if (components.length)
    breakdown.push({ kind: "rounding", policy: earning.rounding, exactPoints: exact, points: orderPoints });

  const bonuses: EarningBonus[] = [];
  if (components.length) {
    if (member.previousOrderCount === 0 && earning.bonuses.firstOrder > 0)
      bonuses.push({ cause: "firstOrder", points: earning.bonuses.firstOrder });
    for (const c of campaigns)
      if (c.kind === "fixed" && (!scoped(c) || [...earningProducts].some((id) => covers(c, id))))
        bonuses.push({ cause: "campaign", campaignId: c.id, points: c.points });
  }
  for (const bonus of bonuses) breakdown.push({ kind: "bonus", ...bonus });
  const points = orderPoints + bonuses.reduce((sum, b) => sum + b.points, 0);
  return {
    points,
    orderPoints,
    bonuses,
    components,
    breakdown,
    availableAt,
    pending,
    reason: components.length ? "earned" : "nothingEligible",
  };
}
