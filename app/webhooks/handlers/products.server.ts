import { ingestProduct } from "~/ingest/ingest.server";
import { productPayload } from "~/ingest/product-payload";
import { parsePayload, type WebhookHandler } from "../handler";

// products/create and products/update: tags and type feed the earning rules by product.
export const productWebhook: WebhookHandler = async ({ tx, event, now }) => {
  await ingestProduct(tx, event.shop, parsePayload(productPayload, event), now);
};
