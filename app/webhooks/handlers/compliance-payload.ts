import { z } from "zod";
import type { CustomerSubject } from "../customer-data.server";
import type { WebhookEventForHandler } from "../handler";

// Shapes shared by the customers/data_request and customers/redact payloads. Shopify
// sends numeric ids; some tools re-serialise them as strings, so both are accepted.
export const shopifyId = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform((v) => BigInt(v));

export const complianceCustomer = z
  .object({ id: shopifyId.nullish(), email: z.string().nullish(), phone: z.string().nullish() })
  .loose();

export function subjectOf(
  event: WebhookEventForHandler,
  customer: z.infer<typeof complianceCustomer>,
  orderIds: bigint[],
): CustomerSubject {
  return {
    shop: event.shop,
    customerId: customer.id ?? null,
    email: customer.email?.trim() || null,
    phone: customer.phone?.trim() || null,
    orderIds,
  };
}
