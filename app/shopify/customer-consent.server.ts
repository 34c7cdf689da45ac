import { runGraphql, ShopifyUserError, type AdminGraphql } from "./graphql.server";

// Writes a customer's email unsubscribe, or SMS STOP, back to Shopify, so the shop's other
// tools (and our own mirror, through the customers/update webhook) stop messaging them too.

const CONSENT_UPDATE = `#graphql
  mutation customerEmailMarketingConsentUpdate($input: CustomerEmailMarketingConsentUpdateInput!) {
    customerEmailMarketingConsentUpdate(input: $input) {
      customer { id emailMarketingConsent { marketingState } }
      userErrors { field message }
    }
  }`;

type ConsentUpdatePayload = {
  customerEmailMarketingConsentUpdate: {
    customer: { id: string; emailMarketingConsent: { marketingState: string } | null } | null;
    userErrors: Array<{ field?: string[] | null; message: string }>;
  };
};

/** Marks the customer UNSUBSCRIBED from email marketing; throws with Shopify's userErrors. */
export async function unsubscribeCustomerEmail(
  graphql: AdminGraphql,
  customerId: bigint,
  at: Date,
): Promise<void> {
  const data = await runGraphql<ConsentUpdatePayload>(
    graphql,
    "customerEmailMarketingConsentUpdate",
    CONSENT_UPDATE,
    {
      input: {
        customerId: `gid://shopify/Customer/${customerId}`,
        emailMarketingConsent: { marketingState: "UNSUBSCRIBED", consentUpdatedAt: at.toISOString() },
      },
    },
  );
  const payload = data.customerEmailMarketingConsentUpdate;
  if (payload.userErrors.length)
    throw new ShopifyUserError("customerEmailMarketingConsentUpdate", payload.userErrors);
}

const SMS_CONSENT_UPDATE = `#graphql
  mutation customerSmsMarketingConsentUpdate($input: CustomerSmsMarketingConsentUpdateInput!) {
    customerSmsMarketingConsentUpdate(input: $input) {
      customer { id smsMarketingConsent { marketingState } }
      userErrors { field message }
    }
  }`;

type SmsConsentUpdatePayload = {
  customerSmsMarketingConsentUpdate: {
    customer: { id: string; smsMarketingConsent: { marketingState: string } | null } | null;
    userErrors: Array<{ field?: string[] | null; message: string }>;
  };
};

/** Marks the customer UNSUBSCRIBED from SMS marketing (after a STOP); throws with Shopify's userErrors. */
export async function unsubscribeCustomerSms(
  graphql: AdminGraphql,
  customerId: bigint,
  at: Date,
): Promise<void> {
  const data = await runGraphql<SmsConsentUpdatePayload>(
    graphql,
    "customerSmsMarketingConsentUpdate",
    SMS_CONSENT_UPDATE,
    {
      input: {
        customerId: `gid://shopify/Customer/${customerId}`,
        smsMarketingConsent: { marketingState: "UNSUBSCRIBED", consentUpdatedAt: at.toISOString() },
      },
    },
  );
  const payload = data.customerSmsMarketingConsentUpdate;
  if (payload.userErrors.length)
    throw new ShopifyUserError("customerSmsMarketingConsentUpdate", payload.userErrors);
}
