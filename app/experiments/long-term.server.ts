import type { Prisma, PrismaClient } from "~/db.server";
import type { BgNbdParams } from "~/intelligence/clv/bgnbd";
import type { GammaGammaParams } from "~/intelligence/clv/gamma-gamma";
import { minorUnitsPerMajor } from "~/loyalty/money";
import { lifetimeValueChange, type RfmSummary, type SurrogateModel } from "./long-term";
import { COUNTED_ORDER_SQL, PLACED_AT_SQL } from "./metrics";

// Loads what the long-term objective (`longTermValue`, ADR 0043) reads:
// the shop's current lifetime-value model and, per exposed member, the change in predicted
// lifetime value from their exposure to the analysis instant (long-term.ts). The metric's
// SQL (metrics.server.ts) joins the changes as the member fact `dclv`.

type Db = PrismaClient | Prisma.TransactionClient;

export type SurrogateModelOutcome = { ok: true; model: SurrogateModel } | { ok: false; reason: string };

/** Why the long-term objective cannot be computed for a shop without a usable fit (the 422s and the report's notice say it). */
export const NO_MODEL_REASON =
  "Long-term value needs this shop's lifetime-value model, and none has been fitted yet: compute it on the Lifetime value page first.";

/** The shop's latest successful lifetime-value fit with a spend model, or why there is none. */
export async function loadSurrogateModel(db: Db, shop: string): Promise<SurrogateModelOutcome> {
  const fit = await db.lifetimeValueFit.findFirst({
    where: { shop, status: "fitted" },
    orderBy: { createdAt: "desc" },
    select: { id: true, purchaseParams: true, spendParams: true, spendReason: true, currencyCode: true },
  });
  if (!fit?.purchaseParams) return { ok: false, reason: NO_MODEL_REASON };
  const spend = fit.spendParams as GammaGammaParams | null;
  if (!spend)
    return {
      ok: false,
      reason: `Long-term value needs the lifetime-value model's spend part, which the latest fit could not estimate${fit.spendReason ? ` (${fit.spendReason})` : ""}.`,
    };
  if (!(spend.q > 1))
    return {
      ok: false,
      reason:
        "The lifetime-value model's spend part predicts an unbounded mean spend (q ≤ 1): refit it with more history.",
    };
  return {
    ok: true,
    model: {
      fitId: fit.id,
      purchases: fit.purchaseParams as BgNbdParams,
      spend,
      minorPerMajor: minorUnitsPerMajor(fit.currencyCode ?? "USD"),
    },
  };
}

/** Per exposed member with a purchase before `asOf`: predicted lifetime value now minus at exposure (minor units). */
export interface SurrogateChanges {
  customerIds: string[];
  changes: number[];
}

export const NO_SURROGATE: SurrogateChanges = { customerIds: [], changes: [] };

/** The summary columns as of the cut-off `cut` (an SQL expression), named with `p`. */
const columnsAt = (cut: string, p: string) => `
         count(*) FILTER (WHERE at < ${cut})::int AS "${p}days",
         round(extract(epoch FROM max(at) FILTER (WHERE at < ${cut}) - min(at)) / 3600)::float8 / 24 AS "${p}tx",
         round(extract(epoch FROM ${cut} - min(at)) / 3600)::float8 / 24 AS "${p}T",
         COALESCE((sum(net) FILTER (WHERE at < ${cut}) - (min(ARRAY[extract(epoch FROM at)::float8, net::float8]))[2])
                  / NULLIF(count(*) FILTER (WHERE at < ${cut}) - 1, 0), 0)::float8 AS "${p}spend"`;

/**
 * Each exposed member's RFM summary at exposure and at `asOf`, as the lifetime-value fit
 * builds them (app/intelligence/clv/summaries.server.ts): counted orders in the shop's
 * currency net of refunds processed before `asOf`, same-day orders one purchase (a day split at
 * the exposure instant, so nothing after exposure enters the first summary), times in days
 * from the first purchase rounded to the hour. Only members with a purchase before `asOf`.
 * $1 shop, $2 experiment, $3 as-of, $4 currency, $5 time zone.
 */
const SUMMARIES_SQL = `
  WITH x AS (
    SELECT "customerId", "exposedAt" FROM "ExperimentExposure"
    WHERE "shop" = $1 AND "experimentId" = $2::uuid AND "exposedAt" < $3
  ),
  rf AS (
    SELECT "orderId", sum("totalMinor") AS refunded FROM "Refund"
    WHERE "shop" = $1 AND COALESCE("processedAt", "shopifyCreatedAt", '-infinity') < $3::timestamp
    GROUP BY "orderId"
  ),
  o AS (
    SELECT x."customerId" AS c, x."exposedAt" AS e, ${PLACED_AT_SQL} AS at,
           o."totalMinor" - COALESCE(rf.refunded, 0) AS net
    FROM x JOIN "Order" o ON o."shop" = $1 AND o."customerId" = x."customerId"
    LEFT JOIN rf ON rf."orderId" = o."id"
    WHERE ${COUNTED_ORDER_SQL} AND o."currencyCode" = $4 AND ${PLACED_AT_SQL} < $3::timestamp
  ),
  d AS (
    SELECT c, e, min(at) AS at, sum(net) AS net FROM o WHERE net > 0
    GROUP BY c, e, (at AT TIME ZONE 'UTC' AT TIME ZONE $5::text)::date, at < e
  )
  SELECT c::text AS "customerId", ${columnsAt("e", "e_")}, ${columnsAt("$3::timestamp", "n_")}
  FROM d GROUP BY c, e`;

type SummaryRow = { customerId: string } & Record<`${"e" | "n"}_${"days" | "tx" | "T" | "spend"}`, number>;

function summaryOf(r: SummaryRow, p: "e" | "n"): RfmSummary | null {
  const days = r[`${p}_days`];
  if (!days) return null;
  return { x: days - 1, tx: r[`${p}_tx`] ?? 0, T: r[`${p}_T`], spendMinor: r[`${p}_spend`] };
}

/** The changes in predicted lifetime value of an experiment's exposed members as of `asOf`. */
export async function surrogateChanges(
  db: Db,
  shop: string,
  experimentId: string,
  asOf: Date,
  model: SurrogateModel,
): Promise<SurrogateChanges> {
  const s = await db.shop.findUnique({
    where: { domain: shop },
    select: { currencyCode: true, ianaTimezone: true },
  });
  const rows = await db.$queryRawUnsafe<SummaryRow[]>(
    SUMMARIES_SQL,
    shop,
    experimentId,
    asOf,
    s?.currencyCode ?? "USD",
    s?.ianaTimezone ?? "UTC",
  );
  const out: SurrogateChanges = { customerIds: [], changes: [] };
  for (const r of rows) {
    out.customerIds.push(r.customerId);
    out.changes.push(lifetimeValueChange(model, summaryOf(r, "e"), summaryOf(r, "n")));
  }
  return out;
}

/** Loads the model and the changes; throws with the reason when the shop has no usable model. */
export async function requireSurrogateChanges(
  db: Db,
  shop: string,
  experimentId: string,
  asOf: Date,
): Promise<SurrogateChanges> {
  const loaded = await loadSurrogateModel(db, shop);
  if (!loaded.ok) throw new LongTermValueUnavailable(loaded.reason);
  return surrogateChanges(db, shop, experimentId, asOf, loaded.model);
}

export class LongTermValueUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "LongTermValueUnavailable";
  }
}
