import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { redactCustomerData, type CustomerSubject } from "../customer-data.server";
import { containsAny, eraseValues, type Json } from "../erase-values";
import { parsePayload, type HandlerContext, type WebhookHandler } from "../handler";
import { complianceCustomer, shopifyId, subjectOf } from "./compliance-payload";

// Shopify signs only the body: an order body replayed under this topic would erase its
// customer. The request Shopify sends names its shop and always lists orders_to_redact.
const payloadSchema = z
  .object({
    shop_domain: z.string(),
    customer: complianceCustomer,
    orders_to_redact: z.array(shopifyId),
  })
  .loose();

// Erases the customer's personal data from every table (customer-data.server.ts) and
// from the webhook inbox, whose payloads (orders, refunds, customers, this very request)
// carry it too, in the one transaction that marks this request processed: it happens
// whole or not at all, and a redelivery finds nothing left to change. Deliveries that
// arrive later are stored without it by the inbox trigger (ADR 0013). Anonymous
// aggregates such as order totals stay.
export const customersRedact: WebhookHandler = async (ctx) => {
  const payload = parsePayload(payloadSchema, ctx.event);
  if (payload.shop_domain.toLowerCase() !== ctx.event.shop) {
    throw new UnrecoverableError(
      `customers/redact payload names ${payload.shop_domain}, not ${ctx.event.shop}; nothing erased`,
    );
  }
  const subject = subjectOf(ctx.event, payload.customer, payload.orders_to_redact);
  const { personalValues } = await redactCustomerData(ctx.tx, subject, ctx.now);
  await scrubInbox(ctx, subject, personalValues);
};

async function scrubInbox({ tx, event }: HandlerContext, s: CustomerSubject, personalValues: string[]) {
  const customerId = s.customerId?.toString() ?? null;
  // This request's own payload names the customer; keep only the pseudonymous id.
  await tx.webhookEvent.update({
    where: { id: event.id },
    data: { payload: { redacted: true, customer: { id: customerId } } },
  });
  // Rows of the customer's own (their customer id, orders, refunds of those orders, their
  // email; see webhook_payload_is_redacted) lose every personal field, whatever their
  // status: one still waiting is then processed as the later deliveries are, so refunds
  // and cancellations still reach the books. A row a worker holds is skipped, not waited
  // for (its worker may be waiting for this redaction's ingest locks): the inbox trigger
  // erases it when that worker marks it processed or failed.
  const own = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "WebhookEvent" SET "payload" = "redact_webhook_payload"("payload")
    WHERE "id" IN (
      SELECT "id" FROM "WebhookEvent"
      WHERE "shop" = ${s.shop} AND "id" <> ${event.id}::uuid
        AND "webhook_payload_is_redacted"("shop", "topic", "payload")
      FOR UPDATE SKIP LOCKED)
    RETURNING "id"::text AS "id"`;
  // Then the values themselves: in the customer's rows every value the mirror held
  // (names, address lines, notes), in anyone's rows the email and phone (another order's
  // note that names them), which are distinctive enough not to hit unrelated text.
  const contacts = [s.email, s.phone].flatMap((v) => (v ? [v] : []));
  const ownIds = new Set(own.map((r) => r.id));
  const rows = await tx.$queryRaw<{ id: string; payload: Json }[]>`
    SELECT "id"::text AS "id", "payload" FROM "WebhookEvent"
    WHERE "shop" = ${s.shop} AND "id" <> ${event.id}::uuid AND (
      "id" = ANY(${[...ownIds]}::uuid[])
      OR EXISTS (SELECT 1 FROM unnest(${contacts}::text[]) AS v WHERE strpos(lower("payload"::text), lower(v)) > 0))
    FOR UPDATE SKIP LOCKED`;
  for (const row of rows) {
    const values = ownIds.has(row.id) ? [...personalValues, ...contacts] : contacts;
    if (!containsAny(row.payload, values)) continue;
    await tx.$executeRaw`
      UPDATE "WebhookEvent" SET "payload" = ${JSON.stringify(eraseValues(row.payload, values))}::jsonb
      WHERE "id" = ${row.id}::uuid`;
  }
}
