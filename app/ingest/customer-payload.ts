import { z } from "zod";
import { graphqlId, instant, numericId, tagList } from "./payload-common";

// customers/create and customers/update (the REST customer, API 2025-10), and the
// much smaller customers/delete payload.

const consent = z.object({ state: z.string().nullish() }).loose().nullish();

export const customerPayload = z
  .object({
    id: numericId,
    admin_graphql_api_id: graphqlId.nullish(),
    email: z.string().nullish(),
    phone: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    state: z.string().nullish(),
    tags: tagList,
    currency: z.string().nullish(),
    email_marketing_consent: consent,
    sms_marketing_consent: consent,
    created_at: instant.nullish(),
    updated_at: instant,
  })
  .loose();

export const customerDeletePayload = z
  .object({ id: numericId, admin_graphql_api_id: graphqlId.nullish() })
  .loose();

export type CustomerPayload = z.infer<typeof customerPayload>;
export type CustomerDeletePayload = z.infer<typeof customerDeletePayload>;

// customers_marketing_consent/update (SMS consent, keyed by `id`) and
// customers_email_marketing_consent/update (keyed by `customer_id`): the consent alone.
export const customerSmsConsentPayload = z
  .object({ id: numericId, phone: z.string().nullish(), sms_marketing_consent: consent })
  .loose();

export const customerEmailConsentPayload = z
  .object({ customer_id: numericId, email_address: z.string().nullish(), email_marketing_consent: consent })
  .loose();
