import type { IncomingMessage, ServerResponse } from "node:http";
import { parseJsonObject, readBody, sendJson } from "../http";

// A local stand-in for Klaviyo's Create Event endpoint as documented: POST /api/events with
// `Authorization: Klaviyo-API-Key <private key>`, a `revision` header, and a JSON:API body
// (`data.type = "event"`, attributes with `properties`, `metric` by name, `profile` by email,
// phone_number or id, optional `time` and `unique_id`). Answers 202 with no body, and
// JSON:API errors otherwise. Events land in a sink; the same unique_id is kept once, as
// Klaviyo deduplicates on it. Faults: the next N requests answer a status.

export type KlaviyoEvent = {
  apiKey: string;
  revision: string;
  metric: string;
  profile: Record<string, unknown>;
  properties: Record<string, unknown>;
  uniqueId: string | null;
  time: string | null;
};

export interface KlaviyoStubState {
  /** When non-empty, the only private keys accepted; otherwise any "pk_…" key is. */
  apiKeys: Set<string>;
  events: KlaviyoEvent[];
  faults: Array<{ status: number; count: number }>;
}

export const klaviyoStubState = (): KlaviyoStubState => ({ apiKeys: new Set(), events: [], faults: [] });

function errors(res: ServerResponse, status: number, code: string, detail: string) {
  sendJson(res, status, { errors: [{ status, code, title: code.replace(/_/g, " "), detail }] });
}

const record = (value: unknown): Record<string, unknown> | null =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;

/** Handles `path` (stripped of the /klaviyo prefix); false when it is not a Klaviyo API path. */
export async function handleKlaviyo(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  state: KlaviyoStubState,
): Promise<boolean> {
  if (path !== "/api/events" && path !== "/api/events/") return false;
  const auth = req.headers.authorization ?? "";
  const key = auth.startsWith("Klaviyo-API-Key ") ? auth.slice(16).trim() : "";
  if (!key || (state.apiKeys.size ? !state.apiKeys.has(key) : !key.startsWith("pk_"))) {
    errors(res, 401, "not_authenticated", "Authentication credentials were not provided or are invalid.");
    return true;
  }
  const revision = req.headers.revision;
  if (typeof revision !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(revision)) {
    errors(res, 400, "invalid", "The revision header is required.");
    return true;
  }
  if (req.method !== "POST") {
    errors(res, 405, "method_not_allowed", `Method "${req.method}" not allowed.`);
    return true;
  }
  const body = parseJsonObject(await readBody(req));
  const fault = state.faults[0];
  if (fault) {
    if (--fault.count <= 0) state.faults.shift();
    errors(res, fault.status, fault.status === 429 ? "throttled" : "error", "Planned fault.");
    return true;
  }
  const data = record(body?.data);
  const attributes = record(data?.attributes);
  const metric = record(record(record(attributes?.metric)?.data)?.attributes)?.name;
  const profile = record(record(record(attributes?.profile)?.data)?.attributes);
  const properties = record(attributes?.properties);
  if (data?.type !== "event" || !attributes || !properties) {
    errors(res, 400, "invalid", 'data.type must be "event" with attributes.properties.');
    return true;
  }
  if (typeof metric !== "string" || !metric) {
    errors(res, 400, "invalid", "attributes.metric.data.attributes.name is required.");
    return true;
  }
  if (
    !profile ||
    !["email", "phone_number", "id", "external_id"].some((k) => typeof profile[k] === "string")
  ) {
    errors(res, 400, "invalid", "The profile needs an email, phone_number, id or external_id.");
    return true;
  }
  const uniqueId = typeof attributes.unique_id === "string" ? attributes.unique_id : null;
  if (!uniqueId || !state.events.some((e) => e.uniqueId === uniqueId && e.metric === metric))
    state.events.push({
      apiKey: key,
      revision,
      metric,
      profile,
      properties,
      uniqueId,
      time: typeof attributes.time === "string" ? attributes.time : null,
    });
  res.writeHead(202).end();
  return true;
}

/** The control API under /_emulator/klaviyo/: the received events, planned faults. */
export async function handleKlaviyoControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  state: KlaviyoStubState,
): Promise<boolean> {
  if (path === "/_emulator/klaviyo/events" && req.method === "GET") {
    sendJson(res, 200, { events: state.events.map(({ apiKey: _key, ...event }) => event) });
    return true;
  }
  if (path === "/_emulator/klaviyo/faults" && req.method === "POST") {
    const body = parseJsonObject(await readBody(req)) ?? {};
    const status = Number(body.status);
    if (!Number.isInteger(status) || status < 400) {
      sendJson(res, 400, { errors: "status must be an HTTP error status" });
      return true;
    }
    state.faults.push({ status, count: Number(body.count) || 1 });
    sendJson(res, 200, { faults: state.faults });
    return true;
  }
  return false;
}
