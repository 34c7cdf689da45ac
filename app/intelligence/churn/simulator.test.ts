import { describe, expect, it } from "vitest";

import { generateShop } from "../../../simulator/index";
import { bgnbdFeatures } from "./clv-features";
import { auc } from "./evaluate";
import { buildDataset, FEATURES } from "./features";
import { evaluateChurn, fitChurnModel } from "./model";
import { churnCustomers, oracleScores, simulatedEngagement } from "./simulator-testing";

// A 20,000-customer simulator shop, 18 months of history. Time split with a 90-day horizon:
// train on features as of end − 180 days (label: no order in the 90 days after), test on
// features as of end − 90 (label: no order in the last 90 days of history).

const HORIZON = 90;
const shop = generateShop({ seed: 11, customers: 20_000 });
const customers = churnCustomers(shop);
const end = shop.calendar.historyDays;
const train = buildDataset(customers, end - 2 * HORIZON, HORIZON);
const test = buildDataset(customers, end - HORIZON, HORIZON);
const truthById = new Map(shop.truths.map((t) => [String(t.customerId), t]));
const bgnbd = bgnbdFeatures(customers, test.cutoff, HORIZON);
const expected = FEATURES.indexOf("logExpectedPurchases");
const customerById = new Map(customers.map((c) => [c.id, c]));

describe("churn model on a simulator shop (time holdout)", () => {
  const fit = fitChurnModel(train);
  if (!fit.ok) throw new Error(fit.reason);
  const model = fit.model;
  const evaluation = evaluateChurn(model, test);
  const positive = (i: number) => test.y[i] === 1;
  const oracle = test.ids.map((id) =>
    oracleScores(shop, customerById.get(id)!, test.cutoff, HORIZON, truthById.get(id)!),
  );
  const figures = {
    model: evaluation.auc!,
    recency: auc(test.X.map((x, i) => ({ score: x[0]!, positive: positive(i) })))!,
    // BG/NBD alone (fitted at the cutoff on the same customers): 1 − P(alive), and fewest expected orders.
    bgnbdDead: auc(test.ids.map((id, i) => ({ score: 1 - bgnbd.get(id)!.pAlive, positive: positive(i) })))!,
    bgnbdExpected: auc(test.X.map((x, i) => ({ score: -x[expected]!, positive: positive(i) })))!,
    oracleDead: auc(oracle.map((o, i) => ({ score: o.dead, positive: positive(i) })))!,
    oracleNoOrder: auc(oracle.map((o, i) => ({ score: o.noOrder, positive: positive(i) })))!,
  };

  it("reports AUC next to the naive recency baseline and the oracle", () => {
    console.log(
      `churn holdout: ${train.X.length} train / ${test.X.length} test rows, churn rate ${evaluation.churnRate.toFixed(3)}; ` +
        `AUC model ${figures.model.toFixed(3)}, recency ${figures.recency.toFixed(3)}, ` +
        `BG/NBD 1−P(alive) ${figures.bgnbdDead.toFixed(3)}, BG/NBD expected orders ${figures.bgnbdExpected.toFixed(3)}, ` +
        `oracle 1−P(alive) ${figures.oracleDead.toFixed(3)}, oracle P(no order) ${figures.oracleNoOrder.toFixed(3)}; ` +
        `at threshold ${model.threshold.toFixed(3)}: precision ${evaluation.atThreshold.precision.toFixed(3)}, ` +
        `recall ${evaluation.atThreshold.recall.toFixed(3)}, F1 ${evaluation.atThreshold.f1.toFixed(3)}; absent: ${model.absent.join(", ")}`,
    );
    console.table(
      evaluation.calibration.map((b) => ({
        ...b,
        predicted: +b.predicted.toFixed(3),
        observed: +b.observed.toFixed(3),
      })),
    );
    // Measured (seed 11): model 0.665, recency 0.643, BG/NBD expected orders 0.664, BG/NBD and
    // oracle 1 − P(alive) 0.568 / 0.572 (one-order buyers are all "alive": a huge tie), oracle
    // P(no order in the window) 0.776 — the ceiling, which knows each customer's λ and p.
    expect(figures.model).toBeGreaterThan(figures.recency + 0.01);
    expect(figures.model).toBeGreaterThan(figures.bgnbdExpected - 0.01);
    expect(figures.model).toBeLessThan(figures.oracleNoOrder);
  });

  it("measures what email engagement adds (drawn per send from the simulator's latent open rates)", () => {
    const engagement = simulatedEngagement(shop, 11);
    const engaged = customers.map((c) => ({ ...c, engagement: engagement.get(c.id) ?? [] }));
    const fitted = fitChurnModel(buildDataset(engaged, end - 2 * HORIZON, HORIZON));
    if (!fitted.ok) throw new Error(fitted.reason);
    const withEngagement = evaluateChurn(fitted.model, buildDataset(engaged, end - HORIZON, HORIZON)).auc!;
    console.log(
      `churn holdout with email engagement: AUC ${withEngagement.toFixed(3)} (without ${figures.model.toFixed(3)}; ` +
        `recency ${figures.recency.toFixed(3)}, oracle ${figures.oracleNoOrder.toFixed(3)}); absent: ${fitted.model.absent.join(", ")}`,
    );
    // Measured (seed 11): 0.671 with engagement against 0.666 without (open rate and its change carry it).
    expect(withEngagement).toBeGreaterThan(figures.model);
    expect(withEngagement).toBeLessThan(figures.oracleNoOrder);
  }, 60_000);

  it("is calibrated on the later cutoff: every decile's mean prediction within 0.08 of its observed rate", () => {
    for (const bin of evaluation.calibration)
      expect(Math.abs(bin.predicted - bin.observed)).toBeLessThan(0.08);
  });
});
