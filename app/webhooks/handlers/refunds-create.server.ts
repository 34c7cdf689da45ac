import { ingestRefund } from "~/ingest/ingest.server";
import { refundPayload } from "~/ingest/refund-payload";
import { parsePayload, type WebhookHandler } from "../handler";

export const refundsCreate: WebhookHandler = async ({ tx, event, now }) => {
  await ingestRefund(tx, event.shop, parsePayload(refundPayload, event), now);
};
