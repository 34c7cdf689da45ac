import type { Catalog } from "../catalog/catalog";
import type { SimCustomer } from "../customers/customers";
import type { CustomerHistory } from "../behaviour/history";
import { cumulativeAt, type Calendar } from "../model/calendar";
import type { Segment } from "../model/params";
import { expectedPurchasesIfAlive, probabilityAlive } from "./alive";

/** What the simulator knows about a customer at the end of history. */
export interface CustomerTruth {
  customerId: number;
  segment: Segment;
  /** The preferred shopping hour (UTC), only in shops with params.shoppingHour. */
  preferredHour?: number;
  /** false for sign-ups who never order (they have no future value by construction). */
  buyer: boolean;
  /** The realised state: has not dropped out. */
  alive: boolean;
  /** P(alive | λ, p, history): the best any model could say from the observable history. */
  pAlive: number;
  lambdaPerYear: number;
  dropoutP: number;
  meanOrderValueMinor: number;
  repeatPurchases: number;
  horizonDays: number;
  /** pAlive × E[purchases in the horizon | alive], seasonality included. */
  expectedOrders: number;
  /** expectedOrders × the customer's Gamma-Gamma mean order value (merchandise, before discounts). */
  expectedRevenueMinor: number;
  /** expectedRevenueMinor × the gross margin of the customer's preferred categories. */
  expectedMarginMinor: number;
}

export function customerTruth(
  calendar: Calendar,
  catalog: Catalog,
  customer: SimCustomer,
  history: CustomerHistory,
): CustomerTruth {
  const { latent } = customer;
  const end = calendar.historyDays;
  const horizonDays = calendar.days - end;
  const base = {
    customerId: customer.id,
    segment: customer.profile.segment,
    buyer: latent.buyer,
    lambdaPerYear: latent.lambdaPerYear,
    dropoutP: latent.dropoutP,
    meanOrderValueMinor: latent.meanOrderValueMinor,
    repeatPurchases: history.repeatPurchases,
    horizonDays,
  };
  if (!latent.buyer || history.lastOrderDay === null) {
    return {
      ...base,
      alive: false,
      pAlive: 0,
      expectedOrders: 0,
      expectedRevenueMinor: 0,
      expectedMarginMinor: 0,
    };
  }
  const sinceLast = cumulativeAt(calendar, end) - cumulativeAt(calendar, history.lastOrderDay);
  const pAlive = probabilityAlive(latent.lambdaPerYear, latent.dropoutP, history.repeatPurchases, sinceLast);
  const horizon = cumulativeAt(calendar, calendar.days) - cumulativeAt(calendar, end);
  const expectedOrders = pAlive * expectedPurchasesIfAlive(latent.lambdaPerYear, latent.dropoutP, horizon);
  let margin = 0;
  for (let c = 0; c < latent.categoryPrefs.length; c++)
    margin += latent.categoryPrefs[c]! * catalog.categoryMargin[c]!;
  const expectedRevenueMinor = expectedOrders * latent.meanOrderValueMinor;
  return {
    ...base,
    alive: !history.droppedOut,
    pAlive,
    expectedOrders,
    expectedRevenueMinor: Math.round(expectedRevenueMinor),
    expectedMarginMinor: Math.round(expectedRevenueMinor * margin),
  };
}
