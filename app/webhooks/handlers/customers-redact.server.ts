import { z } from "zod";
import { redactCustomerData, type CustomerSubject } from "../customer-data.server";
import { parsePayload, type HandlerContext, type WebhookHandler } from "../handler";
import { complianceCustomer, shopifyId, subjectOf } from "./compliance-payload";

const payloadSchema = z
  .object({
    customer: complianceCustomer,
    orders_to_redact: z.array(shopifyId).default([]),
  })
  .loose();

// Erases the customer's personal data from every table (customer-data.server.ts) and
// from the webhook inbox, whose payloads (orders, customers, this very request) carry
// it too. Anonymous aggregates such as order totals stay.
export const customersRedact: WebhookHandler = async (ctx) => {
  const payload = parsePayload(payloadSchema, ctx.event);
  const subject = subjectOf(ctx.event, payload.customer, payload.orders_to_redact);
  await redactCustomerData(ctx.tx, subject, ctx.now);
  await scrubInbox(ctx, subject);
};

async function scrubInbox({ tx, event, now }: HandlerContext, s: CustomerSubject) {
  const customerId = s.customerId?.toString() ?? null;
  // This request's own payload names the customer; keep only the pseudonymous id.
  await tx.webhookEvent.update({
    where: { id: event.id },
    data: { payload: { redacted: true, customer: { id: customerId } } },
  });
  // Deliveries not yet processed are closed here: ingesting them now would bring the
  // erased data back.
  await tx.$executeRaw`
    UPDATE "WebhookEvent"
    SET "payload" = '{"redacted": true}'::jsonb,
        "lastError" = CASE WHEN "status" = 'processed' THEN "lastError"
                           ELSE 'Payload erased by customers/redact before processing' END,
        "status" = 'processed',
        "processedAt" = COALESCE("processedAt", ${now.toISOString()}::timestamp)
    WHERE "shop" = ${s.shop} AND "id" <> ${event.id}::uuid AND (
      (${s.email}::text IS NOT NULL AND strpos(lower("payload"::text), lower(${s.email}::text)) > 0)
      OR (${s.phone}::text IS NOT NULL AND strpos("payload"::text, ${s.phone}::text) > 0)
      OR (${customerId}::text IS NOT NULL AND (
        "payload" #>> '{customer,id}' = ${customerId}::text
        OR "payload" ->> 'customer_id' = ${customerId}::text
        OR ("topic" LIKE 'customers/%' AND "payload" ->> 'id' = ${customerId}::text)
      ))
    )`;
}
