import { z } from "zod";

// Everything that shapes a generated shop. Defaults describe a mid-sized direct-to-consumer
// store; every number is a parameter so tests and scenarios can state the truth they need.

const probability = z.number().min(0).max(1);
const positive = z.number().positive();
const isoInstant = z.iso.datetime({
  offset: true,
  error: "Use an ISO date-time such as 2026-11-01T00:00:00Z.",
});

export const SEGMENTS = ["dealSeeker", "loyalist", "casual", "engaged"] as const;
export type Segment = (typeof SEGMENTS)[number];

export const shopParamsSchema = z.strictObject({
  seed: z.int().default(20261101),
  customers: z.int().min(1).max(1_000_000).default(20_000),
  products: z.int().min(20).max(5_000).default(240),
  domain: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, { error: "Use <name>.myshopify.com." })
    .default("demo-loyalty.myshopify.com"),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default("USD"),
  /** The end of history ("now" for the generated shop). Fixed by default so output never depends on the clock. */
  historyEnd: isoInstant.default("2026-11-01T00:00:00Z"),
  historyMonths: z.int().min(1).max(60).default(18),
  /** Days after historyEnd covered by the ground truth's expected future value. */
  horizonDays: z.int().min(1).max(1_095).default(365),
  /** Share of customers with an account who never order (newsletter sign-ups). */
  prospectShare: probability.default(0.15),
  /** Customers acquired per day at the end of history relative to the start. */
  acquisitionGrowth: positive.default(1.8),
  /** BG/NBD: purchase rate λ (per year, seasonally averaged) ~ Gamma(shape r, rate α). */
  purchase: z.strictObject({ r: positive.default(1.4), alpha: positive.default(0.5) }).prefault({}),
  /** BG/NBD: after each repeat purchase the customer drops out with p ~ Beta(a, b). */
  dropout: z.strictObject({ a: positive.default(1.3), b: positive.default(4.2) }).prefault({}),
  /** Gamma-Gamma, in major currency units: order value ~ Gamma(p, rate ν), ν ~ Gamma(q, rate γ). */
  spend: z
    .strictObject({ p: positive.default(6), q: positive.min(1.01).default(4), gamma: positive.default(40) })
    .prefault({}),
  /** Dirichlet concentration of each customer's category preferences (lower = more focused). */
  categoryConcentration: positive.default(0.6),
  /** Mean share of a customer's orders that get a refund (per-customer Beta around it). */
  refundRate: probability.default(0.08),
  /** Share of refunds that refund the whole order (the rest refund one line). */
  fullRefundShare: probability.default(0.35),
  /** Mean share of orders with a discount code outside sale periods. */
  discountRate: probability.default(0.14),
  /**
   * A loyalty program the shop ran before the app (history mode): members earn points on
   * their orders and pay some later orders with a reward code (`codePrefix` and 8
   * characters), which the app's backfill imports as past redemptions. Off unless given.
   */
  /**
   * Customers with a preferred shopping hour: each has one (drawn from the shop's intraday
   * curve), and a `share` of their orders fall near it (normal, `spreadHours` wide); the rest
   * follow the shop's curve. Drawn on its own stream, so only order clock times change.
   * Off unless given (existing scenarios keep their orders).
   */
  shoppingHour: z
    .strictObject({ share: probability.default(0.6), spreadHours: positive.default(1.5) })
    .optional(),
  pastLoyalty: z
    .strictObject({
      codePrefix: z
        .string()
        .regex(/^[A-Z0-9][A-Z0-9_-]{1,39}$/)
        .default("REWARD-"),
      /** Points per major currency unit of merchandise after discounts. */
      pointsPerUnit: positive.default(1),
      /** Days before an order's points may be spent (the return window). */
      pendingDays: z.int().min(0).default(30),
      /** Chance that a customer who can afford a reward uses one on an order. */
      redeemChance: probability.default(0.45),
      rewards: z
        .array(
          z.strictObject({
            amountMinor: z.int().positive(),
            pointsCost: z.int().positive(),
            minimumSubtotalMinor: z.int().min(0).default(0),
          }),
        )
        .min(1)
        .default([
          // The demo program's rewards (simulator/history.ts demoProgram).
          { amountMinor: 500, pointsCost: 200, minimumSubtotalMinor: 0 },
          { amountMinor: 1_500, pointsCost: 500, minimumSubtotalMinor: 5_000 },
        ]),
    })
    .nullable()
    .default(null),
  /** Mean share of orders followed by a product review. */
  reviewRate: probability.default(0.1),
  shipping: z
    .object({
      flatMinor: z.int().min(0).default(695),
      internationalMinor: z.int().min(0).default(1495),
      freeAboveMinor: z.int().min(0).default(7500),
    })
    .prefault({}),
  email: z
    .object({
      consentRate: probability.default(0.62),
      smsConsentRate: probability.default(0.22),
      campaignsPerMonth: positive.max(31).default(6),
      /** Opens per delivered campaign ~ Beta with this mean (concentration 6). */
      meanOpenRate: probability.default(0.3),
      meanClickGivenOpen: probability.default(0.15),
      /** After dropping out, a customer opens this fraction as often. */
      openFactorAfterDropout: probability.default(0.35),
    })
    .prefault({}),
  seasonality: z
    .object({
      /** January..December multipliers of the purchase rate (normalised to mean 1 over a year). */
      monthly: z
        .array(positive)
        .length(12)
        .default([0.85, 0.8, 0.9, 0.95, 1, 0.95, 0.9, 0.95, 1, 1.05, 1.3, 1.45]),
      /** Monday..Sunday multipliers. */
      weekday: z.array(positive).length(7).default([1.06, 1.02, 1.0, 1.02, 0.97, 0.9, 1.03]),
      blackFriday: positive.default(3.2),
      cyberMonday: positive.default(2.4),
      /** Black Friday weekend (Saturday and Sunday). */
      peakWeekend: positive.default(1.7),
    })
    .prefault({}),
  /** Relative weights of the segments (normalised). */
  segmentShares: z
    .strictObject({
      dealSeeker: positive.default(0.25),
      loyalist: positive.default(0.2),
      casual: positive.default(0.4),
      engaged: positive.default(0.15),
    })
    .prefault({}),
});

export type ShopParamsInput = z.input<typeof shopParamsSchema>;
export type ShopParams = z.output<typeof shopParamsSchema>;

export function shopParams(input: ShopParamsInput = {}): ShopParams {
  return shopParamsSchema.parse(input);
}
