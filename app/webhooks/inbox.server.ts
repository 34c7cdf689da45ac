import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db.server";
import type { WebhookEventStatus } from "../generated/prisma/client";
import type { WebhookHeaders } from "./headers";

export type InboxEntry = { id: string; created: boolean; status: WebhookEventStatus };

export type Delivery = {
  headers: WebhookHeaders;
  rawJson: string;
  receivedAt: Date;
  /** Why the delivery can never be processed: it is recorded as failed with this reason, never enqueued. */
  failure?: string | null;
};

/**
 * Records deliveries exactly once per (shop, webhook id), in one INSERT (one round trip
 * and one commit), in input order. Shopify redelivers the same webhook id when it did not
 * see a 2xx in time; the second insert does nothing and the existing row is returned, so
 * the caller can tell a duplicate from a new event. The whole statement fails or
 * succeeds; callers that must isolate a bad row retry its deliveries one by one.
 */
export async function recordDeliveries(
  db: PrismaClient,
  deliveries: readonly Delivery[],
): Promise<InboxEntry[]> {
  const ids = deliveries.map(() => randomUUID());
  const column = <T>(pick: (d: Delivery) => T) => deliveries.map(pick);
  // Timestamps go in as UTC ISO strings cast to timestamp, the way Prisma stores them.
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO "WebhookEvent"
      ("id", "shop", "topic", "webhookId", "eventId", "apiVersion", "triggeredAt", "payload", "receivedAt",
       "status", "lastError")
    SELECT u.id::uuid, u.shop, u.topic, u.webhook_id, u.event_id, u.api_version, u.triggered_at::timestamp,
      u.payload::jsonb, u.received_at::timestamp,
      (CASE WHEN u.failure IS NULL THEN 'received' ELSE 'failed' END)::"WebhookEventStatus", u.failure
    FROM unnest(
      ${ids}::text[], ${column((d) => d.headers.shop)}::text[], ${column((d) => d.headers.topic)}::text[],
      ${column((d) => d.headers.webhookId)}::text[], ${column((d) => d.headers.eventId)}::text[],
      ${column((d) => d.headers.apiVersion)}::text[],
      ${column((d) => d.headers.triggeredAt?.toISOString() ?? null)}::text[],
      ${column((d) => d.rawJson)}::text[], ${column((d) => d.receivedAt.toISOString())}::text[],
      ${column((d) => d.failure ?? null)}::text[]
    ) AS u(id, shop, topic, webhook_id, event_id, api_version, triggered_at, payload, received_at, failure)
    ON CONFLICT ("shop", "webhookId") DO NOTHING
    RETURNING "id"::text AS "id"`;
  const created = new Set(inserted.map((r) => r.id));
  const entries: (InboxEntry | undefined)[] = ids.map((id, i) =>
    created.has(id)
      ? { id, created: true, status: deliveries[i]!.failure ? "failed" : "received" }
      : undefined,
  );
  const repeats = deliveries.filter((_, i) => !entries[i]);
  if (repeats.length > 0) {
    const existing = await db.$queryRaw<
      { id: string; shop: string; webhookId: string; status: WebhookEventStatus }[]
    >`
      SELECT e."id"::text AS "id", e."shop", e."webhookId", e."status"::text AS "status"
      FROM "WebhookEvent" e
      JOIN unnest(${repeats.map((d) => d.headers.shop)}::text[], ${repeats.map((d) => d.headers.webhookId)}::text[])
        AS r(shop, webhook_id) ON e."shop" = r.shop AND e."webhookId" = r.webhook_id`;
    const byKey = new Map(existing.map((e) => [`${e.shop}\n${e.webhookId}`, e]));
    deliveries.forEach((d, i) => {
      if (entries[i]) return;
      const row = byKey.get(`${d.headers.shop}\n${d.headers.webhookId}`);
      // Only a concurrent shop/redact erasing the row between the two statements leaves it unfound.
      if (!row) throw new Error(`Inbox row for webhook ${d.headers.webhookId} vanished while recording it`);
      entries[i] = { id: row.id, created: false, status: row.status };
    });
  }
  return entries as InboxEntry[];
}

/** Rows still waiting for a worker after `olderThan`: their job was lost or never added. */
/** Rows still `received` before `olderThan`, oldest first, after the keyset `after` when given. */
export async function findUnfinished(
  db: PrismaClient,
  olderThan: Date,
  limit: number,
  after?: { receivedAt: Date; id: string },
) {
  return db.webhookEvent.findMany({
    where: {
      status: "received",
      receivedAt: { lt: olderThan },
      ...(after && {
        OR: [
          { receivedAt: { gt: after.receivedAt } },
          { receivedAt: after.receivedAt, id: { gt: after.id } },
        ],
      }),
    },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true, shop: true, topic: true, receivedAt: true },
  });
}
