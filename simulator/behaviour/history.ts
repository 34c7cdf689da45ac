import type { OrderInput } from "../../emulator/resources/inputs";
import type { OrderRecord } from "../../emulator/resources/records";
import type { RefundSpec } from "../../emulator/webhook-payloads";
import type { Catalog, SimProduct } from "../catalog/catalog";
import type { SimCustomer } from "../customers/customers";
import { cumulativeAt, DAY_MS, isoAt, timeAtCumulative, timeOfDayMs, type Calendar } from "../model/calendar";
import type { ShopParams } from "../model/params";
import type { Rng } from "../random/rng";
import { binomial, categorical, exponential, gamma, normal, poisson } from "../random/samplers";
import { PastLoyalty, type SimRedemption } from "./past-loyalty";
import { reviewText } from "./review-text";
import { ShoppingHour } from "./shopping-hour";

export const ORDER_ID_BASE = 5_900_000_000_000;
export const REFUND_ID_BASE = 1_020_000_000_000;
export const REVIEW_ID_BASE = 300_000_000;

export interface SimRefundLine {
  /** Index into the order's lineItems (the emulator assigns line ids). */
  lineIndex: number;
  quantity: number;
  /** Merchandise refunded after the line's discount share, before tax. */
  subtotalMinor: number;
  taxMinor: number;
}

export interface SimRefund {
  id: number;
  orderId: number;
  customerId: number;
  createdAt: string;
  /** A return with restocking, or a refund without one (damaged, lost, goodwill). */
  restock: boolean;
  lines: SimRefundLine[];
  shippingMinor: number;
  totalMinor: number;
}

export interface SimReview {
  id: number;
  customerId: number;
  orderId: number;
  productId: number;
  rating: number;
  title: string;
  body: string;
  createdAt: string;
}

export interface CustomerHistory {
  orders: number;
  /** BG/NBD's x: purchases after the first. */
  repeatPurchases: number;
  firstOrderDay: number | null;
  lastOrderDay: number | null;
  revenueMinor: number;
  refundedMinor: number;
  droppedOut: boolean;
  dropoutDay: number | null;
  emails: { received: number; opened: number; clicked: number; receivedLast90: number; openedLast90: number };
}

/** Where a customer's records go; sequence numbers make every id deterministic. */
export interface HistorySink {
  orders: OrderInput[];
  refunds: SimRefund[];
  reviews: SimReview[];
  /** Reward codes of the shop's past loyalty program (params.pastLoyalty), when it had one. */
  redemptions: SimRedemption[];
  orderSeq: number;
  refundSeq: number;
  reviewSeq: number;
}

export interface HistoryContext {
  params: ShopParams;
  calendar: Calendar;
  catalog: Catalog;
  /** Price text per variant id, formatted once. */
  priceText: Map<number, string>;
}

const MAX_LINES = 6;
const lineVariant = new Int32Array(MAX_LINES);
const lineProduct = new Int32Array(MAX_LINES);
const lineQuantity = new Int32Array(MAX_LINES);
const linePrice = new Float64Array(MAX_LINES);

/** Simulate one customer's purchases, refunds, reviews and email engagement over history. */
export function simulateHistory(
  ctx: HistoryContext,
  c: SimCustomer,
  rng: Rng,
  sink: HistorySink,
): CustomerHistory {
  const { calendar } = ctx;
  const end = calendar.historyDays;
  const history: CustomerHistory = {
    orders: 0,
    repeatPurchases: 0,
    firstOrderDay: null,
    lastOrderDay: null,
    revenueMinor: 0,
    refundedMinor: 0,
    droppedOut: false,
    dropoutDay: null,
    emails: { received: 0, opened: 0, clicked: 0, receivedLast90: 0, openedLast90: 0 },
  };
  const past = ctx.params.pastLoyalty;
  const loyalty = past ? new PastLoyalty(past, ctx.params.seed, c.id) : null;
  const clock = ctx.params.shoppingHour
    ? new ShoppingHour(calendar, ctx.params.seed, c, ctx.params.shoppingHour)
    : null;
  if (c.latent.buyer) {
    const lambda = c.latent.lambdaPerYear;
    let t = c.acquiredDay;
    for (let first = true; ; first = false) {
      const dropsOut = !first && rng.chance(c.latent.dropoutP);
      placeOrder(ctx, c, rng, sink, history, t, first, dropsOut, loyalty, clock);
      if (dropsOut) break;
      const next = timeAtCumulative(
        calendar,
        cumulativeAt(calendar, t) + exponential(rng, lambda),
        Math.floor(t),
      );
      if (next >= end) break;
      t = next;
    }
  }
  emailEngagement(ctx, c, rng, history);
  return history;
}

function placeOrder(
  ctx: HistoryContext,
  c: SimCustomer,
  rng: Rng,
  sink: HistorySink,
  history: CustomerHistory,
  t: number,
  first: boolean,
  dropsOut: boolean,
  loyalty: PastLoyalty | null,
  clock: ShoppingHour | null,
): void {
  const { calendar, catalog, params } = ctx;
  const day = Math.floor(t);
  const createdMs =
    calendar.startMs + day * DAY_MS + (clock ? clock.timeOfDayMs(t - day) : timeOfDayMs(calendar, t - day));
  const createdAt = isoAt(calendar, createdMs);

  // Basket: a Gamma-Gamma order value split over lines from preferred categories.
  const targetMinor = gamma(rng, c.latent.spendShape, 1 / c.latent.spendRate) * 100;
  const wanted = 1 + Math.min(MAX_LINES - 1, poisson(rng, 0.45));
  let lines = 0;
  let subtotal = 0;
  for (let i = 0; i < wanted; i++) {
    const ladder = catalog.ladders[categorical(rng, c.preferenceSums)]!;
    const share = targetMinor / wanted;
    const k = nearest(ladder.prices, share, rng);
    const price = ladder.prices[k]!;
    const quantity = Math.max(1, Math.min(10, Math.round(share / price)));
    const variant = ladder.variant[k]!;
    const product = ladder.product[k]!;
    let merged = false;
    for (let j = 0; j < lines; j++) {
      if (lineProduct[j] === product && lineVariant[j] === variant) {
        lineQuantity[j]! += quantity;
        merged = true;
      }
    }
    if (!merged) {
      lineProduct[lines] = product;
      lineVariant[lines] = variant;
      lineQuantity[lines] = quantity;
      linePrice[lines] = price;
      lines++;
    }
    subtotal += price * quantity;
  }

  // A reward code replaces the marketing code (they do not combine); the marketing draw
  // still happens, so the rest of the customer's history is the same either way.
  const marketing = chooseDiscount(ctx, c, rng, day, first);
  const reward = loyalty?.redeem(t, subtotal) ?? null;
  const discount = reward ? null : marketing;
  const discountMinor = reward
    ? reward.amountMinor
    : discount
      ? Math.round((subtotal * discount.percent) / 100)
      : 0;
  const net = subtotal - discountMinor;
  const shippingMinor =
    net >= params.shipping.freeAboveMinor
      ? 0
      : c.profile.domestic
        ? params.shipping.flatMinor
        : params.shipping.internationalMinor;
  const taxMinor = Math.round(net * c.profile.taxRate);

  const lineItems: OrderInput["lineItems"] = new Array(lines);
  for (let j = 0; j < lines; j++) {
    const product = catalog.products[lineProduct[j]!] as SimProduct;
    const variant = product.variants[lineVariant[j]!]!;
    lineItems[j] = {
      title: product.title,
      quantity: lineQuantity[j]!,
      unitPrice: ctx.priceText.get(variant.id)!,
      sku: variant.sku,
      productId: product.id,
      variantId: variant.id,
      variantTitle: variant.title === "Default Title" ? null : variant.title,
    };
  }

  sink.orderSeq++;
  const orderId = ORDER_ID_BASE + sink.orderSeq;
  let financialStatus: OrderInput["financialStatus"] = "PAID";
  let updatedMs = createdMs;
  const end = calendar.historyDays;

  if (rng.chance(c.latent.refundPropensity)) {
    const refundDay = t + 4 + rng.float() * 26;
    if (refundDay < end) {
      const refund = buildRefund(
        ctx,
        c,
        rng,
        sink,
        orderId,
        refundDay,
        lines,
        subtotal,
        discountMinor,
        shippingMinor,
      );
      financialStatus =
        refund.lines.length === lines && refund.shippingMinor === shippingMinor
          ? "REFUNDED"
          : "PARTIALLY_REFUNDED";
      updatedMs = Date.parse(refund.createdAt);
      history.refundedMinor += refund.totalMinor;
      sink.refunds.push(refund);
    }
  }

  if (rng.chance(c.latent.reviewPropensity)) {
    const reviewDay = t + 5 + rng.float() * 20;
    let top = 0;
    for (let j = 1; j < lines; j++) if (linePrice[j]! > linePrice[top]!) top = j;
    const product = catalog.products[lineProduct[top]!] as SimProduct;
    const mean =
      4.35 +
      product.quality -
      0.45 * c.latent.dissatisfaction -
      (dropsOut ? 1.7 : 0) -
      (financialStatus === "PAID" ? 0 : 0.9);
    const rating = Math.max(1, Math.min(5, Math.round(normal(rng, mean, 0.75))));
    const text = reviewText(rng, rating, product.title);
    if (reviewDay < end) {
      sink.reviewSeq++;
      sink.reviews.push({
        id: REVIEW_ID_BASE + sink.reviewSeq,
        customerId: c.id,
        orderId,
        productId: product.id,
        rating,
        title: text.title,
        body: text.body,
        createdAt: isoAt(calendar, calendar.startMs + reviewDay * DAY_MS),
      });
    }
  }

  loyalty?.earn(t, net, financialStatus !== "PAID");
  if (reward)
    sink.redemptions.push({
      orderId,
      customerId: c.id,
      code: reward.code,
      amountMinor: reward.amountMinor,
      pointsCost: reward.pointsCost,
      at: createdAt,
    });
  const iso = updatedMs === createdMs ? createdAt : isoAt(calendar, updatedMs);
  sink.orders.push({
    id: orderId,
    name: `#${1000 + sink.orderSeq}`,
    email: c.email,
    customerId: c.id,
    createdAt,
    processedAt: createdAt,
    updatedAt: iso,
    cancelledAt: null,
    financialStatus,
    fulfillmentStatus: end - t > 3 ? "FULFILLED" : "UNFULFILLED",
    currencyCode: params.currency,
    discountCodes: reward
      ? [{ code: reward.code, amount: minorText(discountMinor) }]
      : discount
        ? [{ code: discount.code, amount: minorText(discountMinor) }]
        : [],
    lineItems,
    shippingPrice: minorText(shippingMinor),
    taxPrice: minorText(taxMinor),
    tags: [],
    test: false,
    sourceName: "web",
  });

  history.orders++;
  if (!first) history.repeatPurchases++;
  history.firstOrderDay ??= t;
  history.lastOrderDay = t;
  history.revenueMinor += net + shippingMinor + taxMinor;
  if (dropsOut) {
    history.droppedOut = true;
    history.dropoutDay = t;
  }
}

function buildRefund(
  ctx: HistoryContext,
  c: SimCustomer,
  rng: Rng,
  sink: HistorySink,
  orderId: number,
  day: number,
  lines: number,
  subtotal: number,
  discountMinor: number,
  shippingMinor: number,
): SimRefund {
  const full = rng.chance(ctx.params.fullRefundShare);
  const chosen: number[] = [];
  if (full) for (let j = 0; j < lines; j++) chosen.push(j);
  else {
    let total = 0;
    for (let j = 0; j < lines; j++) total += returnWeight(ctx, j);
    let target = rng.float() * total;
    let pick = lines - 1;
    for (let j = 0; j < lines; j++) {
      target -= returnWeight(ctx, j);
      if (target < 0) {
        pick = j;
        break;
      }
    }
    chosen.push(pick);
  }
  const refundLines = chosen.map((j) => {
    const value = linePrice[j]! * lineQuantity[j]!;
    const share = subtotal > 0 ? Math.round((discountMinor * value) / subtotal) : 0;
    const subtotalMinor = value - share;
    return {
      lineIndex: j,
      quantity: lineQuantity[j]!,
      subtotalMinor,
      taxMinor: Math.round(subtotalMinor * c.profile.taxRate),
    };
  });
  const refundShipping = full ? shippingMinor : 0;
  sink.refundSeq++;
  return {
    id: REFUND_ID_BASE + sink.refundSeq,
    orderId,
    customerId: c.id,
    createdAt: isoAt(ctx.calendar, ctx.calendar.startMs + day * DAY_MS),
    restock: rng.chance(0.7),
    lines: refundLines,
    shippingMinor: refundShipping,
    totalMinor: refundLines.reduce((s, l) => s + l.subtotalMinor + l.taxMinor, refundShipping),
  };
}

function returnWeight(ctx: HistoryContext, line: number): number {
  const product = ctx.catalog.products[lineProduct[line]!] as SimProduct;
  return ctx.catalog.categories[product.category]!.returnWeight;
}

const SEASONAL_CODES: Array<{ months: number[]; code: string; percent: number }> = [
  { months: [2, 3, 4], code: "SPRING15", percent: 15 },
  { months: [5, 6, 7], code: "SUMMER15", percent: 15 },
];

function chooseDiscount(
  ctx: HistoryContext,
  c: SimCustomer,
  rng: Rng,
  day: number,
  first: boolean,
): { code: string; percent: number } | null {
  const propensity = c.latent.discountPropensity;
  let bf = false;
  for (const d of ctx.calendar.blackFridays) if (day >= d && day <= d + 3) bf = true;
  if (bf) return rng.chance(Math.min(0.9, propensity * 4)) ? { code: "BFCM25", percent: 25 } : null;
  if (first && rng.chance(Math.min(0.9, propensity * 2.5))) return { code: "WELCOME10", percent: 10 };
  if (!rng.chance(propensity)) return null;
  const month = new Date(ctx.calendar.startMs + day * DAY_MS).getUTCMonth();
  let seasonal: (typeof SEASONAL_CODES)[number] | undefined;
  for (const s of SEASONAL_CODES) if (s.months.includes(month)) seasonal = s;
  if (seasonal && rng.chance(0.6)) return { code: seasonal.code, percent: seasonal.percent };
  return rng.chance(0.7) ? { code: "SAVE10", percent: 10 } : { code: "FRIENDS20", percent: 20 };
}

/** Index of a ladder price near `target`, jittered among close neighbours for variety. */
function nearest(prices: Float64Array, target: number, rng: Rng): number {
  let lo = 0;
  let hi = prices.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (prices[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && (lo === prices.length || target - prices[lo - 1]! < prices[lo]! - target)) lo--;
  const k = lo + rng.int(3) - 1;
  return Math.max(0, Math.min(prices.length - 1, k));
}

export function minorText(minor: number): string {
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  const cents = abs % 100;
  return `${sign}${(abs - cents) / 100}.${cents < 10 ? "0" : ""}${cents}`;
}

function emailEngagement(ctx: HistoryContext, c: SimCustomer, rng: Rng, history: CustomerHistory): void {
  if (!c.profile.emailConsent) return;
  const { calendar, params } = ctx;
  const sends = calendar.campaignsBefore;
  const end = calendar.historyDays;
  const from = Math.min(end, Math.ceil(c.acquiredDay));
  const last90 = Math.max(from, end - 90);
  const dead = history.dropoutDay === null ? end : Math.min(end, Math.ceil(history.dropoutDay));
  const open = c.latent.openRate;
  const openDead = open * params.email.openFactorAfterDropout;
  // Four spans: before/after the last 90 days, alive/dropped out.
  const spans: Array<[number, number, number, boolean]> = [
    [from, Math.min(last90, dead), open, false],
    [Math.max(from, dead), last90, openDead, false],
    [last90, Math.max(last90, dead), open, true],
    [Math.max(last90, dead), end, openDead, true],
  ];
  for (const [a, b, rate, recent] of spans) {
    const n = b > a ? sends[b]! - sends[a]! : 0;
    if (n === 0) continue;
    const opened = binomial(rng, n, rate);
    history.emails.received += n;
    history.emails.opened += opened;
    history.emails.clicked += binomial(rng, opened, c.latent.clickGivenOpen);
    if (recent) {
      history.emails.receivedLast90 += n;
      history.emails.openedLast90 += opened;
    }
  }
}

/** The emulator's refund spec for a generated refund, once the order is in the store (it assigns line ids). */
export function refundSpec(refund: SimRefund, order: OrderRecord): RefundSpec {
  return {
    id: refund.id,
    createdAt: refund.createdAt,
    note: refund.restock ? "Return" : "Refund without return",
    lines: refund.lines.map((line) => {
      const item = order.lineItems[line.lineIndex];
      if (!item) throw new Error(`order ${order.name} has no line ${line.lineIndex}`);
      return { lineItemId: item.legacyId, quantity: line.quantity };
    }),
    shippingMinor: refund.shippingMinor,
  };
}
