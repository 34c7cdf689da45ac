import { z } from "zod";
import { presentBackfill } from "~/admin/status/backfill-present";
import { latestBackfill } from "~/backfill/run.server";
import type { PrismaClient } from "~/db.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { parsePeriod } from "~/stats/periods";
import { loadBusinessDashboard } from "./business.server";
import { loadIncrementalCard } from "./incremental.server";
import { dismissOnboarding, loadOnboarding } from "./onboarding.server";
import { loadRecommendations } from "./recommendations.server";

// The dashboard (/app): the program's incremental value first, then what the optimizer
// recommends, the onboarding checklist while it has steps left, then the business figures
// for the chosen period.

export async function loadDashboardPage(
  db: PrismaClient,
  shop: string,
  options: { url: URL; now: Date; apiKey: string },
) {
  const days = parsePeriod(options.url.searchParams.get("period"));
  // One read of the live program for the four cards that need it; the report figures come
  // from stored aggregates (ADR 0052), so the cards load side by side.
  const live = currentProgramVersion(db, shop);
  const [incremental, recommendations, onboarding, business, run] = await Promise.all([
    loadIncrementalCard(db, shop, options.now, live),
    loadRecommendations(db, shop, options.now, live),
    loadOnboarding(db, shop, options.apiKey, live),
    loadBusinessDashboard(db, shop, options.now, days, live),
    latestBackfill(db, shop),
  ]);
  const backfill = presentBackfill(run);
  // While the history imports, the figures below are partial: the page says so.
  const importing = backfill?.active ? { progress: backfill.progress, step: backfill.step } : null;
  return { incremental, recommendations, onboarding, business, importing };
}

const dismissForm = z.object({ intent: z.literal("dismiss-onboarding") });

/** The dashboard's one form: dismissing the checklist. 400 for anything else. */
export async function dashboardAction(db: PrismaClient, shop: string, form: FormData, now: Date) {
  if (!dismissForm.safeParse(Object.fromEntries(form)).success)
    return { status: 400, body: { ok: false as const, error: "The form was not understood." } };
  await dismissOnboarding(db, shop, now);
  return { status: 200, body: { ok: true as const } };
}
