// Validation of the long-term objective (`longTermValue`, ADR 0043) on the
// simulator's `long-term-bribe` scenario, whose 180-day truth is known: every buyer lives 180
// days after the history under each arm (the simulator's ground truth, simulator/truth/
// variants.ts, common random numbers), and each arm's objective is computed per member with
// the app's own pure code: the shop's lifetime-value model is fitted on the generated history
// with `fitLifetimeValue` (app/intelligence/clv), and the surrogate is long-term.ts's
// `lifetimeValueChange` over `summaryAt` summaries, added to the net margin as metrics.ts's
// `longTermValue` does. Experiments then draw members from these buyers and split them by the
// app's assignment hash (fixed split) or by the app's `banditUpdate` (weekly cohorts).
import { bucketOf, BUCKETS } from "../app/experiments/assignment";
import {
  lifetimeValueChange,
  summaryAt,
  type PurchaseDay,
  type SurrogateModel,
} from "../app/experiments/long-term";
import { banditUpdate, equalShares, type BanditSettings } from "../app/experiments/stats/bandit-allocation";
import type { MeanStats } from "../app/experiments/stats/estimates";
import { fitLifetimeValue } from "../app/intelligence/clv/lifetime-value";
import type { OrderInput } from "../emulator/resources/inputs";
import { DAY_MS } from "../simulator/model/calendar";
import { Rng, hashString } from "../simulator/random/rng";
import { customerState } from "../simulator/scenario/ground-truth";
import { responder } from "../simulator/scenario/respond";
import type { Scenario } from "../simulator/scenario/schema";
import { customerBatches, defineShop } from "../simulator/shop";
import { liveHorizon, type PopulationMember } from "../simulator/truth/variants";

/** The gross margin share on revenue (the experiments' default, 40%). */
export const GROSS_MARGIN = 0.4;
/** Days after exposure at which the objectives are read: weekly, up to 8 weeks. */
export const READ_DAYS = [7, 14, 21, 28, 35, 42, 49, 56] as const;
const SHORT_DAYS = 14;
const TRUTH_DAYS = 180;

/** Per buyer and arm (major units): what each objective reads, and the 180-day truth. */
export interface LongTermPopulation {
  ids: string[];
  arms: string[];
  /** Net revenue in the first `min(d, 14)` days, at each READ_DAYS d: `short[arm][r][i]`. */
  short: Float64Array[][];
  /** Net margin since exposure at each READ_DAYS d. */
  margin: Float64Array[][];
  /** `longTermValue` at each READ_DAYS d: margin + gross margin × change in predicted lifetime value. */
  long: Float64Array[][];
  /** The truth: net margin over 180 days. */
  margin180: Float64Array[];
  /** 14-day net revenue and 180-day margin per member, population means per arm. */
  truth: { arm: string; netRevenue14: number; margin180: number; netRevenue180: number }[];
  model: SurrogateModel;
  fit: { customers: number; repeatBuyers: number; params: Record<string, number> };
  /** The end of history: every member is exposed then. */
  launch: Date;
  /** Each buyer's purchase days before launch (for a run through the app's database). */
  history: PurchaseDay[][];
  /** With `keepOrders`: each buyer's orders after launch under each arm, `orders[arm][i]`. */
  orders: { day: number; net: number; discount: number }[][][] | null;
}

const money = (text: string | null | undefined) => Math.round(Number(text ?? 0) * 100);

/** Each buyer's purchase days before the end of history (merchandise net of discounts, UTC days). */
function historyDays(orders: readonly OrderInput[]) {
  const byCustomer = new Map<number, Map<string, PurchaseDay>>();
  for (const o of orders) {
    if (o.customerId === null || o.customerId === undefined || !o.createdAt) continue;
    const net =
      o.lineItems.reduce((s, l) => s + l.quantity * money(String(l.unitPrice)), 0) -
      (o.discountCodes ?? []).reduce((s, d) => s + money(String(d.amount)), 0);
    const at = new Date(o.createdAt);
    const day = at.toISOString().slice(0, 10);
    const customer = Number(o.customerId);
    const days = byCustomer.get(customer) ?? new Map<string, PurchaseDay>();
    const prior = days.get(day);
    days.set(
      day,
      prior ? { at: prior.at < at ? prior.at : at, netMinor: prior.netMinor + net } : { at, netMinor: net },
    );
    byCustomer.set(customer, days);
  }
  return byCustomer;
}

export function longTermPopulation(
  scenario: Scenario,
  options: { keepOrders?: boolean } = {},
): LongTermPopulation {
  const definition = defineShop({
    ...scenario.shop,
    horizonDays: Math.max(scenario.shop.horizonDays, TRUTH_DAYS),
  });
  const launch = new Date(definition.calendar.endMs);
  const members: (PopulationMember & { id: string; history: PurchaseDay[] })[] = [];
  for (const batch of customerBatches(definition)) {
    const days = historyDays(batch.orders);
    batch.customers.forEach((c, i) => {
      if (!c.latent.buyer || members.length >= scenario.truth.maxCustomers) return;
      members.push({
        index: c.index,
        id: String(c.id),
        state: customerState(c, batch.histories[i]!),
        history: [...(days.get(c.id)?.values() ?? [])],
      });
    });
  }
  // The shop's model, fitted on the history up to launch as the app's fit would (≥ 50 customers, 10 repeat buyers).
  const summaries = members.flatMap((m) => {
    const s = summaryAt(m.history, launch);
    return s ? [{ x: s.x, tx: s.tx, T: s.T, spend: s.spendMinor / 100 }] : [];
  });
  const fits = fitLifetimeValue(summaries, {
    minCustomers: 50,
    minRepeatBuyers: 10,
    minHistory: 28,
    unit: "days",
  });
  if (!fits.ok || !fits.purchases.ok || !fits.spend.ok)
    throw new Error(`The lifetime-value fit failed on the scenario's history: ${JSON.stringify(fits)}`);
  const model: SurrogateModel = {
    fitId: "simulated",
    purchases: fits.purchases.params,
    spend: fits.spend.params,
    minorPerMajor: 100,
  };

  const respond = responder(scenario.response);
  const seed = (scenario.shop.seed ^ hashString(`truth:${scenario.name}`)) | 0;
  const rng = new Rng(seed);
  const n = members.length;
  const perRead = () => READ_DAYS.map(() => new Float64Array(n));
  const arms = scenario.variants.map((v) => v.key);
  const out: LongTermPopulation = {
    ids: members.map((m) => m.id),
    arms,
    short: arms.map(perRead),
    margin: arms.map(perRead),
    long: arms.map(perRead),
    margin180: arms.map(() => new Float64Array(n)),
    truth: [],
    model,
    fit: {
      customers: summaries.length,
      repeatBuyers: summaries.filter((s) => s.x > 0).length,
      params: { ...fits.purchases.params, ...fits.spend.params },
    },
    launch,
    history: members.map((m) => m.history),
    orders: options.keepOrders ? arms.map(() => []) : null,
  };
  scenario.variants.forEach((variant, a) => {
    let revenue14 = 0;
    let revenue180 = 0;
    members.forEach((m, i) => {
      const orders: { day: number; net: number; discount: number }[] = [];
      liveHorizon(
        variant,
        m,
        definition.calendar,
        TRUTH_DAYS,
        (day) => rng.reseed((seed + Math.imul(day + 1, 0x9e3779b1)) | 0, m.index),
        respond,
        (day, value, discount) => orders.push({ day, net: value - discount, discount }),
      );
      out.orders?.[a]!.push(orders);
      const marginOf = (o: { net: number; discount: number }) => (o.net * GROSS_MARGIN - o.discount) / 100;
      const before = summaryAt(m.history, launch);
      READ_DAYS.forEach((d, r) => {
        const within = orders.filter((o) => o.day < d);
        const margin = within.reduce((s, o) => s + marginOf(o), 0);
        // Orders are placed at noon of their day after launch; the read is at the end of day d.
        const days = [
          ...m.history,
          ...within.map((o) => ({
            at: new Date(launch.getTime() + o.day * DAY_MS + 12 * 3_600_000),
            netMinor: o.net,
          })),
        ];
        const now = summaryAt(days, new Date(launch.getTime() + d * DAY_MS));
        out.short[a]![r]![i] =
          orders.filter((o) => o.day < Math.min(d, SHORT_DAYS)).reduce((s, o) => s + o.net, 0) / 100;
        out.margin[a]![r]![i] = margin;
        out.long[a]![r]![i] = margin + (GROSS_MARGIN * lifetimeValueChange(model, before, now)) / 100;
      });
      out.margin180[a]![i] = orders.reduce((s, o) => s + marginOf(o), 0);
      revenue14 += orders.filter((o) => o.day < SHORT_DAYS).reduce((s, o) => s + o.net, 0) / 100;
      revenue180 += orders.reduce((s, o) => s + o.net, 0) / 100;
    });
    out.truth.push({
      arm: variant.key,
      netRevenue14: revenue14 / n,
      margin180: out.margin180[a]!.reduce((s, x) => s + x, 0) / n,
      netRevenue180: revenue180 / n,
    });
  });
  return out;
}

/** The arm with the largest population mean 180-day margin. */
export const trueBest = (p: LongTermPopulation) =>
  p.truth.reduce((best, t, a) => (t.margin180 > p.truth[best]!.margin180 ? a : best), 0);

const argmax = (xs: readonly number[]) => xs.reduce((best, x, i) => (x > xs[best]! ? i : best), 0);

export type Objective = "short" | "margin" | "long";

/**
 * One fixed-split experiment: `size` members drawn with replacement, split equally by the app's
 * assignment hash under `salt`, read `READ_DAYS[read]` days after exposure; the arm each
 * objective picks (the largest mean).
 */
export function fixedSplitPicks(
  p: LongTermPopulation,
  salt: string,
  rng: Rng,
  size: number,
  read: number,
): Record<Objective, number> {
  const k = p.arms.length;
  const sums = {
    short: new Array<number>(k).fill(0),
    margin: new Array<number>(k).fill(0),
    long: new Array<number>(k).fill(0),
  };
  const counts = new Array<number>(k).fill(0);
  for (let j = 0; j < size; j++) {
    const i = rng.int(p.ids.length);
    const a = Math.min(
      k - 1,
      Math.floor((bucketOf("validate.myshopify.com", salt, `${p.ids[i]}:${j}`) * k) / BUCKETS),
    );
    counts[a]!++;
    sums.short[a]! += p.short[a]![read]![i]!;
    sums.margin[a]! += p.margin[a]![read]![i]!;
    sums.long[a]! += p.long[a]![read]![i]!;
  }
  const pick = (s: number[]) => argmax(s.map((x, a) => x / Math.max(1, counts[a]!)));
  return { short: pick(sums.short), margin: pick(sums.margin), long: pick(sums.long) };
}

/** The bandit's settings here: weekly updates, one week of burn-in. */
export const LONG_TERM_BANDIT: BanditSettings = {
  burnInPeriods: 1,
  minShare: 0.05,
  maxChange: 0.3,
  minMembersPerArm: 100,
  minStratumMembers: 100,
  periodWeighting: "precision",
};

/**
 * One bandit: a cohort of `perWeek` members (drawn with replacement) is exposed each week for
 * `weeks` weeks, split over the allocation in force by the app's hash; each weekly update
 * reads every earlier cohort's objective as of then (a cohort exposed w weeks ago: READ_DAYS
 * index w − 1) and calls the app's `banditUpdate`. The pick: the largest probability of being
 * best at the last update. Also returns the share of members each arm got.
 */
export function banditPick(
  p: LongTermPopulation,
  objective: Objective,
  salt: string,
  rng: Rng,
  perWeek: number,
  weeks: number,
): { pick: number; shares: number[] } {
  const k = p.arms.length;
  const cohorts: { arm: number; i: number }[][] = [];
  let weights = equalShares(k);
  const given = new Array<number>(k).fill(0);
  let last: number[] = weights;
  for (let week = 0; week <= weeks; week++) {
    if (week > 0) {
      const periods: MeanStats[][] = cohorts.map((cohort, c) => {
        const read = week - c - 1;
        const stats = Array.from({ length: k }, (): MeanStats => ({ n: 0, sum: 0, sumSquares: 0 }));
        for (const { arm, i } of cohort) {
          const y = p[objective][arm]![Math.min(read, READ_DAYS.length - 1)]![i]!;
          const s = stats[arm]!;
          s.n++;
          s.sum += y;
          s.sumSquares += y * y;
        }
        return stats;
      });
      const update = banditUpdate({
        periods,
        kind: "mean",
        current: weights,
        periodIndex: week,
        settings: LONG_TERM_BANDIT,
        higherIsBetter: true,
        seed: week + 1,
      });
      weights = update.weights;
      last = update.posterior ? update.posterior.arms.map((a) => a.probabilityBest) : update.weights;
    }
    if (week === weeks) break;
    const cohort: { arm: number; i: number }[] = [];
    for (let j = 0; j < perWeek; j++) {
      const i = rng.int(p.ids.length);
      const u = bucketOf("validate.myshopify.com", salt, `${p.ids[i]}:${week}:${j}`) / BUCKETS;
      let arm = 0;
      for (let acc = weights[0]!; arm < k - 1 && u >= acc;) acc += weights[++arm]!;
      cohort.push({ arm, i });
      given[arm]!++;
    }
    cohorts.push(cohort);
  }
  const total = given.reduce((s, x) => s + x, 0);
  return { pick: argmax(last), shares: given.map((g) => g / total) };
}
