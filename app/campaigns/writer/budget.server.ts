import type { PrismaClient } from "~/db.server";
import { costMicros, type ModelPrice } from "./prices";

// The shop's monthly cap on AI writing. A call first reserves what it may cost at most (its
// prompt and its token limit), atomically and only while the month's total stays within the
// cap, so concurrent workers cannot overrun it; the answer's usage then replaces the
// estimate. A call that never answered gives its reservation back.

type Db = Pick<PrismaClient, "$queryRaw" | "$executeRaw" | "campaignAiUsage" | "campaignSettings" | "shop">;

export const DEFAULT_MONTHLY_CAP_MICROS = 5_000_000;

/** "YYYY-MM" of `now` in the shop's time zone. */
export function monthOf(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}`;
}

export type AiBudget = { month: string; usedMicros: number; capMicros: number; calls: number };

export async function aiBudget(db: Db, shop: string, now: Date): Promise<AiBudget> {
  const [shopRow, settings] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } }),
    db.campaignSettings.findUnique({ where: { shop }, select: { aiMonthlyCapMicros: true } }),
  ]);
  const month = monthOf(now, shopRow?.ianaTimezone ?? "UTC");
  const usage = await db.campaignAiUsage.findUnique({ where: { shop_month: { shop, month } } });
  return {
    month,
    usedMicros: Number(usage?.costMicros ?? 0),
    capMicros: settings?.aiMonthlyCapMicros ?? DEFAULT_MONTHLY_CAP_MICROS,
    calls: usage?.calls ?? 0,
  };
}

export const estimateTokens = (text: string) => Math.ceil(text.length / 3);

export type Reservation = {
  /** Records the tokens the API billed in place of the estimate. */
  settle(usage: { promptTokens: number; completionTokens: number } | null): Promise<void>;
};

/** Reserves `estimate` micro-USD for a call; null when the month's cap would be passed. */
export async function reserve(
  db: Db,
  budget: AiBudget,
  shop: string,
  price: ModelPrice,
  estimate: { promptTokens: number; completionTokens: number },
): Promise<Reservation | null> {
  const reserved = costMicros(price, estimate.promptTokens, estimate.completionTokens);
  if (reserved > budget.capMicros) return null;
  const rows = await db.$queryRaw<{ costMicros: bigint }[]>`
    INSERT INTO "CampaignAiUsage" ("shop", "month", "costMicros", "updatedAt")
    VALUES (${shop}, ${budget.month}, ${reserved}, now())
    ON CONFLICT ("shop", "month") DO UPDATE
      SET "costMicros" = "CampaignAiUsage"."costMicros" + EXCLUDED."costMicros", "updatedAt" = now()
      WHERE "CampaignAiUsage"."costMicros" + EXCLUDED."costMicros" <= ${budget.capMicros}
    RETURNING "costMicros"`;
  if (rows.length === 0) return null;
  let settled = false;
  return {
    async settle(usage) {
      if (settled) return;
      settled = true;
      const actual = usage ? costMicros(price, usage.promptTokens, usage.completionTokens) : 0;
      await db.$executeRaw`
        UPDATE "CampaignAiUsage"
        SET "costMicros" = GREATEST(0, "costMicros" + ${actual - reserved}),
            "promptTokens" = "promptTokens" + ${usage?.promptTokens ?? 0},
            "completionTokens" = "completionTokens" + ${usage?.completionTokens ?? 0},
            "calls" = "calls" + ${usage ? 1 : 0},
            "updatedAt" = now()
        WHERE "shop" = ${shop} AND "month" = ${budget.month}`;
    },
  };
}

export const formatUsd = (micros: number) =>
  `$${(micros / 1_000_000).toFixed(micros > 0 && micros < 10_000 ? 4 : 2)}`;
