import { z } from "zod";
import { collectCustomerData } from "../customer-data.server";
import { parsePayload, type WebhookHandler } from "../handler";
import { complianceCustomer, shopifyId, subjectOf } from "./compliance-payload";

const payloadSchema = z
  .object({
    customer: complianceCustomer,
    orders_requested: z.array(shopifyId).default([]),
    data_request: z
      .object({ id: z.union([z.number(), z.string()]) })
      .loose()
      .optional(),
  })
  .loose();

// Assembles everything the app holds about the customer into an export the merchant
// downloads from the Privacy page and hands to the customer (Shopify gives 30 days).
export const customersDataRequest: WebhookHandler = async ({ tx, event, now }) => {
  const payload = parsePayload(payloadSchema, event);
  const subject = subjectOf(event, payload.customer, payload.orders_requested);
  const data = await collectCustomerData(tx, subject);
  await tx.dataExport.create({
    data: {
      shop: event.shop,
      customerId: subject.customerId,
      customerEmail: subject.email,
      ordersRequested: payload.orders_requested,
      requestedAt: event.triggeredAt ?? event.receivedAt,
      data: {
        format: "loyalty-optimizer/customer-data@1",
        shop: event.shop,
        dataRequestId: payload.data_request ? String(payload.data_request.id) : null,
        customer: { id: subject.customerId?.toString() ?? null, email: subject.email, phone: subject.phone },
        ordersRequested: payload.orders_requested.map(String),
        generatedAt: now.toISOString(),
        ...data,
      },
    },
  });
};
