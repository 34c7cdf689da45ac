import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "~/db.server";
import { env } from "~/env.server";
import type { Tracking } from "../content";
import { agentClass, classifyEvent } from "./bots";

// Opens and clicks of sent messages. The open pixel's token signs the send id; a click's
// token signs the send id and the URL, so the redirect goes only where a message this app
// rendered pointed (never an open redirect), and a tampered token is refused. Each hit is a
// MessageEvent (the IP as a keyed hash, the user agent as a class), flagged when a machine
// made it (bots.ts). A reload within a minute from the same place records nothing new, and
// the report counts each send once ("unique" opens and clicks).

const key = (purpose: string, appSecret: string) =>
  Buffer.from(hkdfSync("sha256", appSecret, "loyalty-optimizer", purpose, 32));

const sign = (payload: string, appSecret: string) =>
  createHmac("sha256", key("message-tracking:v1", appSecret)).update(payload).digest("base64url");

function token(parts: string[], appSecret: string): string {
  const payload = Buffer.from(JSON.stringify(parts)).toString("base64url");
  return `${payload}.${sign(payload, appSecret)}`;
}

function readToken(value: string | undefined, appSecret: string): string[] | null {
  const [payload, signature, extra] = (value ?? "").split(".");
  if (!payload || !signature || extra !== undefined) return null;
  const given = Buffer.from(signature, "base64url");
  const expected = Buffer.from(sign(payload, appSecret), "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parts = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown;
    return Array.isArray(parts) && parts.every((p) => typeof p === "string") ? (parts as string[]) : null;
  } catch {
    return null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function openToken(sendId: string, appSecret = env().SHOPIFY_API_SECRET): string {
  return token(["o", sendId], appSecret);
}

export function clickToken(sendId: string, url: string, appSecret = env().SHOPIFY_API_SECRET): string {
  return token(["c", sendId, url], appSecret);
}

/** The send id of an open token this app signed, or null. */
export function readOpenToken(
  value: string | undefined,
  appSecret = env().SHOPIFY_API_SECRET,
): string | null {
  const parts = readToken(value, appSecret);
  return parts?.length === 2 && parts[0] === "o" && UUID.test(parts[1]!) ? parts[1]! : null;
}

/** The send id and URL of a click token this app signed (an http(s) URL), or null. */
export function readClickToken(
  value: string | undefined,
  appSecret = env().SHOPIFY_API_SECRET,
): { sendId: string; url: string } | null {
  const parts = readToken(value, appSecret);
  if (parts?.length !== 3 || parts[0] !== "c" || !UUID.test(parts[1]!)) return null;
  const url = parts[2]!;
  return /^https?:\/\//i.test(url) ? { sendId: parts[1]!, url } : null;
}

/** The pixel and the click redirect of one send, for the message's content. */
export function trackingFor(sendId: string, appUrl = env().SHOPIFY_APP_URL): Tracking {
  const base = appUrl.replace(/\/$/, "");
  return {
    pixelUrl: `${base}/o/${openToken(sendId)}`,
    clickUrl: (url) => `${base}/c/${clickToken(sendId, url)}`,
  };
}

/** A keyed hash of the address (per shop): repeat visits can be told apart, the IP is not kept. */
export function hashAddress(shop: string, ip: string | null, appSecret = env().SHOPIFY_API_SECRET): string {
  return createHmac("sha256", key("message-event-ip:v1", appSecret))
    .update(`${shop}\u0000${ip ?? ""}`)
    .digest("hex")
    .slice(0, 32);
}

export type Hit = {
  sendId: string;
  kind: "open" | "click";
  url?: string;
  userAgent: string | null;
  ip: string | null;
  at: Date;
};

/** A reload from the same place within this window records nothing new. */
const REPEAT_MS = 60_000;

/**
 * Records one open or click of a sent (or held-out, which has no links) message; nothing for
 * an unknown send. Returns whether a row was written.
 */
export async function recordHit(db: PrismaClient, hit: Hit): Promise<boolean> {
  const send = await db.campaignSend.findUnique({
    where: { id: hit.sendId },
    select: { id: true, shop: true, campaignId: true, status: true, sentAt: true },
  });
  if (!send || send.status !== "sent") return false;
  const url = hit.url ?? null;
  const earlierClicks =
    hit.kind === "click"
      ? await db.messageEvent.findMany({
          where: { sendId: send.id, kind: "click", at: { gte: new Date(hit.at.getTime() - 3_600_000) } },
          select: { url: true, at: true },
        })
      : [];
  const verdict = classifyEvent({
    kind: hit.kind,
    at: hit.at,
    userAgent: hit.userAgent,
    ip: hit.ip,
    sentAt: send.sentAt,
    earlierClicks,
    url,
  });
  const ipHash = hashAddress(send.shop, hit.ip);
  const agent = agentClass(hit.userAgent);
  const written = await db.$executeRaw`
    INSERT INTO "MessageEvent" ("shop", "campaignId", "sendId", "kind", "url", "at", "agentClass", "ipHash", "bot", "botReason")
    SELECT ${send.shop}, ${send.campaignId}::uuid, ${send.id}::uuid, ${hit.kind}, ${url}, ${hit.at}, ${agent}, ${ipHash},
           ${verdict.bot}, ${verdict.bot ? verdict.reason : null}
    WHERE NOT EXISTS (
      SELECT 1 FROM "MessageEvent" e
      WHERE e."sendId" = ${send.id}::uuid AND e."kind" = ${hit.kind} AND e."url" IS NOT DISTINCT FROM ${url}
        AND e."ipHash" = ${ipHash} AND e."agentClass" = ${agent}
        AND e."at" > ${new Date(hit.at.getTime() - REPEAT_MS)})`;
  return written === 1;
}

/** The 1×1 transparent GIF the pixel answers with, whatever the token. */
export const PIXEL_GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

export function pixelResponse(): Response {
  return new Response(new Uint8Array(PIXEL_GIF), {
    status: 200,
    headers: {
      "Content-Type": "image/gif",
      "Content-Length": String(PIXEL_GIF.length),
      "Cache-Control": "no-store, no-cache, must-revalidate, private",
      Pragma: "no-cache",
    },
  });
}

/** The client's address as the proxy in front of the app saw it. */
export function clientAddress(request: Request): string | null {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip") || null;
}
