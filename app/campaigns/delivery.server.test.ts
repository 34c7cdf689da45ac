import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { redis } from "~/redis.server";
import { seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { emailSettingsStatus, saveCampaign, saveEmailSettings, shopSending } from "./campaigns.server";
import { deliverSend, type DeliveryDeps } from "./deliver.server";
import { rateSlots } from "./send-rate.server";
import { scanTriggers } from "./scan.server";
import { emailOnly, ProviderError, type EmailTransport, type OutgoingEmail } from "./transport.server";

// The checks that stop or delay a message, against the real database, with a recording
// transport in place of SMTP (the SMTP path itself is in campaigns.e2e.server.test.ts).

const db = prisma();
const SHOP = "campaigns-policy.myshopify.com";
const OTHER = "campaigns-other.myshopify.com";
// 15:00 in Paris (UTC+1 in December).
const NOON = new Date("2026-12-07T14:00:00Z");
let sent: OutgoingEmail[];
let failWith: ProviderError | null;

const transport: EmailTransport = {
  async send(email) {
    if (failWith) throw failWith;
    sent.push(email);
    return { providerMessageId: `<${email.sendId}@test>` };
  },
};
const deps = (now = NOON, extra: Partial<DeliveryDeps> = {}): DeliveryDeps => ({
  now: () => now,
  transportFor: () => emailOnly(transport),
  ...extra,
});

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  sent = [];
  failWith = null;
  await seedProgram(db, SHOP, {
    rewards: [
      {
        id: "five",
        name: "$5 off",
        value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
        pointsCost: 500,
      },
    ],
  });
  await db.shop.update({ where: { domain: SHOP }, data: { name: "Lamp", ianaTimezone: "Europe/Paris" } });
  expect(
    await saveEmailSettings(db, SHOP, {
      fromEmail: "rewards@lamp.example",
      smtpHost: "smtp.lamp.example",
      smtpPort: 587,
      smtpUser: "lamp",
      smtpPassword: "hunter2-smtp",
      memberCapCount: 2,
      memberCapDays: 7,
    }),
  ).toEqual({ ok: true });
});

async function customer(id: bigint, email: string | null, emailConsent: boolean) {
  await db.customer.create({ data: { shop: SHOP, id, email, emailConsent, firstName: "Ana" } });
  await seedMember(db, SHOP, id, 120);
}

async function campaign(input: Record<string, unknown> = {}) {
  const saved = await saveCampaign(
    db,
    SHOP,
    {
      name: "Upgrade",
      kind: "trigger",
      trigger: "tierUpgrade",
      subject: "Hi {firstName}",
      body: "You have {balance} points, {pointsToNextReward} to {nearestReward}.",
      enabled: true,
      ...input,
    },
    { now: new Date(NOON.getTime() - 3_600_000) },
  );
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  return saved.campaign;
}

let occurrences = 0;
async function queued(campaignId: string, customerId: bigint, transactional = false) {
  occurrences += 1;
  return db.campaignSend.create({
    data: {
      shop: SHOP,
      campaignId,
      customerId,
      occurrence: `occ-${occurrences}`,
      channel: "email",
      transactional,
    },
  });
}

const statusOf = async (id: string) => db.campaignSend.findUniqueOrThrow({ where: { id } });

describe("consent", () => {
  it("suppresses marketing without email consent but sends a transactional message", async () => {
    await customer(1n, "ana@example.com", false);
    const marketing = await campaign();
    const receipt = await campaign({ name: "Receipt", trigger: "pointsEarned" });
    expect(receipt.transactional).toBe(true);

    const a = await queued(marketing.id, 1n);
    expect(await deliverSend(db, a.id, { finalAttempt: false }, deps())).toEqual({
      status: "suppressed",
      reason: "No email marketing consent.",
    });
    const b = await queued(receipt.id, 1n, true);
    expect(await deliverSend(db, b.id, { finalAttempt: false }, deps())).toMatchObject({ status: "sent" });
    expect(sent.map((m) => [m.to, m.subject])).toEqual([["ana@example.com", "Hi Ana"]]);
    expect(sent[0]!.text).toContain("You have 120 points, 380 to $5 off.");
  });

  it("suppresses an invalid address, and a bounced one for every later send", async () => {
    await customer(1n, "not-an-address", true);
    await customer(2n, "bob@example.com", true);
    const c = await campaign();
    const bad = await queued(c.id, 1n);
    expect(await deliverSend(db, bad.id, { finalAttempt: false }, deps())).toMatchObject({
      status: "suppressed",
      reason: "Invalid email address.",
    });
    failWith = new ProviderError("550 No such user", true);
    const bounce = await queued(c.id, 2n);
    expect(await deliverSend(db, bounce.id, { finalAttempt: false }, deps())).toMatchObject({
      status: "failed",
    });
    expect((await statusOf(bounce.id)).error).toBe("Bounced: 550 No such user");
    failWith = null;
    const again = await queued(c.id, 2n);
    expect(await deliverSend(db, again.id, { finalAttempt: false }, deps())).toEqual({
      status: "suppressed",
      reason: "The address is on the suppression list (bounced).",
    });
    expect(sent).toHaveLength(0);
  });
});

describe("caps, quiet hours and the shop's rate", () => {
  it("applies the campaign's frequency cap and the shop's cap per member; transactional messages are not counted", async () => {
    await customer(1n, "ana@example.com", true);
    const capped = await campaign({ frequencyCapCount: 1, frequencyCapHours: 24 });
    const other = await campaign({ name: "Other" });
    const receipt = await campaign({ name: "Receipt", trigger: "pointsEarned" });
    const results = [];
    for (const [c, transactional] of [
      [capped, false],
      [capped, false],
      [receipt, true],
      [other, false],
      [other, false],
      [receipt, true],
    ] as const) {
      const send = await queued(c.id, 1n, transactional);
      const outcome = await deliverSend(db, send.id, { finalAttempt: false }, deps());
      results.push(outcome.status === "suppressed" ? outcome.reason : outcome.status);
    }
    expect(results).toEqual([
      "sent",
      "Frequency cap: 1 of this campaign in 24 h.",
      "sent",
      "sent",
      "Member cap: 2 marketing messages in 7 days.",
      "sent",
    ]);
    // A week later the member cap has room again.
    const later = await queued(other.id, 1n);
    const weekLater = new Date(NOON.getTime() + 7 * 86_400_000 + 1000);
    expect(await deliverSend(db, later.id, { finalAttempt: false }, deps(weekLater))).toMatchObject({
      status: "sent",
    });
  });

  it("waits out quiet hours in the shop's time zone without claiming the send", async () => {
    await customer(1n, "ana@example.com", true);
    const c = await campaign({ quietStartHour: 21, quietEndHour: 8 });
    const send = await queued(c.id, 1n);
    const lateEvening = new Date("2026-12-07T21:30:00Z"); // 22:30 in Paris
    expect(await deliverSend(db, send.id, { finalAttempt: false }, deps(lateEvening))).toEqual({
      status: "wait",
      until: new Date("2026-12-08T07:00:00Z"),
      reason: "quiet hours",
    });
    expect(await statusOf(send.id)).toMatchObject({ status: "queued", sendingSince: null, attempts: 0 });
    expect(sent).toHaveLength(0);
  });

  it("holds sends beyond the shop's per-minute rate until the next minute", async () => {
    await db.campaignSettings.update({
      where: { shop: SHOP },
      data: { sendsPerMinute: 1, memberCapCount: 10 },
    });
    await customer(1n, "ana@example.com", true);
    const c = await campaign();
    const takeRateSlot = rateSlots(redis());
    const first = await queued(c.id, 1n);
    const second = await queued(c.id, 1n);
    expect(
      await deliverSend(db, first.id, { finalAttempt: false }, deps(NOON, { takeRateSlot })),
    ).toMatchObject({
      status: "sent",
    });
    expect(await deliverSend(db, second.id, { finalAttempt: false }, deps(NOON, { takeRateSlot }))).toEqual({
      status: "wait",
      until: new Date("2026-12-07T14:01:00Z"),
      reason: "rate limit",
    });
    expect(await statusOf(second.id)).toMatchObject({ status: "queued", sendingSince: null });
    // Another shop's rate is its own.
    expect(await takeRateSlot(OTHER, await shopSending(db, OTHER), "email", NOON)).toBeNull();
    const nextMinute = new Date("2026-12-07T14:01:00Z");
    expect(
      await deliverSend(db, second.id, { finalAttempt: false }, deps(nextMinute, { takeRateSlot })),
    ).toMatchObject({ status: "sent" });
  });
});

describe("saving", () => {
  it("answers 422 with field errors for unknown variables and half-given caps, and writes nothing", async () => {
    const answer = await saveCampaign(db, SHOP, {
      name: "Bad",
      kind: "trigger",
      trigger: "tierUpgrade",
      subject: "Hi {fristName}",
      body: "ok",
      frequencyCapCount: 2,
    });
    expect(answer).toEqual({
      ok: false,
      status: 422,
      fieldErrors: {
        subject: expect.stringMatching(/^Unknown variable \{fristName\}\. Use \{firstName\}/),
        frequencyCapHours: "Give both the number of messages and the hours, or neither.",
      },
    });
    expect(await db.campaign.count()).toBe(0);
    expect(
      await saveCampaign(db, SHOP, { name: "B", kind: "trigger", subject: "s", body: "b" }),
    ).toMatchObject({
      status: 422,
      fieldErrors: { trigger: "Choose what triggers the message." },
    });
  });

  it("keeps the SMTP password sealed, shows only that there is one, and opens it for sending", async () => {
    const row = await db.campaignSettings.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(JSON.stringify(row)).not.toContain("hunter2");
    expect(row.smtpPasswordCiphertext).toMatch(/^v1\./);
    const status = await emailSettingsStatus(db, SHOP);
    expect(status).toMatchObject({ hasPassword: true, smtpHost: "smtp.lamp.example" });
    expect(JSON.stringify(status)).not.toContain("hunter2");
    expect((await shopSending(db, SHOP)).smtp?.password).toBe("hunter2-smtp");
    // Saving without a password keeps the stored one.
    await saveEmailSettings(db, SHOP, { fromEmail: "r@lamp.example", smtpHost: "h", smtpPort: 25 });
    expect((await shopSending(db, SHOP)).smtp?.password).toBe("hunter2-smtp");
    expect(
      await saveEmailSettings(db, SHOP, { fromEmail: "nope", smtpHost: "", smtpPort: 70000 }),
    ).toMatchObject({
      status: 422,
      fieldErrors: { fromEmail: "A valid sender address.", smtpHost: "The SMTP server's host name." },
    });
  });
});

describe("the trigger scan", () => {
  async function event(key: string, type: string, payload: object, customerId = 1n) {
    await db.loyaltyEvent.create({
      data: { shop: SHOP, customerId, type, key, payload, occurredAt: new Date() },
    });
  }

  it("creates one send per campaign, member and event; events from before the switch-on stay silent", async () => {
    await customer(1n, "ana@example.com", true);
    await event("before", "tierChanged", { change: "upgrade", from: "member", to: "gold" });
    await new Promise((r) => setTimeout(r, 20));
    const upgrade = await saveCampaign(db, SHOP, {
      name: "Upgrade",
      kind: "trigger",
      trigger: "tierUpgrade",
      subject: "s",
      body: "b",
      enabled: true,
    });
    const unlocked = await saveCampaign(db, SHOP, {
      name: "Unlocked",
      kind: "trigger",
      trigger: "rewardUnlocked",
      subject: "s",
      body: "b",
      enabled: true,
    });
    if (!upgrade.ok || !unlocked.ok) throw new Error("not saved");
    await new Promise((r) => setTimeout(r, 20));
    await event("up", "tierChanged", { change: "upgrade", from: "member", to: "gold" });
    await event("down", "tierChanged", { change: "downgrade" });
    // The member now has 120 + 400 available: the 400 crossed the 500-point reward.
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: 1n } },
      data: { availablePoints: 520 },
    });
    await event("bonus", "pointsEarned", { points: 400, bucket: "available" });
    await event("pending", "pointsEarned", { points: 400, bucket: "pending" });

    const created = await scanTriggers(db, SHOP);
    expect(created).toHaveLength(2);
    const sends = await db.campaignSend.findMany({ orderBy: { occurrence: "asc" } });
    expect(sends.map((s) => [s.occurrence, s.campaignId])).toEqual([
      ["bonus", unlocked.campaign.id],
      ["up", upgrade.campaign.id],
    ]);
    expect(await scanTriggers(db, SHOP)).toEqual([]);
    expect(await db.campaignSend.count()).toBe(2);
  });
});
