import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";
import { formatDateTime } from "~/admin/components/time";
import { presentBackfill } from "./backfill-present";
import { latestBackfill } from "~/backfill/run.server";
import { startBackfill } from "~/backfill/start.server";
import { parseCodePrefixes } from "~/loyalty/history-redemptions";

// The status page's loader and action parts for the import card.

export async function loadBackfillCard(db: PrismaClient, shop: string, timeZone: string | null | undefined) {
  const view = presentBackfill(await latestBackfill(db, shop));
  return (
    view && { ...view, finishedText: view.finishedAt ? formatDateTime(view.finishedAt, timeZone) : null }
  );
}

export type BackfillCardView = Awaited<ReturnType<typeof loadBackfillCard>>;

const startForm = z.object({
  intent: z.literal("start-backfill"),
  historyEarnsPoints: z.enum(["true", "false"]).transform((v) => v === "true"),
  redemptionCodePrefixes: z.string().max(1000).optional(),
});

export type StartBackfillResponse = {
  status: number;
  body: { ok: true; created: boolean } | { ok: false; error: string };
};

/**
 * Starts an import from the status page's form; 400 on a malformed form, 409 once the
 * history is imported (replaying it again would change nothing the page can show), 503
 * when the queue is unreachable.
 */
export async function startBackfillFromForm(
  db: PrismaClient,
  shop: string,
  form: FormData,
): Promise<StartBackfillResponse> {
  const parsed = startForm.safeParse(Object.fromEntries(form));
  if (!parsed.success)
    return { status: 400, body: { ok: false, error: "The import form was not understood." } };
  const latest = await latestBackfill(db, shop);
  if (latest?.status === "completed")
    return { status: 409, body: { ok: false, error: "The shop's history is already imported." } };
  const prefixes = parseCodePrefixes(parsed.data.redemptionCodePrefixes ?? "");
  if ("error" in prefixes) return { status: 422, body: { ok: false, error: prefixes.error } };
  try {
    const { created } = await startBackfill(db, shop, {
      historyEarnsPoints: parsed.data.historyEarnsPoints,
      redemptionCodePrefixes: prefixes.prefixes,
      trigger: "merchant",
    });
    return { status: created ? 202 : 200, body: { ok: true, created } };
  } catch (error) {
    logger().warn({ err: error, shop }, "Could not start a backfill");
    return {
      status: 503,
      body: { ok: false, error: "The import could not be queued right now. Try again in a minute." },
    };
  }
}
