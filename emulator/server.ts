import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleAdminFrame } from "./admin-frame/handler";
import type { EmulatorConfig } from "./config";
import { handleControl } from "./control";
import { BULK_RESULTS_PATH, bulkOperations, handleBulkResult } from "./graphql/bulk";
import { GRAPHQL_PATH, handleAdminGraphql } from "./graphql/endpoint";
import { buildAdminSchema } from "./graphql/schema";
import { LeakyBuckets } from "./graphql/throttle";
import { BodyTooLargeError, sendJson } from "./http";
import { ACCESS_TOKEN_PATH, handleAccessToken } from "./oauth/endpoint";
import { startMailbox, type Mailbox } from "./mail/mailbox";
import { handleMail } from "./mail/view";
import {
  handleKlaviyo,
  handleKlaviyoControl,
  klaviyoStubState,
  type KlaviyoStubState,
} from "./klaviyo/handler";
import { handleOpenAi, openAiStubState, type OpenAiStubState } from "./openai/handler";
import { EmulatorStore } from "./store";
import { handleTwilio, handleTwilioControl, twilioStubState, type TwilioStubState } from "./twilio/handler";
import { sendWebhook, type WebhookDelivery, type WebhookResult } from "./webhooks";

// The emulator's HTTP server: Shopify's OAuth and Admin GraphQL endpoints, the control
// API under /_emulator/, and the admin frame (delegated to admin-frame/handler.ts).

export type Emulator = {
  server: Server;
  store: EmulatorStore;
  /** The OpenAI stub served under /openai/v1 (OPENAI_BASE_URL=<url>/openai/v1). */
  openAi: OpenAiStubState;
  /** The mail catcher (an SMTP server) when started with `mail`, served as "Sent messages" at /mail. */
  mail: Mailbox | null;
  /** The Twilio Messages API under /twilio (TWILIO_API_BASE_URL=<url>/twilio): accounts, sink, faults. */
  twilio: TwilioStubState;
  /** Klaviyo's Create Event under /klaviyo (KLAVIYO_API_BASE_URL=<url>/klaviyo): events received, faults. */
  klaviyo: KlaviyoStubState;
  /** Origin the emulator listens on, e.g. http://127.0.0.1:4100 (set SHOPIFY_API_ORIGIN to it). */
  url: string;
  close(): Promise<void>;
  sendWebhook(delivery: WebhookDelivery): Promise<WebhookResult>;
};

const OPENAI_PREFIX = "/openai";
const TWILIO_PREFIX = "/twilio";
const KLAVIYO_PREFIX = "/klaviyo";
const ADMIN_FRAME_PREFIXES = ["/admin-frame", "/store/", "/app-bridge.js", "/session-token"];

export async function createEmulator(
  config: EmulatorConfig,
  options: {
    onError?: (error: unknown) => void;
    /** Start the mail catcher on this SMTP port (0: any free port). */
    mail?: { port: number };
  } = {},
): Promise<Emulator> {
  const onError = options.onError ?? ((error: unknown) => console.error("emulator request failed", error));
  const store = new EmulatorStore(config.now);
  store.createShop({ domain: config.defaultShop });
  const admin = buildAdminSchema();
  const buckets = new LeakyBuckets(config.throttle, config.now);
  const openAi = openAiStubState();
  const mail = options.mail ? await startMailbox({ port: options.mail.port, host: config.host }) : null;
  const twilio = twilioStubState();
  const klaviyo = klaviyoStubState();
  const deliver = (delivery: WebhookDelivery) =>
    sendWebhook(
      {
        appUrl: config.appUrl,
        apiSecret: config.apiSecret,
        apiVersion: config.webhookApiVersion,
        now: config.now,
      },
      delivery,
    );
  let url = "";

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? "/", url);
    const path = requestUrl.pathname;
    if (ADMIN_FRAME_PREFIXES.some((prefix) => path.startsWith(prefix))) {
      if (await handleAdminFrame(req, res, { config, store, url })) return;
      return sendJson(res, 404, { errors: "Not Found" });
    }
    if (
      path.startsWith(OPENAI_PREFIX) &&
      (await handleOpenAi(req, res, path.slice(OPENAI_PREFIX.length), openAi))
    )
      return;
    if (handleMail(req, res, requestUrl, mail, () => twilio.messages)) return;
    if (
      path.startsWith(TWILIO_PREFIX) &&
      (await handleTwilio(req, res, path.slice(TWILIO_PREFIX.length), twilio, config.now))
    )
      return;
    if (
      path.startsWith(KLAVIYO_PREFIX) &&
      (await handleKlaviyo(req, res, path.slice(KLAVIYO_PREFIX.length), klaviyo))
    )
      return;
    if (await handleTwilioControl(req, res, path, twilio)) return;
    if (await handleKlaviyoControl(req, res, path, klaviyo)) return;
    if (path.startsWith(BULK_RESULTS_PATH)) return handleBulkResult(req, res, store, path);
    if (path.startsWith("/_emulator/"))
      return handleControl(req, res, requestUrl, { store, sendWebhook: deliver });
    if (path === ACCESS_TOKEN_PATH && req.method === "POST")
      return handleAccessToken(req, res, { config, store });
    const graphql = GRAPHQL_PATH.exec(path);
    if (graphql && req.method === "POST")
      return handleAdminGraphql(req, res, graphql[1] ?? "", { config, store, admin, buckets });
    if (path === "/" && req.method === "GET") {
      return sendJson(res, 200, { emulator: "shopify-admin", shops: store.listShops().map((s) => s.domain) });
    }
    sendJson(res, 404, { errors: "Not Found" });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { errors: error.message });
      onError(error);
      if (!res.headersSent) sendJson(res, 500, { errors: "Internal Server Error" });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${address.port}`;
  bulkOperations(store).baseUrl = url;

  return {
    server,
    store,
    openAi,
    mail,
    twilio,
    klaviyo,
    url,
    sendWebhook: deliver,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        bulkOperations(store).dispose();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      await mail?.close();
    },
  };
}
