import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db.server";
import type { WebhookEventStatus } from "../generated/prisma/client";
import type { WebhookHeaders } from "./headers";

export type InboxEntry = { id: string; created: boolean; status: WebhookEventStatus };

/**
 * Records a delivery exactly once per (shop, webhook id). Shopify redelivers the same
 * webhook id when it did not see a 2xx in time; the second insert does nothing and the
 * existing row is returned, so the caller can tell a duplicate from a new event.
 */
export async function recordDelivery(
  db: PrismaClient,
  headers: WebhookHeaders,
  rawJson: string,
  receivedAt: Date,
): Promise<InboxEntry> {
  const id = randomUUID();
  // Timestamps go in as UTC ISO strings cast to timestamp, the way Prisma stores them.
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO "WebhookEvent"
      ("id", "shop", "topic", "webhookId", "eventId", "apiVersion", "triggeredAt", "payload", "receivedAt")
    VALUES (
      ${id}::uuid, ${headers.shop}, ${headers.topic}, ${headers.webhookId}, ${headers.eventId},
      ${headers.apiVersion}, ${headers.triggeredAt?.toISOString() ?? null}::timestamp,
      ${rawJson}::jsonb, ${receivedAt.toISOString()}::timestamp
    )
    ON CONFLICT ("shop", "webhookId") DO NOTHING
    RETURNING "id"::text AS "id"`;
  if (inserted.length > 0) return { id, created: true, status: "received" };

  const existing = await db.webhookEvent.findUniqueOrThrow({
    where: { shop_webhookId: { shop: headers.shop, webhookId: headers.webhookId } },
    select: { id: true, status: true },
  });
  return { id: existing.id, created: false, status: existing.status };
}

/** Rows still waiting for a worker after `olderThan`: their job was lost or never added. */
export async function findUnfinished(db: PrismaClient, olderThan: Date, limit: number) {
  return db.webhookEvent.findMany({
    where: { status: "received", receivedAt: { lt: olderThan } },
    orderBy: { receivedAt: "asc" },
    take: limit,
    select: { id: true, shop: true, topic: true },
  });
}
