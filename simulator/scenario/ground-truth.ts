import type { CustomerHistory } from "../behaviour/history";
import type { SimCustomer } from "../customers/customers";
import { customerBatches, defineShop } from "../shop";
import type { CustomerTruth } from "../truth/customer-truth";
import { baselineKey, variantTruth, type PopulationMember, type VariantTruth } from "../truth/variants";
import type { CustomerState } from "./respond";
import type { Scenario } from "./schema";

export interface GroundTruthReport {
  scenario: { name: string; description: string; seed: number; baseline: string };
  shop: {
    domain: string;
    customers: number;
    buyers: number;
    orders: number;
    historyStart: string;
    historyEnd: string;
    horizonDays: number;
  };
  summary: {
    aliveShare: number;
    meanProbabilityAlive: number;
    expectedOrders: number;
    expectedRevenueMinor: number;
    expectedMarginMinor: number;
  };
  variants: VariantTruth[];
  customers: CustomerTruth[];
}

/** The state `respond` starts from for a customer at the end of history (no points yet). */
export function customerState(customer: SimCustomer, history: CustomerHistory): CustomerState {
  const { latent, profile } = customer;
  return {
    segment: profile.segment,
    alive: latent.buyer && !history.droppedOut,
    lambdaPerYear: latent.lambdaPerYear,
    dropoutP: latent.dropoutP,
    spendShape: latent.spendShape,
    spendRate: latent.spendRate,
    openRate: profile.emailConsent ? latent.openRate : 0,
    clickGivenOpen: latent.clickGivenOpen,
    pointsBalance: 0,
    tierProgressMinor: 0,
  };
}

/** Generate the scenario's shop and report the truth it used: customers and variants. */
export function groundTruth(scenario: Scenario): GroundTruthReport {
  const horizonDays = Math.max(scenario.shop.horizonDays, scenario.truth.horizonDays);
  const definition = defineShop({ ...scenario.shop, horizonDays });
  const customers: CustomerTruth[] = [];
  const population: PopulationMember[] = [];
  let orders = 0;
  for (const batch of customerBatches(definition)) {
    orders += batch.orders.length;
    batch.truths.forEach((t) => customers.push(t));
    batch.customers.forEach((c, i) => {
      if (c.latent.buyer && population.length < scenario.truth.maxCustomers)
        population.push({ index: c.index, state: customerState(c, batch.histories[i]!) });
    });
  }
  const buyers = customers.filter((t) => t.buyer);
  const sum = (f: (t: CustomerTruth) => number) => buyers.reduce((s, t) => s + f(t), 0);
  const { calendar, params } = definition;
  return {
    scenario: {
      name: scenario.name,
      description: scenario.description,
      seed: params.seed,
      baseline: baselineKey(scenario),
    },
    shop: {
      domain: params.domain,
      customers: customers.length,
      buyers: buyers.length,
      orders,
      historyStart: new Date(calendar.startMs).toISOString(),
      historyEnd: new Date(calendar.endMs).toISOString(),
      horizonDays,
    },
    summary: {
      aliveShare: sum((t) => (t.alive ? 1 : 0)) / Math.max(1, buyers.length),
      meanProbabilityAlive: sum((t) => t.pAlive) / Math.max(1, buyers.length),
      expectedOrders: sum((t) => t.expectedOrders),
      expectedRevenueMinor: sum((t) => t.expectedRevenueMinor),
      expectedMarginMinor: sum((t) => t.expectedMarginMinor),
    },
    variants: variantTruth(scenario, population, calendar),
    customers,
  };
}
