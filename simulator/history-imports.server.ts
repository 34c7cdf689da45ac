import type { PrismaClient } from "../app/db.server";
import {
  rotateImportSecret,
  SHOP_HEADER,
  SIGNATURE_HEADER,
  signBody,
} from "../app/ingest/imports/secret.server";
import { engagementEvents } from "./behaviour/engagement-events";
import type { GeneratedShop } from "./shop";

// The generated shop's reviews and email/SMS engagement, delivered as a review app and an
// email tool would: signed JSON requests to the app's import endpoint over real HTTP
// (POST /api/v1/imports/reviews and /engagement), in batches. The demo runs it once the
// backfill has mirrored the customers and products the rows name.

export const IMPORT_BATCH = 1_000;

export function reviewItems(shop: GeneratedShop) {
  const customers = new Map(shop.customers.map((c) => [c.id, c]));
  return shop.reviews.map((r) => {
    const c = customers.get(r.customerId);
    return {
      id: `sim-review-${r.id}`,
      product_id: r.productId,
      customer_id: r.customerId,
      email: c?.email ?? null,
      name: c ? `${c.firstName} ${c.lastName.slice(0, 1)}.` : null,
      rating: r.rating,
      title: r.title,
      body: r.body,
      date: r.createdAt,
    };
  });
}

/** Every customer's events, or those since `sinceMs` (a large shop's full history is millions). */
export function engagementItems(shop: GeneratedShop, sinceMs = -Infinity) {
  return shop.customers.flatMap((c, i) =>
    engagementEvents(shop.calendar, shop.params.seed, c, shop.histories[i]!)
      .filter((e) => Date.parse(e.occurredAt) >= sinceMs)
      .map((e) => ({
        id: e.id,
        customer_id: e.customerId,
        ...(e.channel === "email" ? { email: e.recipient } : { phone: e.recipient }),
        channel: e.channel,
        type: e.type,
        campaign: e.campaign,
        timestamp: e.occurredAt,
      })),
  );
}

export interface DeliveredImports {
  requests: number;
  created: number;
  duplicates: number;
  rejected: number;
  unmatchedCustomers: number;
  unmatchedProducts: number;
}

/** Posts the items in signed batches; throws on any answer but 200 and 422 (whose bad rows it counts). */
export async function deliverImports(options: {
  appUrl: string;
  shop: string;
  secret: string;
  kind: "reviews" | "engagement";
  items: unknown[];
  source?: string;
  onProgress?: (done: number, total: number) => void;
}): Promise<DeliveredImports> {
  const key = options.kind === "reviews" ? "reviews" : "events";
  const totals: DeliveredImports = {
    requests: 0,
    created: 0,
    duplicates: 0,
    rejected: 0,
    unmatchedCustomers: 0,
    unmatchedProducts: 0,
  };
  for (let i = 0; i < options.items.length; i += IMPORT_BATCH) {
    const body = JSON.stringify({
      [key]: options.items.slice(i, i + IMPORT_BATCH),
      source: options.source ?? "simulator",
    });
    const answer = await fetch(`${options.appUrl}/api/v1/imports/${options.kind}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        [SHOP_HEADER]: options.shop,
        [SIGNATURE_HEADER]: signBody(options.secret, body),
      },
      body,
    });
    const json = (await answer.json()) as Partial<DeliveredImports> & { error?: string };
    if (answer.status !== 200 && answer.status !== 422)
      throw new Error(`The ${options.kind} import answered ${answer.status}: ${json.error ?? "no message"}`);
    totals.requests++;
    for (const k of ["created", "duplicates", "rejected", "unmatchedCustomers", "unmatchedProducts"] as const)
      totals[k] += json[k] ?? 0;
    options.onProgress?.(Math.min(options.items.length, i + IMPORT_BATCH), options.items.length);
  }
  return totals;
}

/** The demo's step: a fresh import secret for the shop, then its reviews and engagement through the endpoint. */
export async function deliverHistoryImports(
  db: PrismaClient,
  shop: GeneratedShop,
  appUrl: string,
  log: (line: string) => void,
  engagementSinceMs?: number,
) {
  const { secret } = await rotateImportSecret(db, shop.params.domain);
  const reviews = await deliverImports({
    appUrl,
    shop: shop.params.domain,
    secret,
    kind: "reviews",
    items: reviewItems(shop),
  });
  log(
    `Reviews imported through the signed endpoint: ${reviews.created} new, ${reviews.duplicates} duplicates, ` +
      `${reviews.rejected} rejected, ${reviews.unmatchedCustomers} unmatched customers, ${reviews.unmatchedProducts} unmatched products (${reviews.requests} requests).`,
  );
  const items = engagementItems(shop, engagementSinceMs);
  const engagement = await deliverImports({
    appUrl,
    shop: shop.params.domain,
    secret,
    kind: "engagement",
    items,
    onProgress: (done, total) => {
      if (done % 50_000 < IMPORT_BATCH || done === total) log(`Engagement events delivered ${done}/${total}`);
    },
  });
  log(
    `Engagement imported through the signed endpoint: ${engagement.created} new events, ${engagement.duplicates} duplicates, ` +
      `${engagement.rejected} rejected, ${engagement.unmatchedCustomers} unmatched recipients (${engagement.requests} requests).`,
  );
  return { reviews, engagement };
}
