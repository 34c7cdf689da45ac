import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorConfig } from "../config";
import { createEmulator, type Emulator } from "../server";

// The mail catcher as the demo runs it: mail in through SMTP (nodemailer, as the app sends),
// out through the "Sent messages" pages and their JSON.

let emulator: Emulator;

beforeAll(async () => {
  emulator = await createEmulator(
    emulatorConfig({ port: 0, apiKey: "k", apiSecret: "s", appUrl: "http://127.0.0.1:1" }),
    { mail: { port: 0 } },
  );
});
afterAll(() => emulator.close());

async function send(to: string, subject: string, html: string) {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: emulator.mail!.port,
    secure: false,
    ignoreTLS: true,
  });
  await transport.sendMail({
    from: '"Lamp & Co" <hello@lamp.example>',
    to,
    subject,
    html,
    text: "Plain words",
    headers: { "List-Unsubscribe": "<https://app.example/unsubscribe?t=abc>" },
  });
  transport.close();
}

describe("the emulator's mail catcher", () => {
  it("keeps what arrives by SMTP and lists it newest first, escaped, filtered by recipient", async () => {
    await send("ana@example.com", "You reached Gold", "<p>Hello <b>Ana</b></p>");
    await send("bo@example.com", "<script>alert(1)</script> points", "<p>Hi</p>");
    expect(emulator.mail!.messages).toHaveLength(2);

    const list = await fetch(`${emulator.url}/mail`);
    expect(list.status).toBe(200);
    expect(list.headers.get("cache-control")).toBe("no-store");
    const html = await list.text();
    expect(html.indexOf("points")).toBeLessThan(html.indexOf("You reached Gold"));
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; points");

    const filtered = await (await fetch(`${emulator.url}/mail?to=ana@`)).text();
    expect(filtered).toContain("You reached Gold");
    expect(filtered).not.toContain("alert(1)");

    const json = (await (await fetch(`${emulator.url}/mail/api/messages?to=ana@example.com`)).json()) as {
      messages: { id: number; subject: string; text: string; html: string; listUnsubscribe: unknown }[];
    };
    expect(json.messages).toHaveLength(1);
    expect(json.messages[0]).toMatchObject({ subject: "You reached Gold", text: "Plain words" });
    expect(json.messages[0]!.html).toContain("<b>Ana</b>");
    expect(json.messages[0]!.listUnsubscribe).toBe("<https://app.example/unsubscribe?t=abc>");

    const one = await fetch(`${emulator.url}/mail/${json.messages[0]!.id}`);
    expect(one.status).toBe(200);
    const body = await one.text();
    // The message's HTML goes into a sandboxed frame, as text of its srcdoc attribute.
    expect(body).toMatch(/<iframe[^>]+sandbox="allow-popups allow-popups-to-escape-sandbox"/);
    expect(body).toContain("&lt;b&gt;Ana&lt;/b&gt;");
    expect(body).toContain("Plain words");
  });

  it("lists the texts the SMS stand-in accepted beside the email", async () => {
    emulator.twilio.messages.push({
      sid: "SM1",
      accountSid: "AC1",
      to: "+15550001111",
      from: "+15550009999",
      messagingServiceSid: null,
      body: "Ana, you are now <Gold>. Reply STOP to opt out.",
      statusCallback: null,
      status: "queued",
      dateCreated: "2026-12-07T10:00:00.000Z",
    });
    const html = await (await fetch(`${emulator.url}/mail`)).text();
    expect(html).toContain("Texts (SMS)");
    expect(html).toContain("+15550001111");
    expect(html).toContain("Ana, you are now &lt;Gold&gt;. Reply STOP to opt out.");
    expect(await (await fetch(`${emulator.url}/mail?to=%2B1555000`)).text()).toContain("Reply STOP");
    expect(await (await fetch(`${emulator.url}/mail?to=ana@`)).text()).not.toContain("Reply STOP");
  });

  it("answers 404 for a message it does not have and 405 for anything but GET", async () => {
    expect((await fetch(`${emulator.url}/mail/999999`)).status).toBe(404);
    expect((await fetch(`${emulator.url}/mail/abc`)).status).toBe(404);
    expect((await fetch(`${emulator.url}/mail`, { method: "POST" })).status).toBe(405);
  });

  it("refuses with the code asked for, then accepts again", async () => {
    emulator.mail!.clear();
    emulator.mail!.failNext(1, 451);
    await expect(send("cy@example.com", "Retry me", "<p>x</p>")).rejects.toThrow(/451/);
    await send("cy@example.com", "Retry me", "<p>x</p>");
    expect(emulator.mail!.caught().map((m) => m.to)).toEqual([["cy@example.com"]]);
  });
});
