import { legacyIdOf, shopifyDateTime } from "../resources/records";
import type { CustomerRecord } from "../resources/records";
import { plannedUserErrors, takeFault } from "./faults";
import type { GraphqlContext, GraphqlModule } from "./module";

// customerEmailMarketingConsentUpdate and customerSmsMarketingConsentUpdate, as Shopify
// answers them: the customer must exist and have an email address (a phone number), and the
// state set must be SUBSCRIBED, UNSUBSCRIBED or PENDING (the other states are Shopify's own).
// The app writes email unsubscribes and SMS STOPs back with them.

const SETTABLE = ["SUBSCRIBED", "UNSUBSCRIBED", "PENDING"];

type ConsentInput = {
  customerId: string;
  emailMarketingConsent: {
    marketingState: CustomerRecord["emailMarketingState"];
    marketingOptInLevel?: string | null;
    consentUpdatedAt?: string | null;
  };
};

function customerEmailMarketingConsentUpdate(_: unknown, args: { input: ConsentInput }, ctx: GraphqlContext) {
  if (takeFault(ctx.shop, "customerEmailMarketingConsentUpdate", "userErrors"))
    return { customer: null, userErrors: plannedUserErrors("customerEmailMarketingConsentUpdate") };
  const error = (field: string[], message: string, code: string) => ({
    customer: null,
    userErrors: [{ field, message, code }],
  });
  const customer = ctx.shop.customers.get(legacyIdOf("Customer", args.input.customerId) ?? -1);
  if (!customer) return error(["input", "customerId"], "Customer not found", "INVALID");
  if (!customer.email)
    return error(["input", "customerId"], "Customer must have an email address", "INVALID");
  const { marketingState, consentUpdatedAt } = args.input.emailMarketingConsent;
  if (!SETTABLE.includes(marketingState))
    return error(
      ["input", "emailMarketingConsent", "marketingState"],
      `Marketing state ${marketingState} cannot be set`,
      "INVALID",
    );
  customer.emailMarketingState = marketingState;
  customer.updatedAt = shopifyDateTime(consentUpdatedAt ?? new Date());
  return { customer, userErrors: [] };
}

type SmsConsentInput = {
  customerId: string;
  smsMarketingConsent: {
    marketingState: CustomerRecord["smsMarketingState"];
    marketingOptInLevel?: string | null;
    consentUpdatedAt?: string | null;
  };
};

function customerSmsMarketingConsentUpdate(
  _: unknown,
  args: { input: SmsConsentInput },
  ctx: GraphqlContext,
) {
  if (takeFault(ctx.shop, "customerSmsMarketingConsentUpdate", "userErrors"))
    return { customer: null, userErrors: plannedUserErrors("customerSmsMarketingConsentUpdate") };
  const error = (field: string[], message: string, code: string) => ({
    customer: null,
    userErrors: [{ field, message, code }],
  });
  const customer = ctx.shop.customers.get(legacyIdOf("Customer", args.input.customerId) ?? -1);
  if (!customer) return error(["input", "customerId"], "Customer not found", "INVALID");
  if (!customer.phone)
    return error(["input", "customerId"], "Customer must have a phone number", "MISSING_ARGUMENT");
  const { marketingState, consentUpdatedAt } = args.input.smsMarketingConsent;
  if (!SETTABLE.includes(marketingState))
    return error(
      ["input", "smsMarketingConsent", "marketingState"],
      `Marketing state ${marketingState} cannot be set`,
      "INVALID",
    );
  customer.smsMarketingState = marketingState;
  customer.updatedAt = shopifyDateTime(consentUpdatedAt ?? new Date());
  return { customer, userErrors: [] };
}

export const customerConsentModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    enum CustomerMarketingOptInLevel {
      CONFIRMED_OPT_IN
      SINGLE_OPT_IN
      UNKNOWN
    }
    input CustomerEmailMarketingConsentInput {
      marketingState: CustomerEmailMarketingState!
      marketingOptInLevel: CustomerMarketingOptInLevel
      consentUpdatedAt: DateTime
    }
    input CustomerEmailMarketingConsentUpdateInput {
      customerId: ID!
      emailMarketingConsent: CustomerEmailMarketingConsentInput!
    }
    type CustomerEmailMarketingConsentUpdateUserError {
      field: [String!]
      message: String!
      code: String
    }
    type CustomerEmailMarketingConsentUpdatePayload {
      customer: Customer
      userErrors: [CustomerEmailMarketingConsentUpdateUserError!]!
    }
    input CustomerSmsMarketingConsentInput {
      marketingState: CustomerSmsMarketingState!
      marketingOptInLevel: CustomerMarketingOptInLevel
      consentUpdatedAt: DateTime
    }
    input CustomerSmsMarketingConsentUpdateInput {
      customerId: ID!
      smsMarketingConsent: CustomerSmsMarketingConsentInput!
    }
    type CustomerSmsMarketingConsentError {
      field: [String!]
      message: String!
      code: String
    }
    type CustomerSmsMarketingConsentUpdatePayload {
      customer: Customer
      userErrors: [CustomerSmsMarketingConsentError!]!
    }
    extend type Mutation {
      customerEmailMarketingConsentUpdate(
        input: CustomerEmailMarketingConsentUpdateInput!
      ): CustomerEmailMarketingConsentUpdatePayload
      customerSmsMarketingConsentUpdate(
        input: CustomerSmsMarketingConsentUpdateInput!
      ): CustomerSmsMarketingConsentUpdatePayload
    }
  `,
  resolvers: { Mutation: { customerEmailMarketingConsentUpdate, customerSmsMarketingConsentUpdate } },
};
