import type { WebhookHandler } from "../handler";
import { appScopesUpdate } from "./app-scopes-update.server";
import { appUninstalled } from "./app-uninstalled.server";
import { customerEmailConsentUpdate, customerSmsConsentUpdate } from "./customer-consent.server";
import { customersDataRequest } from "./customers-data-request.server";
import { customersRedact } from "./customers-redact.server";
import { customersDelete, customerWebhook } from "./customers.server";
import { orderWebhook } from "./orders.server";
import { productWebhook } from "./products.server";
import { refundsCreate } from "./refunds-create.server";
import { shopRedact } from "./shop-redact.server";

// Topic → handler. Features register their topics here (ingest adds orders/*,
// customers/create, refunds/create, products/*). A topic with no entry is marked
// processed and logged at warn by process.server.ts: it can only arrive when
// shopify.app.toml subscribes a topic before its handler lands, and the payload stays
// in the inbox, so it can be replayed once the handler exists.
export const WEBHOOK_HANDLERS: Readonly<Record<string, WebhookHandler>> = {
  "app/uninstalled": appUninstalled,
  "app/scopes_update": appScopesUpdate,
  "customers/data_request": customersDataRequest,
  "customers/redact": customersRedact,
  "shop/redact": shopRedact,
  "orders/create": orderWebhook,
  "orders/updated": orderWebhook,
  "orders/paid": orderWebhook,
  "orders/cancelled": orderWebhook,
  "refunds/create": refundsCreate,
  "customers/create": customerWebhook,
  "customers/update": customerWebhook,
  "customers/delete": customersDelete,
  "customers_marketing_consent/update": customerSmsConsentUpdate,
  "customers_email_marketing_consent/update": customerEmailConsentUpdate,
  "products/create": productWebhook,
  "products/update": productWebhook,
};
