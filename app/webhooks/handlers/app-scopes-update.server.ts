import { z } from "zod";
import { parsePayload, type WebhookHandler } from "../handler";

const payloadSchema = z
  .object({ previous: z.array(z.string()).default([]), current: z.array(z.string()) })
  .loose();

// Keeps the granted scopes current on the shop and on its stored sessions, so the app
// does not send merchants through a re-authorisation for scopes they already granted.
export const appScopesUpdate: WebhookHandler = async ({ tx, event }) => {
  const { current } = parsePayload(payloadSchema, event);
  const scopes = current.join(",");
  await tx.shop.updateMany({ where: { domain: event.shop }, data: { scopes } });
  await tx.session.updateMany({ where: { shop: event.shop }, data: { scope: scopes } });
};
