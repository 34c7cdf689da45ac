import { customerDeletePayload, customerPayload } from "~/ingest/customer-payload";
import { deleteCustomer, ingestCustomer } from "~/ingest/ingest.server";
import { parsePayload, type WebhookHandler } from "../handler";

// customers/create and customers/update carry the whole customer.
export const customerWebhook: WebhookHandler = async ({ tx, event, now }) => {
  await ingestCustomer(tx, event.shop, parsePayload(customerPayload, event), now);
};

export const customersDelete: WebhookHandler = async ({ tx, event, now }) => {
  await deleteCustomer(tx, event.shop, parsePayload(customerDeletePayload, event), now);
};
