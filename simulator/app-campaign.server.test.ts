import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { seedRandomUuids } from "../tests/support/seeded-uuids";
import { runCampaignsThroughApp, subjectMatcher, type AppCampaignReport } from "./app-campaign.server";
import { templateMatcher } from "./campaign-readers.server";
import { parseScenario } from "./scenario/schema";

// Small campaign A/Bs through the app, one per channel: the app's broadcast, test and delivery
// send real mail to the mail catcher over SMTP, texts to the emulator's Twilio stand-in and
// messages to the widget inbox; the customers read them (the variant from the subject, the
// text's body, the inbox title fetched through the app proxy), open and click through the app
// (pixel, click redirect, the inbox's mark-read) and buy; the app's report measures the lift next
// to the truth. One variant works strongly (everyone who reads it buys far more for the month),
// the other not at all, so the sign of each measured lift is known.

const db = prisma();
afterAll(() => db.$disconnect());
// One fixed random split per campaign (the app salts each afresh): the truth-inside-interval
// assertions below hold or fail for good, not at the intervals' error rate.
seedRandomUuids();
const SHOP = "sim-campaign-test.myshopify.com";

const scenario = parseScenario({
  name: "campaign-ab-small",
  shop: { seed: 21, customers: 1500 },
  response: {
    messages: {
      variants: {
        strong: { openMultiplier: 10, clickMultiplier: 2, purchaseLift: 4, liftDays: 30 },
        dud: { openMultiplier: 1, purchaseLift: 0, liftDays: 1 },
      },
    },
  },
  variants: [{ key: "program" }],
  campaign: {
    holdoutPercent: 30,
    variants: [
      {
        key: "strong",
        name: "Strong",
        weight: 35,
        subject: "Big news for you, {firstName}",
        body: "Hi {firstName}, something good is waiting: https://shop.sim.example/collections/all",
      },
      {
        key: "dud",
        name: "Dud",
        weight: 35,
        subject: "A note from {shopName}",
        body: "Hi {firstName}, a short note from us today: https://shop.sim.example/pages/news",
      },
    ],
  },
  truth: { horizonDays: 30, replications: 1, maxCustomers: 400 },
});

describe("a campaign A/B run through the app", async () => {
  const report = (await runCampaignsThroughApp(db, scenario, { shop: SHOP }))[0]!;
  const arm = (key: string) => report.arms.find((a) => a.key === key)!;
  const lift = (variant: string, metric: string) =>
    report.lifts.find((l) => l.variant === variant && l.metric === metric)!;

  it("sends each variant's members one real mail through SMTP and the holdout none", async () => {
    expect(report.unmatched).toBe(0);
    expect(report.holdoutReached).toBe(0);
    expect(arm("holdout").sent).toBeGreaterThan(60);
    expect(arm("holdout").received).toBe(0);
    for (const key of ["strong", "dud"]) {
      expect(arm(key).sent).toBeGreaterThan(80);
      expect(arm(key).received).toBe(arm(key).sent);
    }
    expect(report.caught).toEqual({ email: arm("strong").sent + arm("dud").sent, sms: 0, inbox: 0 });
    const statuses = await db.campaignSend.groupBy({
      by: ["status"],
      where: { shop: SHOP, campaignId: report.campaignId },
      _count: true,
    });
    expect(Object.fromEntries(statuses.map((s) => [s.status, s._count]))).toEqual({
      heldOut: arm("holdout").sent,
      sent: report.caught.email,
    });
  });

  it("records the readers' opens and clicks through the app's tracking, as humans", () => {
    // openMultiplier 10 against 1: the strong message is opened far more often per message
    // (rates, not counts: the arms' sizes differ with the experiment's random salt).
    const rate = (key: string) => arm(key).opens / arm(key).sent;
    expect(rate("strong")).toBeGreaterThan(1.5 * rate("dud"));
    expect(arm("strong").opens).toBeLessThanOrEqual(arm("strong").sent);
    expect(arm("strong").clicks).toBeGreaterThan(0);
    expect(arm("holdout").opens).toBe(0);
  });

  it("measures a positive lift for the strong variant with the truth inside its interval", () => {
    for (const metric of ["netMargin", "orders"]) {
      const l = lift("strong", metric);
      expect(l.trueLift!).toBeGreaterThan(0.5);
      expect(l.measuredLift!).toBeGreaterThan(0);
      expect(l.truthInsideInterval).toBe(true);
    }
    expect(arm("strong").incremental!.estimate).toBeGreaterThan(0);
  });

  it("finds no lift it cannot support for the dud: the truth (about none) is inside its interval", () => {
    for (const metric of ["netMargin", "orders"]) {
      const l = lift("dud", metric);
      expect(Math.abs(l.trueLift!)).toBeLessThan(0.1);
      expect(l.truthInsideInterval).toBe(true);
    }
  });
});

// The same pair of messages by text and in the widget inbox: one campaign per channel (the app
// puts a variant on its campaign's channel), each in its own shop.
const channels = parseScenario({
  name: "campaign-channels-small",
  shop: { seed: 22, customers: 1500 },
  response: {
    messages: {
      variants: {
        strong: { openMultiplier: 1, clickMultiplier: 2, purchaseLift: 4, liftDays: 30 },
        dud: { openMultiplier: 1, purchaseLift: 0, liftDays: 1 },
      },
    },
    // Every member visits often, so most inbox messages are read within the month.
    channels: { inbox: { readRate: 0.9, visitsPerOrder: 40 } },
  },
  variants: [{ key: "program" }],
  campaign: (["sms", "inbox"] as const).map((channel) => ({
    name: `By ${channel}`,
    channel,
    holdoutPercent: 30,
    variants: [
      {
        key: "strong",
        name: "Strong",
        weight: 35,
        subject: "Big news for you, {firstName}",
        body: "Hi {firstName}, something good is waiting: https://shop.sim.example/collections/all",
      },
      {
        key: "dud",
        name: "Dud",
        weight: 35,
        subject: "A note from {shopName}",
        body: "Hi {firstName}, a short note from us today: https://shop.sim.example/pages/news",
      },
    ],
  })),
  truth: { horizonDays: 30, replications: 1, maxCustomers: 400 },
});

describe("campaign A/Bs by SMS and in the widget inbox, run through the app", async () => {
  const CHANNEL_SHOP = "sim-channels-test.myshopify.com";
  const [sms, inbox] = (await runCampaignsThroughApp(db, channels, { shop: CHANNEL_SHOP })) as [
    AppCampaignReport,
    AppCampaignReport,
  ];
  const arm = (r: AppCampaignReport, key: string) => r.arms.find((a) => a.key === key)!;
  const lift = (r: AppCampaignReport, variant: string) =>
    r.lifts.find((l) => l.variant === variant && l.metric === "netMargin")!;

  it("texts each variant's members once through the Twilio stand-in and reads the variant from the text", async () => {
    expect(sms.channel).toBe("sms");
    expect(sms.unmatched).toBe(0);
    expect(sms.holdoutReached).toBe(0);
    expect(sms.caught).toEqual({ email: 0, sms: arm(sms, "strong").sent + arm(sms, "dud").sent, inbox: 0 });
    for (const key of ["strong", "dud"]) {
      expect(arm(sms, key).sent).toBeGreaterThan(80);
      expect(arm(sms, key).received).toBe(arm(sms, key).sent);
    }
    // Each variant's own text, with its link through the app's click redirect.
    const sent = await db.campaignSend.findMany({
      where: { campaignId: sms.campaignId, status: "sent" },
      select: { variantKey: true, subject: true, toAddress: true },
    });
    const words = { strong: "something good", dud: "a short note" } as Record<string, string>;
    expect(sent.every((x) => x.subject!.includes(words[x.variantKey!]!))).toBe(true);
    expect(sent.every((x) => /^\+1555\d{7}$/.test(x.toAddress!))).toBe(true);
  });

  it("counts the texts' clicks through the redirect as human, and no opens (a text has no pixel)", () => {
    expect(arm(sms, "strong").clicks).toBeGreaterThan(0);
    expect(arm(sms, "strong").clicks).toBeLessThanOrEqual(arm(sms, "strong").sent);
    expect(arm(sms, "strong").opens).toBe(0);
    expect(arm(sms, "holdout").clicks).toBe(0);
  });

  it("puts each variant's message in its members' inbox, read through the app proxy, and the holdout's in none", async () => {
    expect(inbox.channel).toBe("inbox");
    expect(inbox.unmatched).toBe(0);
    expect(inbox.holdoutReached).toBe(0);
    expect(inbox.caught.inbox).toBe(arm(inbox, "strong").sent + arm(inbox, "dud").sent);
    for (const key of ["strong", "dud"]) expect(arm(inbox, key).received).toBe(arm(inbox, key).sent);
    const statuses = await db.campaignSend.groupBy({
      by: ["status"],
      where: { campaignId: inbox.campaignId },
      _count: true,
    });
    expect(Object.fromEntries(statuses.map((x) => [x.status, x._count]))).toEqual({
      heldOut: arm(inbox, "holdout").sent,
      sent: inbox.caught.inbox,
    });
    // Reads marked through the proxy are the inbox's opens in the app's report.
    const read = await db.inboxMessage.count({
      where: { send: { campaignId: inbox.campaignId }, readAt: { not: null } },
    });
    expect(read).toBeGreaterThan(0.4 * inbox.caught.inbox);
    expect(arm(inbox, "strong").opens + arm(inbox, "dud").opens).toBe(read);
  });

  it.each([
    ["sms", () => sms],
    ["inbox", () => inbox],
  ])(
    "measures the strong %s variant's lift with the truth inside its interval, and finds none for the dud",
    (_, r) => {
      expect(lift(r(), "strong").trueLift!).toBeGreaterThan(0.3);
      expect(lift(r(), "strong").measuredLift!).toBeGreaterThan(0);
      expect(lift(r(), "strong").truthInsideInterval).toBe(true);
      expect(Math.abs(lift(r(), "dud").trueLift!)).toBeLessThan(0.1);
      expect(lift(r(), "dud").truthInsideInterval).toBe(true);
    },
  );
});

describe("the reader tells variants apart by subject", () => {
  it("matches a rendered subject to its template, variables being anything", () => {
    const match = subjectMatcher([
      { key: "a", subject: "Big news for you, {firstName}" },
      { key: "b", subject: "A note (1/2) from {shopName}" },
    ]);
    expect(match("Big news for you, Ana")).toBe("a");
    expect(match("A note (1/2) from Lamp & Co")).toBe("b");
    expect(match("Big news for you")).toBeNull();
    expect(match("Something else")).toBeNull();
  });
});

describe("the reader tells a text's variant by its body", () => {
  it("matches the written text whatever the variables and the tracked link, the opt-out line after it", () => {
    const match = templateMatcher(
      [
        { key: "a", text: "Hi {firstName}, something good: https://shop.example/all" },
        { key: "b", text: "Hi {firstName}, a short note: https://shop.example/news" },
      ],
      { wholeText: false },
    );
    expect(match("Hi Ana, something good: https://app.example/c/eyJ.abc\nReply STOP to opt out.")).toBe("a");
    expect(match("Hi Bo, a short note: https://app.example/c/x.y\nReply STOP to opt out.")).toBe("b");
    expect(match("Hello Ana")).toBeNull();
  });
});
