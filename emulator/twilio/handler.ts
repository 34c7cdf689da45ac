import { createHmac, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseJsonObject, readBody, sendJson } from "../http";

// A local stand-in for Twilio's Messages API as documented: POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json (form-encoded To, From or
// MessagingServiceSid, Body, StatusCallback; HTTP basic auth AccountSid:AuthToken), answering
// 201 with the Message resource, or Twilio's error shape `{ code, message, more_info, status }`.
// Every accepted message lands in a sink that tests and the demo read. Faults are planned
// like the Shopify ones (the next N requests answer an HTTP status and Twilio error code, and
// create nothing). It also plays Twilio's side of the app's webhooks: an inbound message or a
// delivery status, form-encoded and signed with X-Twilio-Signature (HMAC-SHA1 of the URL and
// the sorted parameters, keyed with the account's auth token).

export type TwilioMessage = {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  status: string;
  dateCreated: string;
};

export type TwilioFault = { status: number; code: number; message: string; count?: number };

export interface TwilioStubState {
  /** Account SID → auth token. Only these accounts authenticate. */
  accounts: Map<string, string>;
  messages: TwilioMessage[];
  faults: TwilioFault[];
}

export const twilioStubState = (): TwilioStubState => ({ accounts: new Map(), messages: [], faults: [] });

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const E164 = /^\+[1-9]\d{6,14}$/;

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString("hex")}`;

function twilioError(res: ServerResponse, status: number, code: number, message: string) {
  sendJson(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

function resource(message: TwilioMessage) {
  return {
    sid: message.sid,
    account_sid: message.accountSid,
    api_version: "2010-04-01",
    to: message.to,
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    body: message.body,
    status: message.status,
    direction: "outbound-api",
    error_code: null,
    error_message: null,
    date_created: message.dateCreated,
    date_updated: message.dateCreated,
    date_sent: null,
    price: null,
    uri: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}.json`,
  };
}

/** Handles `path` (stripped of the /twilio prefix); false when it is not a Twilio API path. */
export async function handleTwilio(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  state: TwilioStubState,
  now: () => number = Date.now,
): Promise<boolean> {
  const match = MESSAGES_PATH.exec(path);
  if (!match) return false;
  const accountSid = decodeURIComponent(match[1]!);
  const auth = req.headers.authorization ?? "";
  const [user, token] = auth.startsWith("Basic ")
    ? Buffer.from(auth.slice(6), "base64").toString("utf8").split(":")
    : [];
  if (!user || user !== accountSid || state.accounts.get(user) !== token) {
    twilioError(res, 401, 20003, "Authenticate");
    return true;
  }
  if (req.method === "GET") {
    const messages = state.messages.filter((m) => m.accountSid === accountSid).map(resource);
    sendJson(res, 200, { messages, page: 0, page_size: messages.length });
    return true;
  }
  if (req.method !== "POST") {
    twilioError(res, 405, 20004, "Method not allowed");
    return true;
  }
  const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
  const refuse = (status: number, code: number, message: string) => {
    twilioError(res, status, code, message);
    return true;
  };
  const fault = state.faults[0];
  if (fault) {
    if ((fault.count ?? 1) <= 1) state.faults.shift();
    else fault.count = (fault.count ?? 1) - 1;
    twilioError(res, fault.status, fault.code, fault.message);
    return true;
  }
  const to = params.To ?? "";
  if (!to) return refuse(400, 21604, "A 'To' phone number is required.");
  if (!E164.test(to)) return refuse(400, 21211, `Invalid 'To' Phone Number: ${to}`);
  const from = params.From || null;
  const service = params.MessagingServiceSid || null;
  if (!from && !service)
    return refuse(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required.");
  const body = params.Body ?? "";
  if (!body) return refuse(400, 21602, "Message body is required.");
  if (Array.from(body).length > 1600)
    return refuse(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
  const message: TwilioMessage = {
    sid: sid("SM"),
    accountSid,
    to,
    from,
    messagingServiceSid: service,
    body,
    statusCallback: params.StatusCallback || null,
    status: service ? "accepted" : "queued",
    dateCreated: new Date(now()).toUTCString(),
  };
  state.messages.push(message);
  sendJson(res, 201, resource(message));
  return true;
}

/** Posts a form to the app as Twilio would, signed with the account's auth token. */
export async function postSigned(
  authToken: string,
  url: string,
  params: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": twilioSignature(authToken, url, params),
    },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: await response.text() };
}

/** An inbound SMS from `from` to the account's number, delivered to the app's webhook `url`. */
export function sendInbound(
  state: TwilioStubState,
  input: { accountSid: string; from: string; to: string; body: string; url: string },
) {
  const token = state.accounts.get(input.accountSid);
  if (!token) throw new Error(`Unknown Twilio account ${input.accountSid}`);
  return postSigned(token, input.url, {
    MessageSid: sid("SM"),
    SmsSid: sid("SM"),
    AccountSid: input.accountSid,
    From: input.from,
    To: input.to,
    Body: input.body,
    NumMedia: "0",
    NumSegments: "1",
    SmsStatus: "received",
    ApiVersion: "2010-04-01",
  });
}

/** The delivery status of a sent message, posted to its StatusCallback. */
export function sendStatus(
  state: TwilioStubState,
  input: { sid: string; status: "sent" | "delivered" | "undelivered" | "failed"; errorCode?: string },
) {
  const message = state.messages.find((m) => m.sid === input.sid);
  if (!message?.statusCallback) throw new Error(`No message ${input.sid} with a status callback`);
  message.status = input.status;
  return postSigned(state.accounts.get(message.accountSid)!, message.statusCallback, {
    MessageSid: message.sid,
    SmsSid: message.sid,
    AccountSid: message.accountSid,
    To: message.to,
    From: message.from ?? "",
    MessageStatus: input.status,
    SmsStatus: input.status,
    ApiVersion: "2010-04-01",
    ...(input.errorCode ? { ErrorCode: input.errorCode } : {}),
  });
}

/** The control API under /_emulator/twilio/: accounts, the sink, faults, inbound and status posts. */
export async function handleTwilioControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  state: TwilioStubState,
): Promise<boolean> {
  if (!path.startsWith("/_emulator/twilio/")) return false;
  const action = path.slice("/_emulator/twilio/".length);
  if (action === "messages" && req.method === "GET") {
    sendJson(res, 200, { messages: state.messages });
    return true;
  }
  if (req.method !== "POST") return false;
  const body = parseJsonObject(await readBody(req)) ?? {};
  const reply = (status: number, answer: unknown) => {
    sendJson(res, status, answer);
    return true;
  };
  const text = (key: string) => (typeof body[key] === "string" ? (body[key] as string) : "");
  if (action === "accounts") {
    if (!/^AC[0-9a-f]{32}$/i.test(text("sid")) || !text("authToken"))
      return reply(400, { errors: "sid (AC + 32 hex) and authToken are required" });
    state.accounts.set(text("sid"), text("authToken"));
    sendJson(res, 200, { accounts: [...state.accounts.keys()] });
  } else if (action === "faults") {
    const status = Number(body.status);
    if (!Number.isInteger(status) || status < 400)
      return reply(400, { errors: "status must be an HTTP error status" });
    state.faults.push({
      status,
      code: Number(body.code) || 20500,
      message: text("message") || "Internal Server Error",
      count: Number(body.count) || 1,
    });
    sendJson(res, 200, { faults: state.faults });
  } else if (action === "inbound") {
    const input = {
      accountSid: text("accountSid"),
      from: text("from"),
      to: text("to"),
      body: text("body"),
      url: text("url"),
    };
    if (!state.accounts.has(input.accountSid) || !input.url)
      return reply(400, { errors: "a known accountSid and the app's url are required" });
    sendJson(res, 200, await sendInbound(state, input));
  } else if (action === "status") {
    const status = text("status");
    if (!["sent", "delivered", "undelivered", "failed"].includes(status))
      return reply(400, { errors: "status: sent, delivered, undelivered or failed" });
    if (!state.messages.some((m) => m.sid === text("sid") && m.statusCallback))
      return reply(404, { errors: "no such message with a status callback" });
    sendJson(
      res,
      200,
      await sendStatus(state, {
        sid: text("sid"),
        status: status as "delivered",
        errorCode: text("errorCode") || undefined,
      }),
    );
  } else return false;
  return true;
}
