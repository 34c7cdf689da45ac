import type { Redis } from "ioredis";
import { z } from "zod";
import { INBOX_PAGE_SIZE, presentInbox } from "~/campaigns/inbox";
import { recordHit } from "~/campaigns/measure/tracking.server";
import type { PrismaClient } from "~/db.server";
import { proxyError, proxyJson } from "./proxy-response";
import { hitRateLimit, inboxRateKey, STOREFRONT_INBOX_LIMIT, type RateLimit } from "./rate-limit.server";

// GET and POST /apps/loyalty/inbox: the logged-in member's widget inbox (campaigns on the
// inbox channel, app/campaigns/deliver.server.ts). Every read and write is scoped to
// the shop and customer of the verified signature; the body only names which message.
// Reading a message is the inbox's open: the first read of each message is recorded as an
// open of its send (campaigns/measure/tracking.server.ts), so a measured campaign's report
// counts inbox reads as it counts email opens.

export interface InboxDeps {
  db: PrismaClient;
  redis: Redis;
  now: Date;
  rateLimit?: RateLimit;
  /** The storefront visitor, for the opens a read records (user agent class, hashed address). */
  reader?: { userAgent: string | null; ip: string | null };
}

/** The newest unexpired messages and the unread count. */
export async function loadInbox(db: PrismaClient, shop: string, customerId: bigint, now: Date) {
  const where = { shop, customerId, expiresAt: { gt: now } };
  const [messages, unread] = await Promise.all([
    db.inboxMessage.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: INBOX_PAGE_SIZE,
      select: {
        id: true,
        title: true,
        body: true,
        ctaLabel: true,
        ctaUrl: true,
        createdAt: true,
        readAt: true,
      },
    }),
    db.inboxMessage.count({ where: { ...where, readAt: null } }),
  ]);
  return presentInbox(messages, unread);
}

const markReadSchema = z.object({
  read: z.union([z.literal("all"), z.uuid()], { error: 'Either "all" or a message id.' }),
});

async function limited(deps: InboxDeps, shop: string, customerId: bigint): Promise<Response | null> {
  const rate = await hitRateLimit(
    deps.redis,
    inboxRateKey(shop, customerId),
    deps.rateLimit ?? STOREFRONT_INBOX_LIMIT,
  );
  if (rate.allowed) return null;
  return proxyError(
    429,
    "rate_limited",
    `Too many requests; try again in ${rate.retryAfterSeconds} s.`,
    { retryAfterSeconds: rate.retryAfterSeconds },
    { "Retry-After": String(rate.retryAfterSeconds) },
  );
}

export async function inboxFromStorefront(deps: InboxDeps, shop: string, customerId: bigint) {
  return (
    (await limited(deps, shop, customerId)) ?? proxyJson(await loadInbox(deps.db, shop, customerId, deps.now))
  );
}

/** `{"read": "all"}` or `{"read": "<message id>"}`; answers the inbox as it now stands. */
export async function markReadFromStorefront(
  deps: InboxDeps,
  shop: string,
  customerId: bigint,
  body: string,
) {
  const refused = await limited(deps, shop, customerId);
  if (refused) return refused;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return proxyError(400, "invalid_request", "The body is not JSON.", { fields: {} });
  }
  const parsed = markReadSchema.safeParse(json);
  if (!parsed.success)
    return proxyError(400, "invalid_request", 'Say which message was read: "all" or its id.', {
      fields: { read: parsed.error.issues[0]?.message ?? "Invalid." },
    });
  const { read } = parsed.data;
  const { db, now } = deps;
  const mine = { shop, customerId, expiresAt: { gt: now } };
  let opened: Array<{ sendId: string }> = [];
  if (read === "all") {
    opened = await db.inboxMessage.updateManyAndReturn({
      where: { ...mine, readAt: null },
      data: { readAt: now },
      select: { sendId: true },
    });
  } else {
    const message = await db.inboxMessage.findFirst({
      where: { ...mine, id: read },
      select: { readAt: true },
    });
    if (!message) return proxyError(404, "message_not_found", "No such message in your inbox.");
    if (!message.readAt)
      opened = await db.inboxMessage.updateManyAndReturn({
        where: { ...mine, id: read, readAt: null },
        data: { readAt: now },
        select: { sendId: true },
      });
  }
  for (const { sendId } of opened)
    await recordHit(db, {
      sendId,
      kind: "open",
      userAgent: deps.reader?.userAgent ?? null,
      ip: deps.reader?.ip ?? null,
      at: now,
    });
  return proxyJson(await loadInbox(db, shop, customerId, now));
}
