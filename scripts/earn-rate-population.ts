import { fileURLToPath } from "node:url";

import { liveUnderProgram, type LifeContext, type SimMember } from "../simulator/app-life";
import { Rng, hashString } from "../simulator/random/rng";
import { customerState } from "../simulator/scenario/ground-truth";
import { loadScenario } from "../simulator/scenario/load";
import { responder } from "../simulator/scenario/respond";
import type { Scenario } from "../simulator/scenario/schema";
import { customerBatches, defineShop } from "../simulator/shop";
import { variantProgram } from "../simulator/sim";

// The earn-rate optimizer's ground truth (scenario earn-rate-curve): every buyer of the
// scenario's shop lives its truth horizon once under each candidate rate (common random
// numbers, the app's earning and redemption rules), and their outcome is the experiment's
// primary metric, net margin = net revenue × gross margin − reward cost (metrics.ts `netMargin`),
// in major units. The true curve is the population mean at each rate; the validation draws
// members from these outcomes, so a policy's reward for the k-th member it sends to a rate
// is that member's outcome under that rate.

export const GROSS_MARGIN = 0.4;

export interface RatePopulation {
  rates: number[];
  /** outcomes[arm][member]: net margin per member under the arm's rate. */
  outcomes: Float64Array[];
  /** The population mean of each arm (the true curve). */
  means: number[];
  sds: number[];
}

/**
 * The outcomes under each of the scenario's variants, or under `rates` (the first variant's
 * program at each rate: the app's own candidate grid, say).
 */
export function earnRatePopulation(
  scenario: Scenario,
  rates?: readonly number[],
  grossMargin = GROSS_MARGIN,
): RatePopulation {
  const base = scenario.variants[0]!;
  const variants = rates
    ? rates.map((rate) => ({
        ...base,
        key: `rate-${rate}`,
        program: { ...base.program, pointsPerCurrencyUnit: rate },
      }))
    : scenario.variants;
  const definition = defineShop({
    ...scenario.shop,
    horizonDays: Math.max(scenario.shop.horizonDays, scenario.truth.horizonDays),
  });
  const members: SimMember[] = [];
  for (const batch of customerBatches(definition))
    batch.customers.forEach((c, i) => {
      if (c.latent.buyer && members.length < scenario.truth.maxCustomers)
        members.push({ index: c.index, id: String(c.id), state: customerState(c, batch.histories[i]!) });
    });
  const ctx: LifeContext = {
    calendar: definition.calendar,
    days: scenario.truth.horizonDays,
    seed: definition.params.seed,
    respond: responder(scenario.response),
    rng: new Rng(hashString(scenario.name)),
  };
  const outcomes = variants.map((v) => {
    const program = variantProgram(v, definition.params.currency);
    return Float64Array.from(members, (m) => {
      const life = liveUnderProgram(ctx, m, program, { heldOut: false });
      return (life.netRevenueMinor * grossMargin - life.rewardCostMinor) / 100;
    });
  });
  const means = outcomes.map((o) => o.reduce((s, y) => s + y, 0) / o.length);
  const sds = outcomes.map((o, a) =>
    Math.sqrt(o.reduce((s, y) => s + (y - means[a]!) ** 2, 0) / Math.max(1, o.length - 1)),
  );
  return { rates: variants.map((v) => v.program.pointsPerCurrencyUnit), outcomes, means, sds };
}

export const earnRateCurveScenario = () =>
  loadScenario(fileURLToPath(new URL("../simulator/scenarios/earn-rate-curve.json", import.meta.url)));
