import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createOpenAiClient } from "~/openai.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { startOpenAiStub, type OpenAiStub } from "../../../emulator/openai/stub";
import { saveCampaign } from "../campaigns.server";
import type { TemplateValues } from "../template";
import { monthOf } from "./budget.server";
import { favouriteCategory } from "./context.server";
import { templateLine, templateVariants } from "./fallback";
import { personalisedCopy } from "./personalize.server";
import { costMicros, priceOf } from "./prices";
import { saveWriterSettings } from "./voice.server";
import { writeCopy } from "./write.server";

// The AI writer against the emulator's OpenAI stub: structured output that passes every
// check is used; invalid JSON, an unknown variable, a flagged moderation, a timeout and a
// 500 all give the template engine's copy (and never the model's text); the monthly cap
// stops calls before they are made; send-time lines are written once per bucket.

const db = prisma();
const SHOP = "writer.myshopify.com";
const KEY = "sk-test-writer-0123456789abcdef";
const NOW = new Date("2026-12-07T14:00:00Z");
let stub: OpenAiStub;

beforeAll(async () => {
  stub = await startOpenAiStub({ apiKey: KEY });
});
afterAll(() => stub.close());

beforeEach(async () => {
  await resetDatabase(db);
  stub.state.requests.length = 0;
  stub.state.replies.length = 0;
  stub.state.moderations.length = 0;
  await seedProgram(db, SHOP, {});
  await db.shop.update({
    where: { domain: SHOP },
    data: { name: "Lamp & Co", ianaTimezone: "Europe/Paris" },
  });
  expect(
    await saveWriterSettings(db, SHOP, {
      brandTone: "formal",
      brandVoice: "Calm and brief",
      aiMonthlyCapUsd: 5,
    }),
  ).toEqual({ ok: true });
});

const client = () =>
  createOpenAiClient({
    apiKey: KEY,
    baseURL: stub.baseURL,
    chatModel: "gpt-4o-mini",
    embeddingModel: "text-embedding-3-small",
  });

const good = [
  {
    subject: "{firstName}, welcome to {tierName}",
    body: "Dear {firstName},\n\nYou are now {tierName}.\n\nKind regards,\n{shopName}",
  },
  {
    subject: "You reached {tierName}",
    body: "Dear {firstName},\n\nYour {balance} points await.\n\nKind regards,\n{shopName}",
  },
  {
    subject: "{tierName} is yours",
    body: "Dear {firstName},\n\n{nearestReward} is {pointsToNextReward} points away.",
  },
];
const chats = () => stub.state.requests.filter((r) => r.path === "/v1/chat/completions");
const moderations = () => stub.state.requests.filter((r) => r.path === "/v1/moderations");
const write = (timeoutMs?: number) =>
  writeCopy(
    db,
    SHOP,
    { trigger: "tierUpgrade", brief: "Mention free shipping for Gold" },
    { openAi: client(), now: NOW, timeoutMs },
  );
const fallback = templateVariants("tierUpgrade", "formal");

describe("the AI writer", () => {
  it("uses structured output that passes the rules and moderation, and counts its cost", async () => {
    stub.script({ content: JSON.stringify({ variants: good }) });
    const written = await write();
    expect(written).toMatchObject({ writtenBy: "openai", reason: null, variants: good });

    const [request] = chats();
    expect(request!.body).toMatchObject({
      model: "gpt-4o-mini",
      response_format: { type: "json_schema", json_schema: { name: "campaign_copy", strict: true } },
    });
    const prompt = JSON.stringify(request!.body.messages);
    expect(prompt).toContain("Mention free shipping for Gold");
    expect(prompt).toContain("Brand voice: formal; Calm and brief.");
    expect(prompt).toContain("{pointsToNextReward}");
    expect(moderations()).toHaveLength(1);
    expect(moderations()[0]!.body.input).toEqual(good.flatMap((v) => [v.subject, v.body]));

    const usage = await db.campaignAiUsage.findUniqueOrThrow({
      where: { shop_month: { shop: SHOP, month: monthOf(NOW, "Europe/Paris") } },
    });
    expect(usage.calls).toBe(1);
    expect(usage.promptTokens).toBeGreaterThan(100);
    expect(Number(usage.costMicros)).toBe(
      costMicros(priceOf("gpt-4o-mini"), usage.promptTokens, usage.completionTokens),
    );
    expect(written.budget.usedMicros).toBe(Number(usage.costMicros));
  });

  it("answers deterministically from the stub when nothing is scripted", async () => {
    const first = await write();
    const second = await write();
    expect(first.writtenBy).toBe("openai");
    expect(first.variants).toHaveLength(3);
    expect(second.variants).toEqual(first.variants);
  });

  it.each([
    ["invalid JSON", [{ content: "Sure! Here are your emails:" }], /not JSON/],
    [
      "an unknown variable",
      [
        {
          content: JSON.stringify({
            variants: [{ ...good[0]!, body: "Use {couponCode} today, {firstName}!" }, good[1], good[2]],
          }),
        },
      ],
      /variant 1: The message: Unknown variable \{couponCode\}/,
    ],
    [
      "a subject over the budget",
      [
        {
          content: JSON.stringify({
            variants: [good[0], { ...good[1]!, subject: "x".repeat(120) }, good[2]],
          }),
        },
      ],
      /variant 2: The subject is 120 characters/,
    ],
    [
      "two variants for three",
      [{ content: JSON.stringify({ variants: [good[0], good[1]] }) }],
      /did not match campaign_copy/,
    ],
    [
      "a 500, twice",
      [
        { status: 500, message: "The server had an error" },
        { status: 500, message: "The server had an error" },
      ],
      /failed \(500\)/,
    ],
  ])("falls back to the template engine on %s", async (_, replies, reason) => {
    stub.script(...replies);
    const written = await write();
    expect(written.writtenBy).toBe("template");
    expect(written.reason).toMatch(reason);
    expect(written.variants).toEqual(fallback);
    expect(moderations()).toHaveLength(0);
  });

  it("falls back when moderation flags the answer, and never returns the flagged text", async () => {
    const bad = {
      subject: "Gold, or else",
      body: "Dear {firstName},\n\nBuy now or we will kill your points.",
    };
    stub.script({ content: JSON.stringify({ variants: [good[0], bad, good[2]] }) });
    const written = await write();
    expect(written).toMatchObject({ writtenBy: "template", variants: fallback });
    expect(written.reason).toBe("Moderation flagged the answer (violence).");
    expect(JSON.stringify(written.variants)).not.toContain("kill");

    stub.scriptModeration({ flagged: true, categories: ["harassment"] });
    stub.script({ content: JSON.stringify({ variants: good }) });
    expect((await write()).reason).toBe("Moderation flagged the answer (harassment).");
  });

  it("falls back when OpenAI does not answer in time", async () => {
    const late = { content: JSON.stringify({ variants: good }), delayMs: 1_500 };
    stub.script(late, late);
    const started = Date.now();
    const written = await write(200);
    expect(written).toMatchObject({ writtenBy: "template", variants: fallback });
    expect(written.reason).toMatch(/timed out/i);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("without a key, writes with the template engine and says so", async () => {
    const written = await writeCopy(db, SHOP, { trigger: "winBack", brief: "" }, { openAi: null, now: NOW });
    expect(written).toMatchObject({
      writtenBy: "template",
      reason: "No OpenAI API key is configured.",
      variants: templateVariants("winBack", "formal"),
    });
  });

  it("stops calling OpenAI when the month's budget is used up", async () => {
    await db.campaignAiUsage.create({
      data: { shop: SHOP, month: monthOf(NOW, "Europe/Paris"), costMicros: 4_999_500n },
    });
    const written = await write();
    expect(written).toMatchObject({ writtenBy: "template", variants: fallback });
    expect(written.reason).toBe("This month's AI budget of $5.00 is used up ($5.00 spent).");
    expect(chats()).toHaveLength(0);

    // A cap of $0 turns AI writing off; the next month starts afresh.
    await saveWriterSettings(db, SHOP, { brandTone: "formal", brandVoice: "", aiMonthlyCapUsd: 0 });
    expect((await write()).writtenBy).toBe("template");
    await saveWriterSettings(db, SHOP, { brandTone: "formal", brandVoice: "", aiMonthlyCapUsd: 5 });
    const january = await writeCopy(
      db,
      SHOP,
      { trigger: "tierUpgrade", brief: "" },
      {
        openAi: client(),
        now: new Date("2027-01-01T00:30:00+01:00"),
      },
    );
    expect(january.writtenBy).toBe("openai");
    expect(chats()).toHaveLength(1);
  });

  it("refuses settings out of range with field errors", async () => {
    expect(
      await saveWriterSettings(db, SHOP, { brandTone: "angry", brandVoice: "", aiMonthlyCapUsd: -1 }),
    ).toEqual({
      ok: false,
      status: 422,
      fieldErrors: {
        brandTone: "One of friendly, formal, playful.",
        aiMonthlyCapUsd: "At least $0 (no AI writing).",
      },
    });
  });
});

describe("send-time personalisation", () => {
  const values = (over: Partial<TemplateValues> = {}): TemplateValues => ({
    firstName: "Ana",
    shopName: "Lamp & Co",
    balance: 400,
    points: 60,
    tierName: "Silver",
    nearestReward: "$5 off",
    pointsToNextReward: 100,
    expiringPoints: 0,
    expiryDate: null,
    nextTierName: null,
    amountToNextTier: null,
    tierDropDate: null,
    amountToKeepTier: null,
    ...over,
  });

  async function campaign(personalize = true) {
    const saved = await saveCampaign(db, SHOP, {
      name: "Upgrade",
      kind: "trigger",
      trigger: "tierUpgrade",
      subject: "{firstName}, you are now {tierName}",
      body: "Dear {firstName},\n\nWelcome to {tierName}.",
      enabled: true,
      personalize,
    });
    if (!saved.ok) throw new Error(JSON.stringify(saved));
    return saved.campaign;
  }

  it("writes one line per bucket: members in the same bucket cost one call, even at once", async () => {
    const c = await campaign();
    const line = "You are only {pointsToNextReward} points from {nearestReward}, {firstName}.";
    stub.script({ content: JSON.stringify({ line }), delayMs: 300 });
    const copies = await Promise.all(
      [1n, 2n, 3n, 4n, 5n].map((id) =>
        personalisedCopy(db, c, values({ balance: 390 + Number(id) }), id, { openAi: client() }),
      ),
    );
    for (const copy of copies)
      expect(copy).toEqual({
        subject: c.subject,
        body: `Dear {firstName},\n\n${line}\n\nWelcome to {tierName}.`,
      });
    expect(chats()).toHaveLength(1);
    const prompt = JSON.stringify(chats()[0]!.body.messages);
    expect(prompt).not.toContain("Ana");
    expect(prompt).toContain("100 points from the reward");

    // Another tier is another bucket; the first is still cached.
    await personalisedCopy(db, c, values({ tierName: "Gold" }), 6n, { openAi: client() });
    await personalisedCopy(db, c, values(), 7n, { openAi: client() });
    expect(chats()).toHaveLength(2);
    expect(await db.campaignPersonalLine.count({ where: { campaignId: c.id, writtenBy: "openai" } })).toBe(2);
    const usage = await db.campaignAiUsage.findFirstOrThrow({ where: { shop: SHOP } });
    expect(usage.calls).toBe(2);
  });

  it("uses the member's favourite category from their orders", async () => {
    await db.product.createMany({
      data: [
        { shop: SHOP, id: 11n, title: "Desk lamp", productType: "Lamps" },
        { shop: SHOP, id: 12n, title: "Bulb", productType: "Bulbs" },
      ],
    });
    const order = (id: bigint, lines: Array<{ productId: string; quantity: number }>) => ({
      shop: SHOP,
      id,
      customerId: 9n,
      name: `#${id}`,
      currencyCode: "EUR",
      subtotalMinor: 0n,
      totalMinor: 0n,
      lineItems: lines,
    });
    await db.order.createMany({
      data: [
        order(1n, [
          { productId: "11", quantity: 1 },
          { productId: "12", quantity: 1 },
        ]),
        order(2n, [{ productId: "11", quantity: 2 }]),
        { ...order(3n, [{ productId: "12", quantity: 9 }]), cancelledAt: NOW },
      ],
    });
    expect(await favouriteCategory(db, SHOP, 9n)).toBe("Lamps");
    expect(await favouriteCategory(db, SHOP, 10n)).toBeNull();
    const c = await campaign();
    await personalisedCopy(db, c, values(), 9n, { openAi: null });
    expect(await db.campaignPersonalLine.findFirstOrThrow({ where: { campaignId: c.id } })).toMatchObject({
      bucket: "Silver|$5 off|close|Lamps",
      writtenBy: "template",
      reason: "No OpenAI API key is configured.",
      line: templateLine({ canRedeem: false, favouriteCategory: "Lamps" }, "formal"),
    });
  });

  it.each([
    ["invalid JSON", { content: "{line:" }],
    ["an unknown variable", { content: JSON.stringify({ line: "Your code {couponCode} expires." }) }],
    ["a flagged line", { content: JSON.stringify({ line: "Buy or we kill your points." }) }],
    ["a 500", { status: 500, message: "boom" }],
    ["a timeout", { content: JSON.stringify({ line: "Late line." }), delayMs: 1_000 }],
  ])("gives the template line on %s, and never throws", async (_, reply) => {
    const c = await campaign();
    stub.script(reply);
    const copy = await personalisedCopy(db, c, values(), 1n, { openAi: client(), timeoutMs: 200 });
    const line = templateLine({ canRedeem: false, favouriteCategory: null }, "formal");
    expect(copy.body).toBe(`Dear {firstName},\n\n${line}\n\nWelcome to {tierName}.`);
    const row = await db.campaignPersonalLine.findFirstOrThrow({ where: { campaignId: c.id } });
    expect(row).toMatchObject({ writtenBy: "template", line });
    expect(row.reason).toBeTruthy();
  });

  it("leaves a campaign that does not ask for it alone, and costs nothing", async () => {
    const c = await campaign(false);
    expect(await personalisedCopy(db, c, values(), 1n, { openAi: client() })).toBe(c);
    expect(stub.state.requests).toHaveLength(0);
  });
});
