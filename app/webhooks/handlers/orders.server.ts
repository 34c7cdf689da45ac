import { ingestOrder } from "~/ingest/ingest.server";
import { orderPayload } from "~/ingest/order-payload";
import { parsePayload, type WebhookHandler } from "../handler";

// orders/create, orders/updated, orders/paid and orders/cancelled all carry the whole
// order; which topic it came on does not matter, only what the order says now.
export const orderWebhook: WebhookHandler = async ({ tx, event, now }) => {
  await ingestOrder(tx, event.shop, parsePayload(orderPayload, event), now);
};
