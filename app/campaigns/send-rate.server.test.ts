import { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, createQueue } from "~/jobs/queue.server";
import { createRedis, redis } from "~/redis.server";
import { campaignsAction } from "~/admin/campaigns/page.server";
import { seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { waitFor } from "~tests/support/campaign-e2e";
import { campaignsProcessor } from "../../workers/processors/campaigns";
import { saveCampaign, saveEmailSettings, saveSmsSettings, shopSending } from "./campaigns.server";
import { deliverSend, type DeliveryDeps } from "./deliver.server";
import { enqueueSends, sendJobId } from "./jobs.server";
import { providerBudget, rateSlots } from "./send-rate.server";
import { emailOnly, type EmailTransport, type OutgoingEmail } from "./transport.server";

// The per-provider send rate against the real PostgreSQL and Redis: shops on one SMTP login
// share its budget (a send over it waits, unclaimed, and goes the next minute, once), a send
// the shop's own rate refuses does not use the provider's budget, Redis holds no secret, and
// the settings page saves the rates (422 for a bad one).

const db = prisma();
const A = "rate-a.myshopify.com";
const B = "rate-b.myshopify.com";
const C = "rate-c.myshopify.com";
const URLS = { twilio: "https://api.twilio.test", klaviyo: "https://a.klaviyo.test" };
const NOON = new Date("2026-12-07T12:00:10Z");
let sent: OutgoingEmail[];

const transport: EmailTransport = {
  async send(email) {
    sent.push(email);
    return { providerMessageId: `<${email.sendId}@test>` };
  },
};
const deps = (now: Date, extra: Partial<DeliveryDeps> = {}): DeliveryDeps => ({
  now: () => now,
  transportFor: () => emailOnly(transport),
  takeRateSlot: rateSlots(redis(), URLS),
  ...extra,
});

async function shopWithSmtp(shop: string, smtp: { host: string; user: string; password: string }) {
  await seedProgram(db, shop, {});
  const saved = await saveEmailSettings(db, shop, {
    fromEmail: `rewards@${shop}`,
    smtpHost: smtp.host,
    smtpPort: 587,
    smtpUser: smtp.user,
    smtpPassword: smtp.password,
    memberCapCount: 10,
    smtpSendsPerMinute: 1,
  });
  expect(saved).toEqual({ ok: true });
}

async function queuedSend(shop: string, customerId: bigint) {
  await db.customer.create({
    data: { shop, id: customerId, email: `m${customerId}@example.com`, emailConsent: true, firstName: "Ana" },
  });
  await seedMember(db, shop, customerId, 10);
  const saved = await saveCampaign(
    db,
    shop,
    {
      name: "Hello",
      kind: "trigger",
      trigger: "tierUpgrade",
      subject: "Hi",
      body: "Hello {firstName}.",
      enabled: true,
    },
    { now: new Date("2026-12-01T00:00:00Z") },
  );
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  return db.campaignSend.create({
    data: { shop, campaignId: saved.campaign.id, customerId, occurrence: "occ-1", channel: "email" },
  });
}

const statusOf = (id: string) => db.campaignSend.findUniqueOrThrow({ where: { id } });

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  sent = [];
  // A and B: one merchant's two shops on one SMTP login (the host's case differs, and so do
  // the stored passwords); C: the same server, another login.
  await shopWithSmtp(A, { host: "smtp.shared.example", user: "merchant", password: "pw-a" });
  await shopWithSmtp(B, { host: "SMTP.Shared.example", user: "merchant", password: "pw-b" });
  await shopWithSmtp(C, { host: "smtp.shared.example", user: "someone-else", password: "pw-c" });
});

describe("the provider account's rate", () => {
  it("is shared by the shops on one SMTP login: the next send waits unclaimed and goes the next minute, once", async () => {
    const [a, b, c] = [await queuedSend(A, 1n), await queuedSend(B, 1n), await queuedSend(C, 1n)];
    expect(await deliverSend(db, a.id, { finalAttempt: false }, deps(NOON))).toMatchObject({
      status: "sent",
    });
    expect(await deliverSend(db, b.id, { finalAttempt: false }, deps(NOON))).toEqual({
      status: "wait",
      until: new Date("2026-12-07T12:01:00Z"),
      reason: "rate limit",
    });
    expect(await statusOf(b.id)).toMatchObject({ status: "queued", sendingSince: null, error: null });
    // Another login on the same server has its own budget.
    expect(await deliverSend(db, c.id, { finalAttempt: false }, deps(NOON))).toMatchObject({
      status: "sent",
    });
    const nextMinute = new Date("2026-12-07T12:01:00Z");
    expect(await deliverSend(db, b.id, { finalAttempt: false }, deps(nextMinute))).toMatchObject({
      status: "sent",
    });
    expect(await deliverSend(db, b.id, { finalAttempt: false }, deps(nextMinute))).toEqual({
      status: "done",
    });
    expect(sent.map((m) => m.to)).toEqual(["m1@example.com", "m1@example.com", "m1@example.com"]);
    expect((await statusOf(b.id)).status).toBe("sent");
  });

  it("counts neither budget when one refuses, and keeps secrets and addresses out of Redis", async () => {
    const take = rateSlots(redis(), URLS);
    const sendingA = await shopSending(db, A);
    const sendingB = await shopSending(db, B);
    // A's own rate is used up: its refusal leaves the shared SMTP budget for B.
    expect(
      await take(
        A,
        {
          ...sendingA,
          sendsPerMinute: 1,
          providerSendsPerMinute: { ...sendingA.providerSendsPerMinute, smtp: 5 },
        },
        "email",
        NOON,
      ),
    ).toBeNull();
    expect(
      await take(
        A,
        {
          ...sendingA,
          sendsPerMinute: 1,
          providerSendsPerMinute: { ...sendingA.providerSendsPerMinute, smtp: 5 },
        },
        "email",
        NOON,
      ),
    ).not.toBeNull();
    const budget = providerBudget(sendingA, "email", URLS)!;
    const minute = Math.floor(NOON.getTime() / 60_000);
    expect(await redis().get(`campaigns:provider-rate:${budget.key}:${minute}`)).toBe("1");
    expect(providerBudget(sendingB, "email", URLS)).toEqual(budget);
    expect(
      await take(
        B,
        { ...sendingB, providerSendsPerMinute: { ...sendingB.providerSendsPerMinute, smtp: 2 } },
        "email",
        NOON,
      ),
    ).toBeNull();
    expect(
      await take(
        B,
        { ...sendingB, providerSendsPerMinute: { ...sendingB.providerSendsPerMinute, smtp: 2 } },
        "email",
        NOON,
      ),
    ).not.toBeNull();
    expect(await redis().get(`campaigns:rate:${B}:${minute}`)).toBe("1");

    // Klaviyo and Twilio: keyed by the account, never holding the key or the SID in clear.
    expect(
      await saveEmailSettings(db, A, { emailProvider: "klaviyo", klaviyoApiKey: "pk_secret_klaviyo_key" }),
    ).toEqual({ ok: true });
    expect(
      await saveEmailSettings(db, B, { emailProvider: "klaviyo", klaviyoApiKey: "pk_secret_klaviyo_key" }),
    ).toEqual({ ok: true });
    const sid = `AC${"ab".repeat(16)}`;
    for (const [shop, from] of [
      [A, "+18005550100"],
      [B, "+15550102030"],
    ] as const)
      expect(
        await saveSmsSettings(db, shop, {
          twilioAccountSid: sid,
          twilioAuthToken: "twilio-secret",
          twilioFrom: from,
        }),
      ).toEqual({ ok: true });
    const [klaviyoA, klaviyoB] = [
      providerBudget(await shopSending(db, A), "email", URLS)!,
      providerBudget(await shopSending(db, B), "email", URLS)!,
    ];
    expect(klaviyoA).toEqual({ provider: "klaviyo", key: klaviyoB.key, perMinute: 3000 });
    const [twilioA, twilioB] = [
      providerBudget(await shopSending(db, A), "sms", URLS)!,
      providerBudget(await shopSending(db, B), "sms", URLS)!,
    ];
    expect(twilioA.key).toBe(twilioB.key);
    // A toll-free sender sends 3 segments a second, a long code 1.
    expect([twilioA.perMinute, twilioB.perMinute]).toEqual([180, 60]);
    expect(await take(A, await shopSending(db, A), "email", NOON)).toBeNull();
    expect(await take(A, await shopSending(db, A), "sms", NOON)).toBeNull();
    const keys = (await redis().keys("campaigns:*")).join(" ");
    for (const secret of ["pk_secret_klaviyo_key", sid, "merchant", "shared.example", "pw-a"])
      expect(keys).not.toContain(secret);
  });

  it("saves each provider's rate from the settings page (empty: the default), and 422s a bad one", async () => {
    const form = (entries: Record<string, string>) => {
      const data = new FormData();
      for (const [k, v] of Object.entries(entries)) data.set(k, v);
      return data;
    };
    const email = {
      intent: "save-settings",
      emailProvider: "smtp",
      fromEmail: "rewards@a.example",
      smtpHost: "smtp.shared.example",
      smtpPort: "587",
      smtpUser: "merchant",
      klaviyoSendsPerMinute: "",
    };
    expect(await campaignsAction(db, A, form({ ...email, smtpSendsPerMinute: "250" }))).toMatchObject({
      status: 200,
    });
    expect((await shopSending(db, A)).providerSendsPerMinute).toEqual({
      smtp: 250,
      klaviyo: null,
      twilio: null,
    });
    expect(await campaignsAction(db, A, form({ ...email, smtpSendsPerMinute: "0" }))).toMatchObject({
      status: 422,
      body: { fieldErrors: { smtpSendsPerMinute: "At least 1 a minute." } },
    });
    expect(await campaignsAction(db, A, form({ ...email, smtpSendsPerMinute: "1.5" }))).toMatchObject({
      status: 422,
    });
    expect((await shopSending(db, A)).providerSendsPerMinute.smtp).toBe(250);
    expect(await campaignsAction(db, A, form({ ...email, smtpSendsPerMinute: "" }))).toMatchObject({
      status: 200,
    });
    expect(providerBudget(await shopSending(db, A), "email", URLS)?.perMinute).toBe(600);
    const sms = {
      intent: "save-sms-settings",
      twilioAccountSid: `AC${"cd".repeat(16)}`,
      twilioAuthToken: "t",
      twilioFrom: "+15550102030",
    };
    expect(await campaignsAction(db, A, form({ ...sms, twilioSendsPerMinute: "30" }))).toMatchObject({
      status: 200,
    });
    expect(providerBudget(await shopSending(db, A), "sms", URLS)?.perMinute).toBe(30);
    expect(await campaignsAction(db, A, form({ ...sms, twilioSendsPerMinute: "many" }))).toMatchObject({
      status: 422,
      body: { fieldErrors: { twilioSendsPerMinute: expect.any(String) } },
    });
  });
});

describe("in the worker", () => {
  const connection = createRedis();
  const campaigns = createQueue(QUEUE.campaigns, connection);
  let worker: Worker;
  beforeAll(() => {
    worker = new Worker(
      QUEUE.campaigns,
      campaignsProcessor(db, campaigns, connection, () => Promise.reject(new Error("no Shopify")), {
        sendJobOptions: { attempts: 3, backoff: { type: "fixed", delay: 200 } },
        delivery: { transportFor: () => emailOnly(transport), takeRateSlot: rateSlots(connection, URLS) },
      }),
      { connection: createRedis(), concurrency: 2 },
    );
  });
  afterAll(async () => {
    await worker.close();
    await campaigns.close();
    await closeQueues();
  });

  it("delays the job over the shared budget without spending an attempt or failing the send", async () => {
    // Not in a minute's last seconds, so both jobs run in one window.
    while (Date.now() % 60_000 > 50_000) await new Promise((r) => setTimeout(r, 500));
    const [a, b] = [await queuedSend(A, 1n), await queuedSend(B, 1n)];
    await enqueueSends(campaigns, [a.id, b.id], { attempts: 3, backoff: { type: "fixed", delay: 200 } });
    const states = await waitFor(async () => {
      const s = await Promise.all([a.id, b.id].map((id) => campaigns.getJobState(sendJobId(id))));
      return s.includes("completed") && s.includes("delayed") ? s : null;
    });
    const late = states[0] === "delayed" ? a : b;
    const job = await campaigns.getJob(sendJobId(late.id));
    expect(job?.attemptsMade).toBe(0);
    expect(await statusOf(late.id)).toMatchObject({ status: "queued", sendingSince: null });
    expect(sent).toHaveLength(1);
    await job!.remove();
  });
});
