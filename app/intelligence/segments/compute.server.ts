import type { PrismaClient } from "~/db.server";
import { openAi, type OpenAiClient } from "~/openai.server";
import { replaceShopRows } from "../copy-rows.server";
import { timed, timedSync } from "../scoring/timing";
import { memberFeatures, type MemberAggregate } from "./features";
import { writePersonas } from "./persona-writer.server";
import { summariseSegments, type MemberSegmentRow, type SegmentSummary } from "./summary";

// Computes a shop's segments from the mirror (orders net of refunds) and the loyalty
// tables, and stores them: the per-member rows replaced whole, the run's summary beside
// the previous runs (for the trend). Runs in the analytics worker; the page reads results.

/** A run still "running" after this long died with its worker: a new one may start. */
export const STALE_RUN_MS = 30 * 60_000;
/** Runs kept per shop (a month of nightly runs): enough for trends, bounded in size. */
export const RUNS_KEPT = 30;

type AggregateRow = {
  customerId: bigint;
  joinedAt: Date;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  orderCount: number;
  grossMinor: bigint;
  refundedMinor: bigint;
  pointsBalance: number;
};

/** Per member (not deleted or redacted): orders that count (not cancelled, not test) and their refunds. */
export async function loadAggregates(db: PrismaClient, shop: string, asOf: Date): Promise<MemberAggregate[]> {
  const rows = await db.$queryRaw<AggregateRow[]>`
    WITH refunds AS (
      SELECT "orderId", SUM("totalMinor") AS "refundedMinor" FROM "Refund" WHERE "shop" = ${shop} GROUP BY "orderId"
    ), orders AS (
      SELECT o."customerId", COALESCE(o."processedAt", o."shopifyCreatedAt") AS "at", o."totalMinor",
             COALESCE(r."refundedMinor", 0) AS "refundedMinor"
      FROM "Order" o LEFT JOIN refunds r ON r."orderId" = o."id"
      WHERE o."shop" = ${shop} AND o."customerId" IS NOT NULL AND o."cancelledAt" IS NULL AND NOT o."test"
        AND COALESCE(o."processedAt", o."shopifyCreatedAt") <= ${asOf}
    ), per AS (
      SELECT "customerId", COUNT(*)::int AS "orderCount", MIN("at") AS "firstOrderAt", MAX("at") AS "lastOrderAt",
             SUM("totalMinor")::bigint AS "grossMinor", SUM("refundedMinor")::bigint AS "refundedMinor"
      FROM orders GROUP BY "customerId"
    )
    SELECT m."customerId", COALESCE(m."enrolledAt", c."shopifyCreatedAt", m."createdAt") AS "joinedAt",
           per."firstOrderAt", per."lastOrderAt", COALESCE(per."orderCount", 0) AS "orderCount",
           COALESCE(per."grossMinor", 0) AS "grossMinor", COALESCE(per."refundedMinor", 0) AS "refundedMinor",
           m."availablePoints" AS "pointsBalance"
    FROM "Member" m
    LEFT JOIN "Customer" c ON c."shop" = m."shop" AND c."id" = m."customerId"
    LEFT JOIN per ON per."customerId" = m."customerId"
    WHERE m."shop" = ${shop} AND m."status" <> 'deleted' AND c."redactedAt" IS NULL
    ORDER BY m."customerId"`;
  return rows.map((r) => ({
    customerId: String(r.customerId),
    joinedAt: r.joinedAt.getTime(),
    firstOrderAt: r.firstOrderAt?.getTime() ?? null,
    lastOrderAt: r.lastOrderAt?.getTime() ?? null,
    orderCount: r.orderCount,
    grossMinor: Number(r.grossMinor),
    refundedMinor: Number(r.refundedMinor),
    pointsBalance: r.pointsBalance,
  }));
}

/** The shop's run in progress, or a new one. Repeated clicks and the nightly fan-out share it. */
export async function startSegmentRun(
  db: PrismaClient,
  shop: string,
  now: Date,
): Promise<{ id: string; created: boolean }> {
  const running = await db.segmentRun.findFirst({
    where: { shop, status: "running", startedAt: { gt: new Date(now.getTime() - STALE_RUN_MS) } },
    orderBy: { startedAt: "desc" },
  });
  if (running) return { id: running.id, created: false };
  const run = await db.segmentRun.create({ data: { shop, startedAt: now } });
  return { id: run.id, created: true };
}

export type ComputeOptions = {
  now: Date;
  onProgress?: (percent: number) => Promise<void> | void;
  /** Who writes the personas: the configured OpenAI client by default, null for the templates. */
  openAi?: OpenAiClient | null;
};

export async function computeSegments(db: PrismaClient, runId: string, options: ComputeOptions) {
  const run = await db.segmentRun.findUnique({ where: { id: runId } });
  if (!run || run.status !== "running") return { skipped: true as const };
  const { shop } = run;
  const progress = async (percent: number) => {
    await db.segmentRun.update({ where: { id: runId }, data: { progress: percent } });
    await options.onProgress?.(percent);
  };
  try {
    const shopRow = await db.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true } });
    const asOf = options.now;
    const aggregates = await timed("segments read", () => loadAggregates(db, shop, asOf));
    await progress(30);
    const features = aggregates.map((a) => memberFeatures(a, asOf.getTime()));
    const previous = await db.segmentRun.findFirst({
      where: { shop, status: "completed" },
      orderBy: { finishedAt: "desc" },
      select: { summary: true },
    });
    // A previous run that had too little data has no segments to compare with: no trend.
    const before = previous?.summary as Pick<SegmentSummary, "segments" | "notEnoughData"> | null | undefined;
    const previousSummary = before && !before.notEnoughData ? before : null;
    const { summary, rows } = timedSync("segments model", () =>
      summariseSegments(features, shopRow?.currencyCode ?? "USD", previousSummary ?? null),
    );
    await progress(70);
    if (summary.clusters.ok)
      summary.clusters.clusters = await writePersonas(
        options.openAi === undefined ? openAi() : options.openAi,
        summary.clusters.clusters,
        { shop, currency: summary.currency, buyerCount: summary.buyerCount },
      );
    await progress(80);
    await timed("segments write", () => storeRows(db, shop, rows, asOf));
    await db.segmentRun.update({
      where: { id: runId },
      data: {
        status: "completed",
        progress: 100,
        finishedAt: new Date(),
        memberCount: summary.memberCount,
        buyerCount: summary.buyerCount,
        summary: summary as object,
      },
    });
    await db.$executeRaw`
      DELETE FROM "SegmentRun" WHERE "shop" = ${shop} AND "id" NOT IN (
        SELECT "id" FROM "SegmentRun" WHERE "shop" = ${shop} ORDER BY "startedAt" DESC LIMIT ${RUNS_KEPT})`;
    await options.onProgress?.(100);
    return { skipped: false as const, members: summary.memberCount, buyers: summary.buyerCount };
  } catch (error) {
    // The previous run's rows and summary stay in use; the page shows this run's error.
    await db.segmentRun.update({
      where: { id: runId },
      data: {
        status: "failed",
        finishedAt: new Date(),
        error: error instanceof Error ? error.message : String(error),
      },
    });
    throw error;
  }
}

const COLUMNS = [
  "customerId",
  "segment",
  "recencyScore",
  "frequencyScore",
  "monetaryScore",
  "cluster",
  "recencyDays",
  "frequency",
  "monetaryMinor",
  "computedAt",
] as const;

// By COPY (../copy-rows.server.ts): 100,000 rows in one statement's worth of text.
function storeRows(db: PrismaClient, shop: string, rows: MemberSegmentRow[], computedAt: Date) {
  return replaceShopRows(db, shop, "MemberSegment", COLUMNS, rows, (r) => [
    r.customerId,
    r.segment,
    r.scores.recency,
    r.scores.frequency,
    r.scores.monetary,
    r.cluster,
    r.recencyDays,
    r.frequency,
    r.monetaryMinor,
    computedAt,
  ]);
}

/** The latest completed run and the one in progress, if any, for the admin page. */
export async function latestSegments(db: PrismaClient, shop: string) {
  const [completed, active] = await Promise.all([
    db.segmentRun.findFirst({ where: { shop, status: "completed" }, orderBy: { finishedAt: "desc" } }),
    db.segmentRun.findFirst({
      where: { shop, status: { in: ["running", "failed"] } },
      orderBy: { startedAt: "desc" },
    }),
  ]);
  const pending =
    active && (!completed || active.startedAt > (completed.finishedAt ?? completed.startedAt))
      ? active
      : null;
  return {
    computedAt: completed?.finishedAt ?? null,
    summary: (completed?.summary ?? null) as SegmentSummary | null,
    pending: pending
      ? { id: pending.id, status: pending.status, progress: pending.progress, error: pending.error }
      : null,
  };
}
