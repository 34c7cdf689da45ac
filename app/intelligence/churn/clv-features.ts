// BG/NBD as features for the churn model: fitted on every customer's purchase days before the
// cutoff (in days, same-day orders merged, T from the first purchase), it gives each customer's
// P(alive) and expected purchases over the label's horizon. A fit that fails leaves both
// features constant (0), so the churn model treats them as absent and says so.
import { conditionalExpectedPurchases, fitBgNbd, probabilityAlive } from "../clv/bgnbd";
import type { CustomerSummary } from "../clv/customers";
import type { ChurnCustomer } from "./features";

export type ClvFeatures = { pAlive: number; expected: number };

/** Purchase-day summary (x, t_x, T) as of the cutoff, or null without an order before it. */
export function summaryAt(c: ChurnCustomer, cutoff: number): CustomerSummary | null {
  // Distinct whole days before the cutoff: one scan when the orders come sorted (as SQL gives
  // them), a set otherwise.
  let distinct = 0;
  let first = Infinity;
  let last = -Infinity;
  let sorted = true;
  for (const o of c.orders) {
    if (!(o.day < cutoff)) continue;
    const d = Math.floor(o.day);
    if (d < last) sorted = false;
    if (d !== last) distinct++;
    if (d < first) first = d;
    if (d > last) last = d;
  }
  if (distinct === 0) return null;
  if (!sorted) distinct = new Set(c.orders.filter((o) => o.day < cutoff).map((o) => Math.floor(o.day))).size;
  const x = distinct - 1;
  return { x, tx: x > 0 ? last - first : 0, T: cutoff - first };
}

/** Per customer id, P(alive) and E[purchases in the next `horizon` days]; an empty map if the fit fails. */
export function bgnbdFeatures(
  customers: readonly ChurnCustomer[],
  cutoff: number,
  horizon: number,
): Map<string, ClvFeatures> {
  const summaries: { id: string; s: CustomerSummary }[] = [];
  for (const c of customers) {
    const s = summaryAt(c, cutoff);
    if (s) summaries.push({ id: c.id, s });
  }
  const out = new Map<string, ClvFeatures>();
  const fit = fitBgNbd(summaries.map((r) => r.s));
  if (!fit.ok) return out;
  // Customers share whole-day summaries: each distinct (x, t_x, T) is evaluated once (₂F₁ series).
  const byKey = new Map<string, ClvFeatures>();
  for (const { id, s } of summaries) {
    const key = `${s.x} ${s.tx} ${s.T}`;
    let value = byKey.get(key);
    if (!value)
      byKey.set(
        key,
        (value = {
          pAlive: probabilityAlive(fit.params, s),
          expected: conditionalExpectedPurchases(fit.params, horizon, s),
        }),
      );
    out.set(id, value);
  }
  return out;
}
