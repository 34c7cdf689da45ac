import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { parsePayload, type WebhookHandler } from "../handler";

// Shopify signs only the body, so any captured body could arrive under this topic and a
// chosen shop header; the shop object Shopify sends names the shop it is for.
const payloadSchema = z.object({ myshopify_domain: z.string() }).loose();

// Marks the shop uninstalled and drops its sessions (Shopify has revoked the tokens).
// If this runs late, after a reinstall, the app still recovers: with token exchange a
// missing session is re-created on the next admin load, and afterAuth marks the shop
// installed again.
export const appUninstalled: WebhookHandler = async ({ tx, event }) => {
  const { myshopify_domain: named } = parsePayload(payloadSchema, event);
  if (named.toLowerCase() !== event.shop) {
    throw new UnrecoverableError(
      `app/uninstalled payload names ${named}, not ${event.shop}; nothing changed`,
    );
  }
  await tx.shop.updateMany({
    where: { domain: event.shop },
    data: { status: "uninstalled", uninstalledAt: event.triggeredAt ?? event.receivedAt },
  });
  await tx.session.deleteMany({ where: { shop: event.shop } });
};
