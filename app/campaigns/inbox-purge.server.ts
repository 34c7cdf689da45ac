import type { PrismaClient } from "~/db.server";

// Widget inbox messages live 30 days (inbox.ts); past that the app proxy no longer shows them
// (app/storefront/inbox.server.ts reads `expiresAt > now`), and the daily purge deletes them:
// one job per shop that has any, each deleting its shop's expired rows a batch at a time, so
// no statement holds locks on a large shop's inbox for long. The send (CampaignSend) stays:
// it is the message log and the campaign's measurement; only the message's copy goes.

export const INBOX_PURGE_BATCH = 1_000;

/** Shops with at least one expired message: one index probe per shop. */
export async function shopsWithExpiredInboxMessages(db: PrismaClient, now: Date): Promise<string[]> {
  const rows = await db.$queryRaw<{ domain: string }[]>`
    SELECT s."domain" FROM "Shop" s
    WHERE EXISTS (SELECT 1 FROM "InboxMessage" m WHERE m."shop" = s."domain" AND m."expiresAt" <= ${now})
    ORDER BY s."domain"`;
  return rows.map((r) => r.domain);
}

/** Deletes the shop's messages expired at `now`, `batch` rows per statement; how many went. */
export async function purgeExpiredInboxMessages(
  db: PrismaClient,
  shop: string,
  now: Date,
  batch = INBOX_PURGE_BATCH,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const count = await db.$executeRaw`
      DELETE FROM "InboxMessage" WHERE "id" IN (
        SELECT "id" FROM "InboxMessage" WHERE "shop" = ${shop} AND "expiresAt" <= ${now}
        ORDER BY "expiresAt" LIMIT ${batch})`;
    deleted += count;
    if (count < batch) return deleted;
  }
}
