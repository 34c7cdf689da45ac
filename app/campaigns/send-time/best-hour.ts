// The best shop-local hour to message a member: a Dirichlet–multinomial over the 24 hours.
// The member's activity (orders, and opens/clicks when they exist) at each local hour is
// smoothed over neighbouring hours with a circular kernel (23 h and 0 h are neighbours);
// the prior is the shop's pooled, equally smoothed histogram with `priorStrength` pseudo-
// observations; the pick is the hour with the highest posterior mean. ADR 0050.

export const HOURS = 24;

/** Weights of the circular kernel for offsets −1, 0, +1 hour (sum 1, so counts keep their mass). */
export const KERNEL = [0.25, 0.5, 0.25] as const;

/** Pseudo-observations of the shop prior: a member's own hour wins from about 3 orders at it. */
export const PRIOR_STRENGTH = 8;

/** Share of the prior spread evenly, so no hour has zero prior mass in a shop with gaps. */
export const PRIOR_FLOOR = 0.05;

/** Evidence weight of one activity: an open is weaker evidence than an order or a click. */
export const ACTIVITY_WEIGHT = { order: 1, click: 1, open: 0.5 } as const;

export type ActivityKind = keyof typeof ACTIVITY_WEIGHT;

/** Counts of one member's (or the shop's) activities per shop-local hour (length 24 each). */
export type HourCounts = Record<ActivityKind, number[]>;

export type BestHour = {
  hour: number;
  /** "member": the member's own history moved the pick; "shop": the shop default. */
  source: "member" | "shop";
  orders: number;
  opens: number;
  clicks: number;
  /** Posterior mean probability of each hour (sums to 1). */
  posterior: number[];
  /** What the admin shows: "from 7 orders and 2 opens" or "shop default". */
  reason: string;
};

export const emptyCounts = (): HourCounts => ({
  order: new Array<number>(HOURS).fill(0),
  open: new Array<number>(HOURS).fill(0),
  click: new Array<number>(HOURS).fill(0),
});

/** Circular convolution with KERNEL: hour h gets ¼ of h−1, ½ of h and ¼ of h+1. */
export function smoothCircular(counts: readonly number[]): number[] {
  return counts.map(
    (_, h) =>
      KERNEL[0] * counts[(h + HOURS - 1) % HOURS]! +
      KERNEL[1] * counts[h]! +
      KERNEL[2] * counts[(h + 1) % HOURS]!,
  );
}

/** The weighted activity per hour (orders + clicks + ½ opens), before smoothing. */
export function weightedActivity(counts: HourCounts): number[] {
  return Array.from(
    { length: HOURS },
    (_, h) =>
      ACTIVITY_WEIGHT.order * (counts.order[h] ?? 0) +
      ACTIVITY_WEIGHT.click * (counts.click[h] ?? 0) +
      ACTIVITY_WEIGHT.open * (counts.open[h] ?? 0),
  );
}

/**
 * The prior's Dirichlet parameters: the shop's smoothed hour shares (with PRIOR_FLOOR of
 * uniform mixed in) times `strength`. A shop with no activity at all gets a uniform prior.
 */
export function shopPrior(shop: HourCounts, strength = PRIOR_STRENGTH): number[] {
  const smooth = smoothCircular(weightedActivity(shop));
  const total = smooth.reduce((a, b) => a + b, 0);
  return smooth.map((x) => {
    const share = total > 0 ? x / total : 1 / HOURS;
    return strength * ((1 - PRIOR_FLOOR) * share + PRIOR_FLOOR / HOURS);
  });
}

/** Index of the largest value; ties go to the earliest hour, so the pick is deterministic. */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let h = 1; h < values.length; h++) if (values[h]! > values[best]!) best = h;
  return best;
}

/** The member's best hour under the shop prior `alpha` (from shopPrior). */
export function bestHour(member: HourCounts, alpha: readonly number[]): BestHour {
  const evidence = smoothCircular(weightedActivity(member));
  const n = evidence.reduce((a, b) => a + b, 0);
  const strength = alpha.reduce((a, b) => a + b, 0);
  const posterior = alpha.map((a, h) => (a + evidence[h]!) / (strength + n));
  const hour = argmax(posterior);
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const orders = sum(member.order);
  const opens = sum(member.open);
  const clicks = sum(member.click);
  // The member's own history decided when it points at the chosen hour; otherwise the shop
  // default stood (no history, or too little to move it).
  const source = n > 0 && argmax(evidence) === hour ? "member" : "shop";
  const counted = describe(orders, opens, clicks);
  const reason =
    source === "member"
      ? `from ${counted}`
      : n > 0
        ? `shop default (${counted}: too few to move it)`
        : "shop default";
  return { hour, source, orders, opens, clicks, posterior, reason };
}

function describe(orders: number, opens: number, clicks: number): string {
  const plural = (k: number, one: string) => `${k} ${one}${k === 1 ? "" : "s"}`;
  const parts = [
    orders ? plural(orders, "order") : null,
    opens ? plural(opens, "open") : null,
    clicks ? plural(clicks, "click") : null,
  ].filter(Boolean);
  return parts.join(", ").replace(/, ([^,]*)$/, " and $1");
}
