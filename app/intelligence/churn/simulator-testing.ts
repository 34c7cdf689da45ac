// Simulator shops as the churn model sees them (orders, refunds, reviews per customer in days
// since the calendar's start), and the oracle that knows each customer's latent λ and p
// (simulator/README.md, "Purchases and dropout"). The simulator has no loyalty program in its
// base history and only aggregate email counts (measured at the end of history, which would
// leak the label), so loyalty and engagement features are absent here.
import type { CustomerTruth, GeneratedShop } from "../../../simulator/index";
import { cumulativeAt, DAY_MS, probabilityAlive, Rng } from "../../../simulator/index";
import { binomial } from "../../../simulator/random/samplers";
import type { ChurnCustomer } from "./features";

const day = (shop: GeneratedShop, iso: string | null | undefined) =>
  (Date.parse(String(iso)) - shop.calendar.startMs) / DAY_MS;

const merchandise = (order: GeneratedShop["orders"][number]) =>
  order.lineItems.reduce((s, line) => s + Number(line.unitPrice) * line.quantity, 0);

/** Every buyer as a ChurnCustomer; review sentiment is (rating − 3) / 2. */
export function churnCustomers(shop: GeneratedShop): ChurnCustomer[] {
  const byId = new Map<
    number,
    {
      orders: { day: number; amount: number }[];
      refunds: { day: number; amount: number }[];
      reviews: { day: number; sentiment: number | null; rating: number }[];
    }
  >();
  const get = (id: number) => {
    let c = byId.get(id);
    if (!c) byId.set(id, (c = { orders: [], refunds: [], reviews: [] }));
    return c;
  };
  for (const o of shop.orders)
    get(Number(o.customerId)).orders.push({ day: day(shop, o.processedAt), amount: merchandise(o) });
  for (const r of shop.refunds)
    get(r.customerId).refunds.push({ day: day(shop, r.createdAt), amount: r.totalMinor / 100 });
  for (const r of shop.reviews)
    get(r.customerId).reviews.push({
      day: day(shop, r.createdAt),
      sentiment: (r.rating - 3) / 2,
      rating: r.rating,
    });
  return [...byId].map(([id, c]) => ({ id: String(id), ...c }));
}

/**
 * The oracle's churn scores as of `cutoff` for the next `horizon` days, from the customer's
 * true λ and p and their orders before the cutoff: 1 − P(alive) (what the brief calls the
 * oracle), and 1 − P(alive)·(1 − e^{−λW}) with W the seasonal exposure of the window — the
 * Bayes-optimal probability of "no order in the window".
 */
export function oracleScores(
  shop: GeneratedShop,
  customer: ChurnCustomer,
  cutoff: number,
  horizon: number,
  truth: CustomerTruth,
): { dead: number; noOrder: number } {
  const days = customer.orders.filter((o) => o.day < cutoff).map((o) => o.day);
  const last = Math.max(...days);
  const { calendar } = shop;
  const alive = probabilityAlive(
    truth.lambdaPerYear,
    truth.dropoutP,
    days.length - 1,
    cumulativeAt(calendar, cutoff) - cumulativeAt(calendar, last),
  );
  const window = cumulativeAt(calendar, cutoff + horizon) - cumulativeAt(calendar, cutoff);
  return { dead: 1 - alive, noOrder: 1 - alive * (1 - Math.exp(-truth.lambdaPerYear * window)) };
}

/**
 * Email engagement per customer and day, drawn the way the simulator draws its end-of-history
 * totals (simulator/behaviour/history.ts, emailEngagement): every campaign send from the
 * customer's sign-up on, opened with the customer's latent open rate (times the after-dropout
 * factor once they have dropped out), clicked with their click-given-open rate. What the
 * engagement import will deliver for simulator shops; until then the tests draw it here.
 */
export function simulatedEngagement(
  shop: GeneratedShop,
  seed: number,
): Map<string, { day: number; sends: number; opens: number; clicks: number }[]> {
  const rng = new Rng(seed, 7);
  const { campaignsBefore, historyDays } = shop.calendar;
  const factor = shop.params.email.openFactorAfterDropout;
  const out = new Map<string, { day: number; sends: number; opens: number; clicks: number }[]>();
  shop.customers.forEach((c, i) => {
    if (!c.profile.emailConsent) return;
    const dropout = shop.histories[i]!.dropoutDay ?? Infinity;
    const days: { day: number; sends: number; opens: number; clicks: number }[] = [];
    for (let d = Math.ceil(c.acquiredDay); d < historyDays; d++) {
      const sends = campaignsBefore[d + 1]! - campaignsBefore[d]!;
      if (sends === 0) continue;
      const opens = binomial(rng, sends, d < dropout ? c.latent.openRate : c.latent.openRate * factor);
      days.push({ day: d, sends, opens, clicks: binomial(rng, opens, c.latent.clickGivenOpen) });
    }
    out.set(String(c.id), days);
  });
  return out;
}
