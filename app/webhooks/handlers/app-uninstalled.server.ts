import { z } from "zod";
import { parsePayload, type WebhookHandler } from "../handler";

const payloadSchema = z.object({ id: z.union([z.number(), z.string()]).optional() }).loose();

// Marks the shop uninstalled and drops its sessions (Shopify has revoked the tokens).
// If this runs late, after a reinstall, the app still recovers: with token exchange a
// missing session is re-created on the next admin load, and afterAuth marks the shop
// installed again.
export const appUninstalled: WebhookHandler = async ({ tx, event }) => {
  parsePayload(payloadSchema, event);
  await tx.shop.updateMany({
    where: { domain: event.shop },
    data: { status: "uninstalled", uninstalledAt: event.triggeredAt ?? event.receivedAt },
  });
  await tx.session.deleteMany({ where: { shop: event.shop } });
};
