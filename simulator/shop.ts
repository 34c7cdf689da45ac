import type { CustomerInput, OrderInput, ProductInput, ShopInput } from "../emulator/resources/inputs";
import type { CollectionInput } from "../emulator/resources/collections";
import {
  simulateHistory,
  type CustomerHistory,
  type HistoryContext,
  type HistorySink,
  type SimRefund,
  type SimReview,
  minorText,
} from "./behaviour/history";
import type { SimRedemption } from "./behaviour/past-loyalty";
import { preferredShoppingHour } from "./behaviour/shopping-hour";
import { generateCatalog, productInput, type Catalog } from "./catalog/catalog";
import {
  customerInput,
  customerTables,
  drawCustomer,
  type CustomerTables,
  type SimCustomer,
} from "./customers/customers";
import { buildCalendar, DAY_MS, isoAt, type Calendar } from "./model/calendar";
import { shopParams, type ShopParams, type ShopParamsInput } from "./model/params";
import { Rng, hashString } from "./random/rng";
import { customerTruth, type CustomerTruth } from "./truth/customer-truth";

/** Everything about a shop that is not per customer. Cheap to build at any size. */
export interface ShopDefinition {
  params: ShopParams;
  calendar: Calendar;
  catalog: Catalog;
  shop: ShopInput;
  products: ProductInput[];
  /** The catalogue's collections (categories and merchandising sets) over those products. */
  collections: CollectionInput[];
  tables: CustomerTables;
}

/** One batch of consecutive customers with everything they did during history. */
export interface ShopBatch {
  fromIndex: number;
  customers: SimCustomer[];
  customerInputs: CustomerInput[];
  histories: CustomerHistory[];
  truths: CustomerTruth[];
  /** Orders in the emulator's input shape, grouped by customer (not sorted by time). */
  orders: OrderInput[];
  refunds: SimRefund[];
  reviews: SimReview[];
  /** Reward codes of the shop's past loyalty program (empty unless params.pastLoyalty). */
  redemptions: SimRedemption[];
}

export function defineShop(input: ShopParamsInput = {}): ShopDefinition {
  const params = shopParams(input);
  const calendar = buildCalendar(params);
  const catalog = generateCatalog(params, calendar);
  return {
    params,
    calendar,
    catalog,
    shop: {
      domain: params.domain,
      name: "Field & Harbor Goods",
      email: `owner@${params.domain}`,
      currencyCode: params.currency,
      ianaTimezone: "America/New_York",
      planDisplayName: "Basic",
    },
    products: catalog.products.map(productInput),
    collections: catalog.collections.map((c) => ({
      id: c.id,
      title: c.title,
      handle: c.handle,
      productIds: c.productIds,
    })),
    tables: customerTables(params, catalog),
  };
}

/**
 * Stream the shop's customers in batches. Customer i always draws from stream (seed, i), so
 * the output is identical whatever the batch size, and 1M customers never sit in memory at once.
 * Order, refund and review ids are sequence numbers in generation order. Small batches are
 * faster: the records die young, before the garbage collector promotes them.
 */
export function* customerBatches(definition: ShopDefinition, batchSize = 100): Generator<ShopBatch> {
  const { params, calendar, catalog, tables } = definition;
  const priceText = new Map<number, string>();
  for (const p of catalog.products) for (const v of p.variants) priceText.set(v.id, minorText(v.priceMinor));
  const ctx: HistoryContext = { params, calendar, catalog, priceText };
  const seed = (params.seed ^ hashString("customers")) | 0;
  const rng = new Rng(seed);
  const counters = { orderSeq: 0, refundSeq: 0, reviewSeq: 0 };
  for (let from = 0; from < params.customers; from += batchSize) {
    const to = Math.min(params.customers, from + batchSize);
    const sink: HistorySink = { orders: [], refunds: [], reviews: [], redemptions: [], ...counters };
    const batch: ShopBatch = {
      fromIndex: from,
      customers: [],
      customerInputs: [],
      histories: [],
      truths: [],
      orders: sink.orders,
      refunds: sink.refunds,
      reviews: sink.reviews,
      redemptions: sink.redemptions,
    };
    for (let i = from; i < to; i++) {
      rng.reseed(seed, i);
      const customer = drawCustomer(rng, i, params, calendar, tables);
      const history = simulateHistory(ctx, customer, rng, sink);
      const lastActivity = history.lastOrderDay ?? customer.acquiredDay;
      batch.customers.push(customer);
      batch.histories.push(history);
      batch.customerInputs.push(
        customerInput(customer, isoAt(calendar, calendar.startMs + Math.floor(lastActivity * DAY_MS))),
      );
      const truth = customerTruth(calendar, catalog, customer, history);
      const preferredHour = preferredShoppingHour(params, calendar, customer);
      batch.truths.push(preferredHour === null ? truth : { ...truth, preferredHour });
    }
    counters.orderSeq = sink.orderSeq;
    counters.refundSeq = sink.refundSeq;
    counters.reviewSeq = sink.reviewSeq;
    yield batch;
  }
}

export interface GeneratedShop extends ShopDefinition {
  customers: SimCustomer[];
  customerInputs: CustomerInput[];
  histories: CustomerHistory[];
  truths: CustomerTruth[];
  orders: OrderInput[];
  refunds: SimRefund[];
  reviews: SimReview[];
  redemptions: SimRedemption[];
}

/** The whole shop in memory: fine up to ~100k customers; stream `customerBatches` above that. */
export function generateShop(input: ShopParamsInput = {}): GeneratedShop {
  const definition = defineShop(input);
  const shop: GeneratedShop = {
    ...definition,
    customers: [],
    customerInputs: [],
    histories: [],
    truths: [],
    orders: [],
    refunds: [],
    reviews: [],
    redemptions: [],
  };
  for (const batch of customerBatches(definition)) {
    for (const key of [
      "customers",
      "customerInputs",
      "histories",
      "truths",
      "orders",
      "refunds",
      "reviews",
      "redemptions",
    ] as const) {
      const target = shop[key] as unknown[];
      for (const item of batch[key]) target.push(item);
    }
  }
  return shop;
}
