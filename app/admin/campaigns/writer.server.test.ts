import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { campaignsAction, loadCampaignsPage } from "./page.server";

// The editor's writer intents as the route calls them: generate (here without a key, so the
// template engine, with the reason), save the brand voice (422s), and the HTML preview
// (rendered for the sample member, 422 for an unknown variable).

const db = prisma();
const SHOP = "writer-page.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await seedProgram(db, SHOP, {});
  await db.shop.update({ where: { domain: SHOP }, data: { name: "Lamp & Co" } });
});

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

describe("the editor's AI writer and preview", () => {
  it("generates with the template engine without a key, saying why, in the shop's saved tone", async () => {
    expect(
      await campaignsAction(
        db,
        SHOP,
        form({ intent: "save-writer", brandTone: "playful", brandVoice: "Cheeky", aiMonthlyCapUsd: "2.5" }),
      ),
    ).toEqual({ status: 200, body: { ok: true, saved: "writer" } });
    const answer = await campaignsAction(
      db,
      SHOP,
      form({ intent: "write-copy", trigger: "birthday", brief: "Double points" }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      ok: true,
      written: {
        writtenBy: "template",
        reason: "No OpenAI API key is configured.",
        used: "$0.00",
        cap: "$2.50",
      },
    });
    const written = "written" in answer.body ? answer.body.written : null;
    expect(written!.variants[0]).toEqual({
      subject: "Happy birthday, {firstName} 🎉",
      body: "Hey {firstName}!\n\nHappy birthday from all of us at {shopName}. We added {points} points to your balance as a gift.\n\nHappy shopping!\nThe {shopName} crew",
    });
    const page = await loadCampaignsPage(db, SHOP);
    expect(page.writer).toEqual({
      configured: false,
      brandTone: "playful",
      brandVoice: "Cheeky",
      capUsd: "2.5",
      used: "$0.00",
      cap: "$2.50",
      calls: 0,
    });
  });

  it("refuses a bad brief or voice with field errors, and writes nothing", async () => {
    const brief = await campaignsAction(
      db,
      SHOP,
      form({ intent: "write-copy", trigger: "tierUpgrade", brief: "x".repeat(1001) }),
    );
    expect(brief).toEqual({
      status: 422,
      body: { ok: false, error: "Check the brief.", fieldErrors: { brief: "At most 1,000 characters." } },
    });
    const voice = await campaignsAction(
      db,
      SHOP,
      form({ intent: "save-writer", brandTone: "loud", brandVoice: "", aiMonthlyCapUsd: "lots" }),
    );
    expect(voice).toMatchObject({
      status: 422,
      body: {
        fieldErrors: { brandTone: "One of friendly, formal, playful.", aiMonthlyCapUsd: "An amount in USD." },
      },
    });
    expect(await db.campaignSettings.count()).toBe(0);
  });

  it("renders the HTML preview for the sample member, with the personal line when asked; 422 for an unknown variable", async () => {
    const preview = await campaignsAction(
      db,
      SHOP,
      form({
        intent: "preview",
        subject: "{firstName}, you are {tierName}",
        body: "Hi {firstName},\n\nWelcome & thanks.",
        personalize: "true",
      }),
    );
    expect(preview.status).toBe(200);
    const { subject, html } = "preview" in preview.body ? preview.body.preview : { subject: "", html: "" };
    expect(subject).toBe("Ana, you are Silver");
    expect(html).toContain("Welcome &amp; thanks.");
    expect(html).toContain("You are 750 points from $20 off.");
    expect(html.indexOf("Hi Ana,")).toBeLessThan(html.indexOf("You are 750 points"));
    expect(html).toMatch(/<meta name="viewport"/);

    const bad = await campaignsAction(
      db,
      SHOP,
      form({ intent: "preview", subject: "{nope}", body: "Hi there, friend." }),
    );
    expect(bad).toMatchObject({
      status: 422,
      body: { ok: false, error: expect.stringMatching(/^Unknown variable \{nope\}/) },
    });
  });

  it("saves the brief, who wrote the copy and the personalisation with the campaign", async () => {
    const saved = await campaignsAction(
      db,
      SHOP,
      form({
        intent: "save-campaign",
        name: "Upgrade",
        trigger: "tierUpgrade",
        subject: "{firstName}, welcome to {tierName}",
        body: "Hi {firstName}, welcome.",
        brief: "Celebrate",
        writtenBy: "openai",
        personalize: "true",
      }),
    );
    expect(saved.status).toBe(200);
    expect(await db.campaign.findFirstOrThrow({ where: { shop: SHOP } })).toMatchObject({
      brief: "Celebrate",
      writtenBy: "openai",
      personalize: true,
    });
    const forged = await campaignsAction(
      db,
      SHOP,
      form({
        intent: "save-campaign",
        name: "X",
        trigger: "tierUpgrade",
        subject: "Hi",
        body: "Hello there.",
        writtenBy: "robot",
      }),
    );
    expect(forged.status).toBe(422);
  });
});
