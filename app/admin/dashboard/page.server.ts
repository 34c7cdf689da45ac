import { z } from "zod";
import { presentBackfill } from "~/admin/status/backfill-present";
import { latestBackfill } from "~/backfill/run.server";
import type { PrismaClient } from "~/db.server";
import { parsePeriod } from "~/stats/periods";
import { loadBusinessDashboard } from "./business.server";
import { loadIncrementalCard } from "./incremental.server";
import { dismissOnboarding, loadOnboarding } from "./onboarding.server";

// The dashboard (/app): the program's incremental value first, then the onboarding
// checklist while it has steps left, then the business figures for the chosen period.

export async function loadDashboardPage(
  db: PrismaClient,
  shop: string,
  options: { url: URL; now: Date; apiKey: string },
) {
  const days = parsePeriod(options.url.searchParams.get("period"));
  const [incremental, onboarding, business, run] = await Promise.all([
    loadIncrementalCard(db, shop, options.now),
    loadOnboarding(db, shop, options.apiKey),
    loadBusinessDashboard(db, shop, options.now, days),
    latestBackfill(db, shop),
  ]);
  const backfill = presentBackfill(run);
  // While the history imports, the figures below are partial: the page says so.
  const importing = backfill?.active ? { progress: backfill.progress, step: backfill.step } : null;
  return { incremental, onboarding, business, importing };
}

const dismissForm = z.object({ intent: z.literal("dismiss-onboarding") });

/** The dashboard's one form: dismissing the checklist. 400 for anything else. */
export async function dashboardAction(db: PrismaClient, shop: string, form: FormData, now: Date) {
  if (!dismissForm.safeParse(Object.fromEntries(form)).success)
    return { status: 400, body: { ok: false as const, error: "The form was not understood." } };
  await dismissOnboarding(db, shop, now);
  return { status: 200, body: { ok: true as const } };
}
