import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { recomputeFromForm } from "~/admin/components/recompute.server";
import type { Backtest } from "~/intelligence/picks/backtest";
import { launchPicks, type LaunchEstimate } from "~/intelligence/picks/launch.server";
import type { ProductPick } from "~/intelligence/picks/picks";
import type { StoredSettings } from "~/intelligence/picks/run.server";
import { requestWeeklyPicks } from "~/intelligence/picks/start.server";

// The weekly-picks page's loader and action parts (/app/insights/weekly-picks): the picks in
// use (the latest computed run) with their forecast, backtest and settings, the latest run
// (progress or why it stopped), Recompute (with how many picks) and Launch (confirm the cost,
// then one new program version).

export type StoredModel = {
  features: string[];
  coefficients: Record<string, number>;
  seasonal: boolean;
  rows: number;
  promotion: { source: "history" | "prior"; lift: number };
  forecastUnits: number;
  evaluated: number;
};

export type StoredPick = ProductPick & { history: number[] };

export async function loadWeeklyPicksPage(db: PrismaClient, shop: string) {
  const [shopRow, run, computed] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true, ianaTimezone: true } }),
    db.weeklyPicksRun.findFirst({ where: { shop }, orderBy: { createdAt: "desc" } }),
    db.weeklyPicksRun.findFirst({ where: { shop, status: "computed" }, orderBy: { createdAt: "desc" } }),
  ]);
  return {
    currency: computed?.currencyCode ?? shopRow?.currencyCode ?? "USD",
    timeZone: shopRow?.ianaTimezone ?? null,
    run: run && {
      id: run.id,
      status: run.status,
      stage: run.stage,
      progress: run.progress,
      reason: run.reason,
      createdAt: run.createdAt.toISOString(),
    },
    result: computed && {
      id: computed.id,
      computedAt: (computed.computedAt ?? computed.createdAt).toISOString(),
      forecastFrom: (computed.forecastFrom ?? computed.createdAt).toISOString(),
      weeks: computed.weeks ?? 0,
      products: computed.products ?? 0,
      backtest: computed.backtest as unknown as Backtest,
      model: computed.model as unknown as StoredModel,
      settings: computed.settings as unknown as StoredSettings,
      picks: (computed.picks ?? []) as unknown as StoredPick[],
      launchedVersion: computed.launchedVersion,
      launchedAt: computed.launchedAt?.toISOString() ?? null,
    },
  };
}

export type WeeklyPicksPage = Awaited<ReturnType<typeof loadWeeklyPicksPage>>;

export type PicksAnswer =
  | { ok: true; intent: "recompute"; runId: string; created: boolean }
  | { ok: true; intent: "launch"; version: number; campaignName: string }
  | { ok: false; error: string; estimate?: LaunchEstimate; fieldErrors?: Record<string, string> };

const launchForm = z.object({
  intent: z.literal("launch"),
  runId: z.uuid(),
  confirm: z.literal("yes").optional(),
});
const topField = z.coerce
  .number({ error: "Enter a whole number." })
  .int({ error: "Enter a whole number." })
  .min(1, { error: "At least 1 product." })
  .max(20, { error: "At most 20 products." });

/** Recompute (optionally with `top`) or Launch; 400 for a form it does not understand. */
export async function weeklyPicksAction(
  db: PrismaClient,
  shop: string,
  form: FormData,
  options: { staffId: string | null; now?: Date },
): Promise<{ status: number; body: PicksAnswer }> {
  const intent = form.get("intent");
  if (intent === "launch") {
    const parsed = launchForm.safeParse(Object.fromEntries(form));
    if (!parsed.success)
      return { status: 400, body: { ok: false, error: "The request was not understood." } };
    const outcome = await launchPicks(db, shop, parsed.data.runId, {
      staffId: options.staffId,
      confirmed: parsed.data.confirm === "yes",
      now: options.now ?? new Date(),
    });
    if (!outcome.ok)
      return {
        status: outcome.status,
        body: { ok: false, error: outcome.message, estimate: outcome.estimate },
      };
    return {
      status: 200,
      body: { ok: true, intent: "launch", version: outcome.version, campaignName: outcome.campaign.name },
    };
  }
  const raw = form.get("top");
  let top: number | undefined;
  if (intent === "recompute" && raw !== null && raw !== "") {
    const parsed = topField.safeParse(raw);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? "Enter a whole number.";
      return { status: 422, body: { ok: false, error: message, fieldErrors: { top: message } } };
    }
    top = parsed.data;
  }
  const answer = await recomputeFromForm(form, shop, "a weekly-picks run", async () => {
    const { run, created } = await requestWeeklyPicks(db, shop, "merchant", { top });
    return { runId: run.id, created };
  });
  return {
    status: answer.status,
    body: answer.body.ok ? { ...answer.body, intent: "recompute" } : answer.body,
  };
}
