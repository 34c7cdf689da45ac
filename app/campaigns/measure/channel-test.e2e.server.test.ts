import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { redis } from "~/redis.server";
import { E2E_PROGRAM } from "~tests/support/campaign-e2e";
import { startSmtpSink, type SmtpSink } from "~tests/support/smtp-sink";
import { createWorld } from "~tests/support/test-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../../emulator/server";
import { startTestEmulator } from "../../../emulator/testing";
import { saveCampaign, saveEmailSettings, saveSmsSettings } from "../campaigns.server";
import { deliverSend, type DeliveryDeps } from "../deliver.server";
import { channelTransport } from "../providers.server";
import { campaignReport } from "./report.server";
import { armOf, campaignExperiment, setCampaignTest } from "./test.server";

// A test of the channel, end to end with the real transports: arm A by email through SMTP
// (the mail catcher), arm B by SMS through Twilio's Messages API (the emulator's stand-in),
// a holdout sent nothing. A member of arm B without SMS consent is sent nothing, yet stays
// in arm B — exposed, suppressed with the reason, counted "not reachable" — so the report
// compares the arms as assigned (intention to treat), each with its channel.

const SHOP = "campaigns-channel-test.myshopify.com";
const ACCOUNT = `AC${"c3".repeat(16)}`;
const TOKEN = "twilio-auth-token-channel-test";
const FROM = "+15550009999";
const w = createWorld(SHOP);
const { db } = w;
let smtp: SmtpSink;
let emulator: Emulator;
let deps: DeliveryDeps;

beforeAll(async () => {
  smtp = await startSmtpSink();
  emulator = await startTestEmulator();
  emulator.twilio.accounts.set(ACCOUNT, TOKEN);
  const urls = { twilio: `${emulator.url}/twilio`, klaviyo: `${emulator.url}/klaviyo` };
  deps = {
    transportFor: (sending, channel) => channelTransport(sending, channel, urls),
    statusCallback: () => null,
    openAi: null,
  };
});
afterAll(async () => {
  await smtp.close();
  await emulator.close();
});
beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  w.store.resetShop(SHOP);
  smtp.clear();
  emulator.twilio.messages.length = 0;
  await w.setup(E2E_PROGRAM);
  await db.shop.update({
    where: { domain: SHOP },
    data: { name: "Lamp & Co", ianaTimezone: "Europe/Paris" },
  });
  expect(
    await saveEmailSettings(db, SHOP, {
      fromEmail: "rewards@lamp.example",
      smtpHost: "127.0.0.1",
      smtpPort: smtp.port,
    }),
  ).toEqual({ ok: true });
  expect(
    await saveSmsSettings(db, SHOP, { twilioAccountSid: ACCOUNT, twilioAuthToken: TOKEN, twilioFrom: FROM }),
  ).toEqual({ ok: true });
});

type Member = { id: bigint; name: string; email: string; phone: string; smsConsent: boolean; arm: string };

describe("an email vs SMS campaign test", () => {
  it("emails arm A, texts arm B, holds out the rest, keeps the unreachable in their arm and reports each arm's channel", async () => {
    const saved = await saveCampaign(db, SHOP, {
      name: "Spring points",
      kind: "trigger",
      trigger: "tierUpgrade",
      channel: "email",
      subject: "Default",
      body: "Default body",
      enabled: true,
    });
    if (!saved.ok) throw new Error(JSON.stringify(saved));
    const campaign = saved.campaign;
    const set = await setCampaignTest(db, SHOP, campaign.id, {
      holdoutPercent: 20,
      variants: [
        {
          key: "a",
          name: "By email",
          weight: 40,
          channel: "email",
          subject: "A: {firstName}",
          body: "Email for {firstName}.",
        },
        {
          key: "b",
          name: "By text",
          weight: 40,
          channel: "sms",
          smsBody: "B: {firstName}, your points wait.",
        },
      ],
    });
    if (!set.ok) throw new Error(JSON.stringify(set));
    const experiment = await campaignExperiment(db, SHOP, set.value.experimentId);

    // Members (every one with email consent; every other one with SMS consent) until each case
    // is there: the split is the experiments' hash over a salt drawn at random.
    const members: Member[] = [];
    const covered = () =>
      members.some((m) => m.arm === "holdout") &&
      members.some((m) => m.arm === "a" && !m.smsConsent) &&
      members.some((m) => m.arm === "b" && m.smsConsent) &&
      members.filter((m) => m.arm === "b" && !m.smsConsent).length >= 1;
    for (let i = 0; !covered() && i < 60; i++) {
      const smsConsent = i % 2 === 0;
      const name = `M${i}`;
      const input = {
        email: `m${i}@example.com`,
        phone: `+1555010${String(i).padStart(4, "0")}`,
        firstName: name,
        emailMarketingState: "SUBSCRIBED" as const,
        smsMarketingState: smsConsent ? ("SUBSCRIBED" as const) : ("NOT_SUBSCRIBED" as const),
      };
      const [c] = w.store.addCustomers(SHOP, [input]);
      await w.deliver(w.customer(c!), new Date());
      const id = BigInt(c!.legacyId);
      members.push({
        id,
        name,
        email: input.email,
        phone: input.phone,
        smsConsent,
        arm: armOf(SHOP, experiment, id)!.key,
      });
    }
    expect(covered()).toBe(true);

    const outcomes = new Map<bigint, Awaited<ReturnType<typeof deliverSend>>>();
    for (const m of members) {
      const send = await db.campaignSend.create({
        data: {
          shop: SHOP,
          campaignId: campaign.id,
          customerId: m.id,
          occurrence: "spring",
          channel: "email",
        },
      });
      outcomes.set(m.id, await deliverSend(db, send.id, { finalAttempt: true }, deps));
    }

    const inArm = (arm: string, sms?: boolean) =>
      members.filter((m) => m.arm === arm && (sms === undefined || m.smsConsent === sms));
    for (const m of inArm("holdout"))
      expect(outcomes.get(m.id)).toEqual({ status: "heldOut", armKey: "holdout" });
    for (const m of inArm("a")) expect(outcomes.get(m.id)).toMatchObject({ status: "sent" });
    for (const m of inArm("b", true)) expect(outcomes.get(m.id)).toMatchObject({ status: "sent" });
    for (const m of inArm("b", false))
      expect(outcomes.get(m.id)).toEqual({ status: "suppressed", reason: "No SMS marketing consent." });

    // Arm A's mail in the catcher, to arm A's members only (SMS consent or not).
    await smtp.waitFor(inArm("a").length);
    expect(smtp.recipients.flat().sort()).toEqual(
      inArm("a")
        .map((m) => m.email)
        .sort(),
    );
    expect(smtp.messages.map((mail) => mail.subject).sort()).toEqual(
      inArm("a")
        .map((m) => `A: ${m.name}`)
        .sort(),
    );
    // Arm B's texts at Twilio, to its consenting members only, with the STOP line.
    expect(emulator.twilio.messages.map((t) => t.to).sort()).toEqual(
      inArm("b", true)
        .map((m) => m.phone)
        .sort(),
    );
    for (const t of emulator.twilio.messages) {
      const m = members.find((x) => x.phone === t.to)!;
      expect(t.body).toBe(`B: ${m.name}, your points wait.\nReply STOP to opt out.`);
      expect(t.from).toBe(FROM);
    }
    const sends = await db.campaignSend.findMany({ where: { shop: SHOP, campaignId: campaign.id } });
    for (const s of sends) {
      const m = members.find((x) => x.id === s.customerId)!;
      expect(s.variantKey).toBe(m.arm);
      expect(s.channel).toBe(m.arm === "b" ? "sms" : "email");
    }

    // Everyone assigned is exposed in their arm, the unreachable included.
    const exposures = await db.experimentExposure.findMany({
      where: { shop: SHOP, experimentId: set.value.experimentId },
    });
    expect(exposures).toHaveLength(members.length);

    const report = await campaignReport(db, SHOP, campaign.id, { asOf: new Date(Date.now() + 60_000) });
    expect(
      report!.arms.map((a) => ({
        key: a.key,
        channel: a.channel,
        sent: a.sent,
        delivered: a.delivered,
        unreachable: a.unreachable,
        exposed: a.exposed,
      })),
    ).toEqual([
      {
        key: "holdout",
        channel: null,
        sent: inArm("holdout").length,
        delivered: 0,
        unreachable: 0,
        exposed: inArm("holdout").length,
      },
      {
        key: "a",
        channel: "email",
        sent: inArm("a").length,
        delivered: inArm("a").length,
        unreachable: 0,
        exposed: inArm("a").length,
      },
      {
        key: "b",
        channel: "sms",
        sent: inArm("b", true).length,
        delivered: inArm("b", true).length,
        unreachable: inArm("b", false).length,
        exposed: inArm("b").length,
      },
    ]);
  });
  it("filters every arm alike, the holdout included, when all variants share a channel other than the campaign's", async () => {
    const saved = await saveCampaign(db, SHOP, {
      name: "Texts only",
      kind: "trigger",
      trigger: "tierUpgrade",
      channel: "email",
      subject: "Default",
      body: "Default body",
      enabled: true,
    });
    if (!saved.ok) throw new Error(JSON.stringify(saved));
    const set = await setCampaignTest(db, SHOP, saved.campaign.id, {
      holdoutPercent: 50,
      variants: [{ key: "a", name: "Text", weight: 50, channel: "sms", smsBody: "A: {firstName}." }],
    });
    if (!set.ok) throw new Error(JSON.stringify(set));
    const outcomes: { smsConsent: boolean; status: string }[] = [];
    for (let i = 0; i < 8; i++) {
      const smsConsent = i % 2 === 0;
      const [c] = w.store.addCustomers(SHOP, [
        {
          email: `t${i}@example.com`,
          phone: `+1555020${String(i).padStart(4, "0")}`,
          firstName: `T${i}`,
          emailMarketingState: "SUBSCRIBED" as const,
          smsMarketingState: smsConsent ? ("SUBSCRIBED" as const) : ("NOT_SUBSCRIBED" as const),
        },
      ]);
      await w.deliver(w.customer(c!), new Date());
      const send = await db.campaignSend.create({
        data: {
          shop: SHOP,
          campaignId: saved.campaign.id,
          customerId: BigInt(c!.legacyId),
          occurrence: "x",
          channel: "email",
        },
      });
      const outcome = await deliverSend(db, send.id, { finalAttempt: true }, deps);
      outcomes.push({ smsConsent, status: outcome.status });
    }
    // Without SMS consent: out of the test in either arm (suppressed, never exposed); with it:
    // held out or texted.
    for (const o of outcomes.filter((x) => !x.smsConsent)) expect(o.status).toBe("suppressed");
    for (const o of outcomes.filter((x) => x.smsConsent)) expect(["heldOut", "sent"]).toContain(o.status);
    expect(
      await db.experimentExposure.count({ where: { shop: SHOP, experimentId: set.value.experimentId } }),
    ).toBe(outcomes.filter((x) => x.smsConsent).length);
    expect(smtp.messages).toHaveLength(0);
    expect(emulator.twilio.messages).toHaveLength(outcomes.filter((x) => x.status === "sent").length);
  });
});
