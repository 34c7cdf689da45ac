import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server";
import { startTestEmulator } from "../testing";
import { twilioSignature } from "./handler";

// The Twilio and Klaviyo stand-ins answer as the real APIs document: authentication, the
// validations that matter to the app, the error shapes, planned faults, the sinks, and
// Twilio's signed posts to the app.

const SID = `AC${"12".repeat(16)}`;
const TOKEN = "auth-token-for-tests";
let emulator: Emulator;
let app: Server;
let appUrl = "";
const received: Array<{ url: string; signature: string | undefined; body: string }> = [];

beforeAll(async () => {
  emulator = await startTestEmulator();
  app = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ url: req.url ?? "", signature: req.headers["x-twilio-signature"] as string, body });
      res.writeHead(200).end("<Response/>");
    });
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emulator.close();
  await new Promise((resolve) => app.close(resolve));
});

const control = (path: string, body: unknown) =>
  fetch(`${emulator.url}/_emulator/${path}`, { method: "POST", body: JSON.stringify(body) });

function sendSms(params: Record<string, string>, auth = `${SID}:${TOKEN}`) {
  return fetch(`${emulator.url}/twilio/2010-04-01/Accounts/${SID}/Messages.json`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(auth).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(params),
  });
}

describe("Twilio Messages API", () => {
  it("sends from a registered account, refuses what Twilio refuses, and plays planned faults", async () => {
    expect((await control("twilio/accounts", { sid: "nope", authToken: "x" })).status).toBe(400);
    expect((await control("twilio/accounts", { sid: SID, authToken: TOKEN })).status).toBe(200);
    const ok = {
      To: "+15550102030",
      From: "+15550001111",
      Body: "Hi",
      StatusCallback: `${appUrl}/twilio/status`,
    };

    const unauthorized = await sendSms(ok, `${SID}:wrong`);
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ code: 20003 });
    const badTo = await sendSms({ ...ok, To: "555-0102" });
    expect(badTo.status).toBe(400);
    expect(await badTo.json()).toMatchObject({ code: 21211, status: 400 });
    expect(await (await sendSms({ ...ok, Body: "a".repeat(1601) })).json()).toMatchObject({ code: 21617 });
    expect(await (await sendSms({ To: ok.To, Body: "x" })).json()).toMatchObject({ code: 21603 });

    await control("twilio/faults", { status: 429, code: 20429, message: "Too Many Requests" });
    expect((await sendSms(ok)).status).toBe(429);
    const created = await sendSms(ok);
    expect(created.status).toBe(201);
    const message = (await created.json()) as { sid: string; status: string };
    expect(message).toMatchObject({ status: "queued", to: ok.To, from: ok.From, body: "Hi" });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    const sink = (await (await fetch(`${emulator.url}/_emulator/twilio/messages`)).json()) as {
      messages: unknown[];
    };
    expect(sink.messages).toHaveLength(1);

    // The delivery status, posted to the StatusCallback and signed with the account's token.
    expect(
      (await control("twilio/status", { sid: message.sid, status: "undelivered", errorCode: "30005" }))
        .status,
    ).toBe(200);
    const callback = received.at(-1)!;
    const params = Object.fromEntries(new URLSearchParams(callback.body));
    expect(params).toMatchObject({
      MessageSid: message.sid,
      MessageStatus: "undelivered",
      ErrorCode: "30005",
    });
    expect(callback.signature).toBe(twilioSignature(TOKEN, `${appUrl}/twilio/status`, params));

    await control("twilio/inbound", {
      accountSid: SID,
      from: ok.To,
      to: ok.From,
      body: "STOP",
      url: `${appUrl}/twilio/inbound?shop=a`,
    });
    const inbound = received.at(-1)!;
    expect(Object.fromEntries(new URLSearchParams(inbound.body))).toMatchObject({
      From: ok.To,
      Body: "STOP",
      AccountSid: SID,
    });
    expect(inbound.signature).toBe(
      twilioSignature(
        TOKEN,
        `${appUrl}/twilio/inbound?shop=a`,
        Object.fromEntries(new URLSearchParams(inbound.body)),
      ),
    );
  });
});

describe("Klaviyo Create Event", () => {
  const event = (uniqueId: string) => ({
    data: {
      type: "event",
      attributes: {
        properties: { subject: "Hi" },
        metric: { data: { type: "metric", attributes: { name: "Loyalty Optimizer message" } } },
        profile: { data: { type: "profile", attributes: { email: "ana@example.com" } } },
        unique_id: uniqueId,
      },
    },
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${emulator.url}/klaviyo/api/events`, {
      method: "POST",
      headers: {
        Authorization: "Klaviyo-API-Key pk_test_key_01234567890",
        revision: "2025-01-15",
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it("accepts an event once per unique_id and refuses bad keys, a missing revision and bad bodies", async () => {
    expect((await post(event("a"), { Authorization: "Bearer x" })).status).toBe(401);
    expect((await post(event("a"), { revision: "" })).status).toBe(400);
    const bad = await post({ data: { type: "event", attributes: { properties: {} } } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ status: 400, code: "invalid" }] });
    await control("klaviyo/faults", { status: 503 });
    expect((await post(event("a"))).status).toBe(503);
    expect((await post(event("a"))).status).toBe(202);
    expect((await post(event("a"))).status).toBe(202);
    const { events } = (await (await fetch(`${emulator.url}/_emulator/klaviyo/events`)).json()) as {
      events: Array<{ uniqueId: string; apiKey?: string }>;
    };
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ uniqueId: "a", metric: "Loyalty Optimizer message" });
    expect(events[0]!.apiKey).toBeUndefined();
  });
});
