import { describe, expect, it } from "vitest";
import { campaignSchema, fieldErrorsOf } from "./definition";
import { INBOX_TTL_DAYS, inboxContent, presentInbox, safeLink } from "./inbox";
import { sampleValues, TemplateError } from "./template";

// The inbox channel's pure rules: which links a message may carry, what a message holds,
// and what a merchant may save.

const NOW = new Date("2026-12-07T10:00:00Z");

describe("safeLink", () => {
  it.each([
    ["/collections/all", true],
    ["/products/lamp?variant=1#reviews", true],
    ["https://northwind.example/sale", true],
    ["http://northwind.example/sale", false],
    ["javascript:alert(1)", false],
    ["data:text/html,<b>x</b>", false],
    ["//evil.example/x", false],
    ["/\\evil.example", false],
    ['/a"onmouseover="x', false],
    ["collections/all", false],
    ["", false],
  ])("%s → %s", (url, ok) => expect(safeLink(url)).toBe(ok));
});

describe("inboxContent", () => {
  const values = sampleValues("Lamp & Co");

  it("renders title and body as plain text with the button, expiring after the TTL", () => {
    const content = inboxContent(
      {
        subject: "{firstName},\n  welcome to {tierName}",
        body: "Hi <b>{firstName}</b>\u0007\r\n\r\n\r\n\r\nSee you at {shopName}.",
        ctaLabel: "Shop",
        ctaUrl: "/collections/all",
      },
      values,
      NOW,
    );
    expect(content).toEqual({
      title: "Ana, welcome to Silver",
      body: "Hi <b>Ana</b>\n\nSee you at Lamp & Co.",
      ctaLabel: "Shop",
      ctaUrl: "/collections/all",
      expiresAt: new Date(NOW.getTime() + INBOX_TTL_DAYS * 86_400_000),
    });
  });

  it("drops a button whose stored link is not safe, and refuses an unknown variable", () => {
    const template = { subject: "Hi", body: "Body", ctaLabel: "Go", ctaUrl: "javascript:alert(1)" };
    expect(inboxContent(template, values, NOW)).toMatchObject({ ctaLabel: null, ctaUrl: null });
    expect(() => inboxContent({ ...template, body: "{secret}" }, values, NOW)).toThrow(TemplateError);
  });
});

describe("presentInbox", () => {
  it("answers ids, text, the button, ISO times and read flags", () => {
    const createdAt = new Date("2026-12-01T09:00:00Z");
    expect(
      presentInbox(
        [
          { id: "a", title: "T", body: "B", ctaLabel: "Go", ctaUrl: "/x", createdAt, readAt: null },
          { id: "b", title: "T2", body: "B2", ctaLabel: null, ctaUrl: null, createdAt, readAt: NOW },
        ],
        1,
      ),
    ).toEqual({
      unread: 1,
      messages: [
        {
          id: "a",
          title: "T",
          body: "B",
          cta: { label: "Go", url: "/x" },
          createdAt: createdAt.toISOString(),
          read: false,
        },
        { id: "b", title: "T2", body: "B2", cta: null, createdAt: createdAt.toISOString(), read: true },
      ],
    });
  });
});

describe("a campaign on the inbox channel", () => {
  const base = { name: "Up", kind: "trigger", trigger: "tierUpgrade", subject: "Hi", body: "Body" };
  const errors = (input: Record<string, unknown>) => {
    const parsed = campaignSchema.safeParse({ ...base, ...input });
    return parsed.success ? {} : fieldErrorsOf(parsed.error);
  };

  it("accepts the inbox channel with a button, and email with the fallback", () => {
    expect(errors({ channel: "inbox", ctaLabel: "Shop", ctaUrl: "https://x.example/a" })).toEqual({});
    expect(errors({ channel: "email", inboxFallback: true })).toEqual({});
  });

  it("refuses another channel, a fallback on the inbox itself, half a button and an unsafe link", () => {
    expect(errors({ channel: "fax" })).toHaveProperty("channel");
    expect(errors({ channel: "inbox", inboxFallback: true })).toEqual({
      inboxFallback: "An inbox campaign is already in the inbox.",
    });
    expect(errors({ channel: "inbox", ctaLabel: "Shop" })).toEqual({
      ctaUrl: "Give both the button's label and its link, or neither.",
    });
    expect(errors({ channel: "inbox", ctaLabel: "Shop", ctaUrl: "javascript:alert(1)" })).toHaveProperty(
      "ctaUrl",
    );
  });
});
