import type { Job } from "bullmq";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { createQueue } from "~/jobs/queue.server";
import { redis } from "~/redis.server";
import { campaignsProcessor } from "../../../workers/processors/campaigns";
import { seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { saveCampaign, saveEmailSettings } from "../campaigns.server";
import { deliverSend, type DeliveryDeps } from "../deliver.server";
import { emailOnly, type EmailTransport, type OutgoingEmail } from "../transport.server";
import { collectCustomerData, redactCustomerData } from "~/webhooks/customer-data.server";
import { loadChannelStats, loadHourCounts, loadReachability } from "./inputs.server";
import { memberSendTime, refreshSendTimes } from "./refresh.server";
import { resolveSendChannel } from "./deliver-hook.server";

// The loaders against real PostgreSQL (each query scoped by shop), the stored choice, and a
// send that waits for the member's hour in the shop's time zone, with quiet hours winning.

const db = prisma();
const SHOP = "sendtime.myshopify.com"; // Europe/Paris: UTC+1 in December
const OTHER = "sendtime-other.myshopify.com"; // UTC
let orderId = 0n;
let sent: OutgoingEmail[];
const transport: EmailTransport = {
  async send(email) {
    sent.push(email);
    return { providerMessageId: `<${email.sendId}@test>` };
  },
};
const deps = (now: Date): DeliveryDeps => ({ now: () => now, transportFor: () => emailOnly(transport) });

beforeEach(async () => {
  await resetDatabase(db);
  sent = [];
  for (const [shop, zone] of [
    [SHOP, "Europe/Paris"],
    [OTHER, "UTC"],
  ] as const) {
    await seedProgram(db, shop, {});
    await db.shop.update({ where: { domain: shop }, data: { name: "Lamp", ianaTimezone: zone } });
  }
});

async function customer(
  shop: string,
  id: bigint,
  input: {
    email?: string | null;
    emailConsent?: boolean;
    phone?: string;
    smsConsent?: boolean;
    member?: boolean;
  } = {},
) {
  await db.customer.create({
    data: {
      shop,
      id,
      email: input.email === undefined ? `c${id}@example.com` : input.email,
      emailConsent: input.emailConsent ?? true,
      phone: input.phone ?? null,
      smsConsent: input.smsConsent ?? false,
      firstName: "Ana",
    },
  });
  if (input.member ?? true) await seedMember(db, shop, id, 100);
}

async function order(
  shop: string,
  customerId: bigint | null,
  processedAt: string,
  extra: { test?: boolean; cancelled?: boolean } = {},
) {
  orderId += 1n;
  await db.order.create({
    data: {
      shop,
      id: orderId,
      customerId,
      name: `#${orderId}`,
      currencyCode: "EUR",
      subtotalMinor: 1000n,
      totalMinor: 1000n,
      processedAt: new Date(processedAt),
      test: extra.test ?? false,
      cancelledAt: extra.cancelled ? new Date(processedAt) : null,
    },
  });
}

describe("loadHourCounts", () => {
  it("counts orders at the shop-local hour, per member and pooled, for one shop only", async () => {
    await customer(SHOP, 1n);
    await customer(SHOP, 2n, { member: false });
    await customer(OTHER, 1n);
    await order(SHOP, 1n, "2026-11-02T18:10:00Z"); // 19:10 in Paris
    await order(SHOP, 1n, "2026-11-09T18:50:00Z"); // 19:50
    await order(SHOP, 1n, "2026-11-10T23:30:00Z"); // 00:30 the next day
    await order(SHOP, 2n, "2026-11-10T08:00:00Z"); // a customer who is not a member: the shop prior only
    await order(SHOP, 1n, "2026-11-11T05:00:00Z", { test: true });
    await order(SHOP, 1n, "2026-11-11T05:00:00Z", { cancelled: true });
    await order(OTHER, 1n, "2026-11-02T03:00:00Z");

    const counts = await loadHourCounts(db, SHOP, "Europe/Paris", {
      engagement: [{ customerId: 1n, kind: "open", hour: 7, count: 2 }],
    });
    expect(nonZero(counts.shop.order)).toEqual({ 0: 1, 9: 1, 19: 2 });
    expect(nonZero(counts.shop.open)).toEqual({ 7: 2 });
    expect([...counts.members.keys()]).toEqual([1n]);
    expect(nonZero(counts.members.get(1n)!.order)).toEqual({ 0: 1, 19: 2 });
    expect(nonZero(counts.members.get(1n)!.open)).toEqual({ 7: 2 });

    const other = await loadHourCounts(db, OTHER, "UTC");
    expect(nonZero(other.shop.order)).toEqual({ 3: 1 });
    await expect(
      loadHourCounts(db, SHOP, "UTC", {
        engagement: [{ customerId: 1n, kind: "click", hour: 24, count: 1 }],
      }),
    ).rejects.toThrow("Hour 24 is not 0–23.");
  });
});

describe("loadChannelStats and loadReachability", () => {
  it("counts a send answered by an order within 72 h or by an open passed in", async () => {
    await customer(SHOP, 1n, { phone: "+33600000001", smsConsent: true });
    await customer(OTHER, 1n);
    const c = await campaign(SHOP, "immediate");
    const other = await campaign(OTHER, "immediate");
    const sendAt = async (
      shop: string,
      campaignId: string,
      channel: string,
      sentAt: string,
      occurrence: string,
    ) =>
      db.campaignSend.create({
        data: {
          shop,
          campaignId,
          customerId: 1n,
          occurrence,
          channel,
          status: "sent",
          sentAt: new Date(sentAt),
        },
      });
    await sendAt(SHOP, c.id, "email", "2026-11-01T10:00:00Z", "a");
    await sendAt(SHOP, c.id, "email", "2026-11-20T10:00:00Z", "b");
    const opened = await sendAt(SHOP, c.id, "sms", "2026-11-25T10:00:00Z", "c");
    await sendAt(OTHER, other.id, "email", "2026-11-01T10:00:00Z", "a");
    await order(SHOP, 1n, "2026-11-03T09:00:00Z"); // 47 h after the first email
    await order(SHOP, 1n, "2026-11-24T11:00:00Z"); // 97 h after the second: too late

    const stats = await loadChannelStats(db, SHOP, { answered: [opened.id] });
    expect(stats.shop).toEqual({ email: { sends: 2, responses: 1 }, sms: { sends: 1, responses: 1 } });
    expect(stats.members.get(1n)).toEqual(stats.shop);
    expect((await loadChannelStats(db, OTHER)).shop).toEqual({ email: { sends: 1, responses: 0 } });

    await db.campaignSuppression.create({
      data: { shop: SHOP, channel: "email", address: "c1@example.com", reason: "unsubscribed" },
    });
    expect((await loadReachability(db, SHOP)).get(1n)).toEqual({
      email: { consent: true, address: true, suppressed: true },
      sms: { consent: true, phone: true, suppressed: false },
      member: true,
    });
    expect((await loadReachability(db, OTHER)).get(1n)?.email.suppressed).toBe(false);
  });
});

describe("refreshSendTimes", () => {
  it("stores each member's hour and channel with the reason, one shop at a time", async () => {
    await customer(SHOP, 1n);
    await customer(SHOP, 2n, { email: null, emailConsent: false });
    await customer(OTHER, 1n);
    for (const day of [2, 4, 6, 9, 12])
      await order(SHOP, 1n, `2026-11-${String(day).padStart(2, "0")}T06:15:00Z`);
    for (let h = 9; h < 22; h++)
      for (let k = 0; k < 3; k++)
        await order(SHOP, null, `2026-10-0${1 + k}T${String(h).padStart(2, "0")}:00:00Z`);
    await order(SHOP, null, "2026-10-05T17:00:00Z");
    await order(SHOP, null, "2026-10-06T17:00:00Z");
    await refreshSendTimes(db, OTHER, new Date("2026-12-07T00:00:00Z"));

    expect(await refreshSendTimes(db, SHOP, new Date("2026-12-07T01:00:00Z"))).toEqual({ members: 2 });
    const rows = await db.memberSendTime.findMany({ where: { shop: SHOP }, orderBy: { customerId: "asc" } });
    expect(rows.map((r) => [r.customerId, r.hour, r.hourReason, r.channel, r.channelReason])).toEqual([
      [1n, 7, "from 5 orders", "email", "shop default"],
      // 17:00 UTC in October is 19:00 in Paris (summer time): the shop's busiest hour.
      [2n, 19, "shop default", "inbox", "only channel the member can receive"],
    ]);
    expect(rows.map((r) => r.channels)).toEqual([["email", "inbox"], ["inbox"]]);
    expect(await db.memberSendTime.count({ where: { shop: OTHER } })).toBe(1);

    // A member who left is dropped by the next run; the other shop's rows stay.
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: 2n } },
      data: { status: "excluded" },
    });
    expect(await refreshSendTimes(db, SHOP, new Date("2026-12-08T01:00:00Z"))).toEqual({ members: 1 });
    expect(await db.memberSendTime.findMany({ where: { shop: SHOP }, select: { customerId: true } })).toEqual(
      [{ customerId: 1n }],
    );
    expect(await db.memberSendTime.count({ where: { shop: OTHER } })).toBe(1);
  });
});

async function campaign(
  shop: string,
  sendTime: "immediate" | "bestHour",
  quiet: [number, number] | null = null,
  channel: "email" | "best" = "email",
) {
  const saved = await saveCampaign(
    db,
    shop,
    {
      name: "Upgrade",
      kind: "trigger",
      trigger: "tierUpgrade",
      subject: "Hi {firstName}",
      body: "You have {balance} points.",
      enabled: true,
      sendTime,
      channel,
      quietStartHour: quiet?.[0] ?? null,
      quietEndHour: quiet?.[1] ?? null,
    },
    { now: new Date("2026-12-01T00:00:00Z") },
  );
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  return saved.campaign;
}

describe("the nightly jobs", () => {
  it("schedule-send-times asks for a refresh of each installed shop with a campaign on; the refresh writes the rows", async () => {
    await redis().flushdb();
    const queue = createQueue(QUEUE.campaigns, redis());
    const run = campaignsProcessor(db, queue, redis(), async () => {
      throw new Error("no Shopify call expected");
    });
    await customer(SHOP, 1n);
    await campaign(SHOP, "bestHour");
    const off = await campaign(OTHER, "immediate");
    await db.campaign.update({ where: { id: off.id }, data: { enabled: false } });
    expect(await run({ name: "schedule-send-times", data: {} } as Job)).toEqual({ shops: 1 });
    const jobs = await queue.getJobs(["waiting"]);
    expect(jobs.map((j) => [j.name, j.data])).toEqual([["refresh-send-times", { shop: SHOP }]]);
    expect(await run({ name: "refresh-send-times", data: { shop: SHOP } } as Job)).toEqual({ members: 1 });
    expect(await db.memberSendTime.count({ where: { shop: SHOP } })).toBe(1);
    await queue.close();
  });
});

describe("privacy", () => {
  it("exports the member's send-time row with their data and deletes it on redaction, in that shop only", async () => {
    await customer(SHOP, 1n);
    await customer(OTHER, 1n);
    await refreshSendTimes(db, SHOP, new Date("2026-12-07T01:00:00Z"));
    await refreshSendTimes(db, OTHER, new Date("2026-12-07T01:00:00Z"));
    const subject = { shop: SHOP, customerId: 1n, email: "c1@example.com", phone: null, orderIds: [] };
    const data = (await db.$transaction((tx) => collectCustomerData(tx, subject))) as Record<string, unknown>;
    expect(data.sendTimes).toMatchObject([{ customerId: "1", hourReason: "shop default" }]);
    await db.$transaction((tx) => redactCustomerData(tx, subject, new Date("2026-12-07T02:00:00Z")));
    expect(await db.memberSendTime.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.memberSendTime.count({ where: { shop: OTHER } })).toBe(1);
  });
});

describe("the campaign options", () => {
  it("refuses an unknown send time or channel with a 422 and writes nothing", async () => {
    const base = { name: "X", kind: "trigger", trigger: "tierUpgrade", subject: "Hi", body: "Hello" };
    expect(await saveCampaign(db, SHOP, { ...base, sendTime: "noon", channel: "fax" })).toEqual({
      ok: false,
      status: 422,
      fieldErrors: {
        sendTime: "Send at once or at each member's best hour.",
        channel: "One of email, sms, inbox, best.",
      },
    });
    expect(await db.campaign.count({ where: { shop: SHOP } })).toBe(0);
  });
});

describe("delivery at the member's best hour", () => {
  beforeEach(async () => {
    await saveEmailSettings(db, SHOP, {
      fromEmail: "rewards@lamp.example",
      smtpHost: "smtp.lamp.example",
      smtpPort: 587,
    });
    await customer(SHOP, 1n);
  });
  const queue = (campaignId: string, queuedAt: string) =>
    db.campaignSend.create({
      data: {
        shop: SHOP,
        campaignId,
        customerId: 1n,
        occurrence: "o1",
        channel: "email",
        queuedAt: new Date(queuedAt),
      },
    });

  it("waits (no attempt spent) until the member's hour in Paris, then sends", async () => {
    for (const day of [2, 4, 6]) await order(SHOP, 1n, `2026-11-0${day}T18:20:00Z`); // 19:20 in Paris
    const c = await campaign(SHOP, "bestHour");
    const queuedAt = "2026-12-07T09:20:00Z"; // 10:20 in Paris
    const send = await queue(c.id, queuedAt);
    expect(await deliverSend(db, send.id, { finalAttempt: false }, deps(new Date(queuedAt)))).toEqual({
      status: "wait",
      until: new Date("2026-12-07T18:00:00Z"),
      reason: "send time",
    });
    expect(await db.campaignSend.findUniqueOrThrow({ where: { id: send.id } })).toMatchObject({
      status: "queued",
      attempts: 0,
      sendingSince: null,
    });
    // The choice was computed on the miss and stored for the admin.
    expect(await memberSendTime(db, SHOP, 1n, new Date())).toMatchObject({
      hour: 19,
      hourReason: "from 3 orders",
    });
    expect(
      await deliverSend(db, send.id, { finalAttempt: false }, deps(new Date("2026-12-07T18:00:00Z"))),
    ).toMatchObject({
      status: "sent",
    });
    expect(sent).toHaveLength(1);
  });

  it("lets quiet hours win over the member's hour", async () => {
    for (const day of [2, 4, 6]) await order(SHOP, 1n, `2026-11-0${day}T22:20:00Z`); // 23:20 in Paris
    const c = await campaign(SHOP, "bestHour", [21, 8]);
    const queuedAt = "2026-12-07T09:20:00Z";
    const send = await queue(c.id, queuedAt);
    expect(await deliverSend(db, send.id, { finalAttempt: false }, deps(new Date(queuedAt)))).toEqual({
      status: "wait",
      until: new Date("2026-12-08T07:00:00Z"), // 08:00 in Paris, when the quiet hours end
      reason: "send time",
    });
    expect(
      await deliverSend(db, send.id, { finalAttempt: false }, deps(new Date("2026-12-08T07:00:00Z"))),
    ).toMatchObject({
      status: "sent",
    });
  });

  it("sends a best-channel campaign by the member's best deliverable channel, or not at all", async () => {
    await customer(SHOP, 2n, { email: null, emailConsent: false });
    const c = await campaign(SHOP, "immediate", null, "best");
    const now = new Date("2026-12-07T09:20:00Z");
    const ana = await queue(c.id, "2026-12-07T09:20:00Z");
    const zoe = await db.campaignSend.create({
      data: {
        shop: SHOP,
        campaignId: c.id,
        customerId: 2n,
        occurrence: "o1",
        channel: "best",
        queuedAt: now,
      },
    });
    expect(await deliverSend(db, ana.id, { finalAttempt: false }, deps(now))).toMatchObject({
      status: "sent",
    });
    expect(await db.campaignSend.findUniqueOrThrow({ where: { id: ana.id } })).toMatchObject({
      channel: "email",
    });
    // Only the widget inbox reaches the second member: the message is written there.
    expect(await deliverSend(db, zoe.id, { finalAttempt: false }, deps(now))).toMatchObject({
      status: "sent",
    });
    expect(await db.campaignSend.findUniqueOrThrow({ where: { id: zoe.id } })).toMatchObject({
      channel: "inbox",
      status: "sent",
    });
    expect(await db.inboxMessage.count({ where: { sendId: zoe.id, customerId: 2n } })).toBe(1);
    expect(sent.map((m) => m.to)).toEqual(["c1@example.com"]);
    // A channel the build cannot deliver is no choice: with email alone, the inbox-only member gets nothing.
    expect(await resolveSendChannel(db, { ...zoe, channel: "best" }, c, now, ["email"])).toEqual({
      suppressed: "Best channel: none the shop can send (the member can receive inbox).",
    });
  });

  it("sends an immediate campaign at once, as before", async () => {
    const c = await campaign(SHOP, "immediate");
    const send = await queue(c.id, "2026-12-07T09:20:00Z");
    expect(
      await deliverSend(db, send.id, { finalAttempt: false }, deps(new Date("2026-12-07T09:20:00Z"))),
    ).toMatchObject({
      status: "sent",
    });
    expect(await db.memberSendTime.count()).toBe(0);
  });
});

function nonZero(xs: number[]): Record<number, number> {
  return Object.fromEntries(xs.flatMap((x, h) => (x ? [[h, x]] : [])));
}
