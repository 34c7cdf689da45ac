import type { PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";

// Evidence that the storefront widget is live: the last time a storefront called the app
// proxy's status endpoint (which only the widget calls), kept in Shop.settings for the
// dashboard's onboarding checklist. Written at most once an hour per shop and process, so
// the storefront's hot path gains no write; a failed write is logged, never the shopper's problem.

export const WIDGET_SEEN_SETTING = "widgetLastSeenAt";
const EVERY_MS = 3_600_000;
const written = new Map<string, number>();

export async function recordWidgetSeen(db: PrismaClient, shop: string, now: Date): Promise<void> {
  const last = written.get(shop);
  if (last !== undefined && now.getTime() - last < EVERY_MS) return;
  written.set(shop, now.getTime());
  const json = JSON.stringify({ [WIDGET_SEEN_SETTING]: now.toISOString() });
  try {
    await db.$executeRaw`
      UPDATE "Shop" SET "settings" = COALESCE("settings", '{}'::jsonb) || ${json}::jsonb
      WHERE "domain" = ${shop}`;
  } catch (error) {
    written.delete(shop);
    logger().warn({ err: error, shop }, "Could not record the storefront widget's visit");
  }
}
