import type { IncomingMessage, ServerResponse } from "node:http";
import { z, ZodError } from "zod";
import { DISCOUNT_MUTATIONS } from "./graphql/discounts";
import { pendingFaults, planFaults } from "./graphql/faults";
import { readBody, sendJson } from "./http";
import { StoreError, type EmulatorStore } from "./store";
import type { WebhookDelivery, WebhookResult } from "./webhooks";

// /_emulator/*: how tests and the simulator shape the emulated world. Not part of
// Shopify's API; the app never calls it.

export type ControlContext = {
  store: EmulatorStore;
  sendWebhook: (delivery: WebhookDelivery) => Promise<WebhookResult>;
};

const webhookInput = z.object({
  shop: z.string().min(1),
  topic: z.string().regex(/^[a-z_]+\/[a-z_]+$/, "must look like orders/paid"),
  payload: z.unknown(),
  webhookId: z.string().min(1).optional(),
  eventId: z.string().min(1).optional(),
  triggeredAt: z.iso.datetime({ offset: true }).optional(),
  apiVersion: z.string().optional(),
  path: z.string().startsWith("/").optional(),
});

const faultInput = z.object({
  mutations: z.array(z.string().min(1)).min(1).default(DISCOUNT_MUTATIONS),
  kind: z.enum(["userErrors", "serverError", "throttled", "timeout"]),
  count: z.int().min(1).max(1000).default(1),
});

const SHOP_RESOURCE = /^\/_emulator\/shops\/([^/]+)\/(reset|customers|orders|products|collections|faults)$/;

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: ControlContext,
): Promise<void> {
  try {
    const path = url.pathname;
    const { store } = ctx;
    if (req.method === "GET" && path === "/_emulator/shops")
      return sendJson(res, 200, { shops: store.listShops() });
    if (req.method === "GET" && path === "/_emulator/tokens") {
      return sendJson(res, 200, { tokens: store.tokens.list(url.searchParams.get("shop") ?? undefined) });
    }
    if (req.method !== "POST")
      return sendJson(res, 404, { error: `no control endpoint ${req.method} ${path}` });
    const text = await readBody(req);
    const body: unknown = text ? JSON.parse(text) : {};
    if (path === "/_emulator/shops") return sendJson(res, 201, { shop: store.createShop(body as never) });
    if (path === "/_emulator/webhooks") {
      const delivery = webhookInput.parse(body);
      // A delivery the app never answered is the caller's news, not an emulator fault.
      const result = await ctx
        .sendWebhook(delivery as WebhookDelivery)
        .catch((error: unknown) => error as Error);
      if (result instanceof Error) return sendJson(res, 502, { error: `delivery failed: ${result.message}` });
      return sendJson(res, 200, result);
    }
    const match = SHOP_RESOURCE.exec(path);
    if (!match) return sendJson(res, 404, { error: `no control endpoint POST ${path}` });
    const domain = decodeURIComponent(match[1] ?? "");
    const list = () => z.array(z.unknown()).parse(body) as never[];
    switch (match[2]) {
      case "reset":
        return sendJson(res, 200, { shop: store.resetShop(domain) });
      case "customers":
        return sendJson(res, 201, { customers: store.addCustomers(domain, list()) });
      case "orders":
        return sendJson(res, 201, { orders: store.addOrders(domain, list()) });
      case "collections":
        return sendJson(res, 201, { collections: store.addCollections(domain, list()) });
      case "faults": {
        const state = store.requireShop(domain);
        planFaults(state, faultInput.parse(body));
        return sendJson(res, 201, { faults: pendingFaults(state) });
      }
      default:
        return sendJson(res, 201, { products: store.addProducts(domain, list()) });
    }
  } catch (error) {
    if (error instanceof ZodError) {
      const issues = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      return sendJson(res, 400, { error: "invalid input", issues });
    }
    if (error instanceof StoreError) return sendJson(res, error.status, { error: error.message });
    if (error instanceof SyntaxError)
      return sendJson(res, 400, { error: `body is not JSON: ${error.message}` });
    throw error;
  }
}
