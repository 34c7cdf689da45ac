// Simulator shops as the lifetime-value models see them, for the tests that compare fits
// with the generator's known parameters and P(alive) with its truth (simulator/README.md,
// "Purchases and dropout" and "Spend"). Two clocks:
//   - operational time, in years of average seasonal intensity (calendar.cumulative), where
//     the generator is exactly BG/NBD with λ per year: the fit should recover r, α, a, b;
//   - calendar days, what the app sees: the seasonality is then unmodelled noise.
import type { CustomerTruth, GeneratedShop } from "../../../simulator/index";
import { cumulativeAt } from "../../../simulator/index";
import type { CustomerSummary } from "./customers";

export type SimulatedCustomer = { operational: CustomerSummary; days: CustomerSummary; truth: CustomerTruth };

const merchandise = (order: GeneratedShop["orders"][number]) =>
  order.lineItems.reduce((s, line) => s + Number(line.unitPrice) * line.quantity, 0);

/** Every buyer's summaries at the end of history, with their truth. */
export function simulatedCustomers(shop: GeneratedShop): SimulatedCustomer[] {
  const { calendar } = shop;
  const end = calendar.historyDays;
  const ordersByCustomer = new Map<number, GeneratedShop["orders"]>();
  for (const order of shop.orders) {
    const id = Number(order.customerId);
    const list = ordersByCustomer.get(id) ?? [];
    list.push(order);
    ordersByCustomer.set(id, list);
  }
  const out: SimulatedCustomer[] = [];
  shop.histories.forEach((h, i) => {
    if (h.firstOrderDay === null) return;
    const truth = shop.truths[i]!;
    const orders = (ordersByCustomer.get(truth.customerId) ?? []).sort((a, b) =>
      String(a.processedAt).localeCompare(String(b.processedAt)),
    );
    const repeats = orders.slice(1).map(merchandise);
    const spend = repeats.length ? repeats.reduce((s, v) => s + v, 0) / repeats.length : 0;
    const x = h.repeatPurchases;
    const first = cumulativeAt(calendar, h.firstOrderDay);
    out.push({
      operational: {
        x,
        tx: x > 0 ? cumulativeAt(calendar, h.lastOrderDay!) - first : 0,
        T: cumulativeAt(calendar, end) - first,
        spend,
      },
      days: { x, tx: x > 0 ? h.lastOrderDay! - h.firstOrderDay : 0, T: end - h.firstOrderDay, spend },
      truth,
    });
  });
  return out;
}

/** Area under the ROC curve of `score` for `positive` (ties count half). */
export function auc(rows: readonly { score: number; positive: boolean }[]): number {
  const sorted = [...rows].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++)
      if (sorted[k]!.positive) {
        rankSum += rank;
        positives++;
      }
    i = j;
  }
  const negatives = sorted.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
