import { describe, expect, it } from "vitest";
import { bucketOf, variantAt } from "~/experiments/assignment";
import { agentClass, classifyEvent, isAppleAddress } from "./bots";
import { linksOf, replaceLinks } from "./links";
import type { QuietHours } from "../quiet-hours";
import { sendInstant } from "../send-time/send-instant";
import { campaignArm, campaignTestSchema, sharedChannel, variantSendTime, type SendTime } from "./variants";

// The pure rules of measured campaigns: bot flags, links, send-time waits, arms and the test's schema.

const SENT = new Date("2026-12-07T12:00:00Z");
const after = (seconds: number) => new Date(SENT.getTime() + seconds * 1000);
const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";

describe("bots", () => {
  it.each([
    ["Mozilla/5.0", "apple-proxy"],
    [
      "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
      "google-proxy",
    ],
    ["Barracuda Sentinel (EE)", "scanner"],
    ["python-requests/2.31", "scanner"],
    [IPHONE, "mobile"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15", "desktop"],
    ["", "unknown"],
  ])("classes %s as %s", (ua, expected) => expect(agentClass(ua)).toBe(expected));

  it("flags Apple's proxy by agent or address, scanners, machine-fast events and link sweeps; counts a person", () => {
    const open = (ua: string, ip: string, seconds: number) =>
      classifyEvent({ kind: "open", at: after(seconds), userAgent: ua, ip, sentAt: SENT });
    expect(open("Mozilla/5.0", "203.0.113.1", 3600)).toEqual({
      bot: true,
      reason: "Apple Mail Privacy Protection prefetch",
    });
    expect(open(IPHONE, "::ffff:17.1.2.3", 3600)).toMatchObject({ bot: true });
    expect(isAppleAddress("170.1.2.3")).toBe(false);
    expect(open(IPHONE, "203.0.113.1", 4)).toEqual({ bot: true, reason: "Opened within 10 s of delivery" });
    expect(open(IPHONE, "203.0.113.1", 600)).toEqual({ bot: false });
    const click = (url: string, seconds: number, earlier: { url: string; at: Date }[]) =>
      classifyEvent({
        kind: "click",
        at: after(seconds),
        userAgent: IPHONE,
        ip: "203.0.113.1",
        sentAt: SENT,
        url,
        earlierClicks: earlier,
      });
    expect(click("https://a", 600, [{ url: "https://b", at: after(598) }])).toMatchObject({ bot: true });
    // The same link twice is a person clicking again, not a sweep.
    expect(click("https://a", 600, [{ url: "https://a", at: after(599) }])).toEqual({ bot: false });
    expect(click("https://a", 600, [{ url: "https://b", at: after(500) }])).toEqual({ bot: false });
  });
});

describe("links", () => {
  it("finds http(s) URLs without trailing punctuation and replaces each", () => {
    const text = "See https://shop.example/a?x=1&y=2. Or (https://shop.example/b), not ftp://x or mailto:me.";
    expect(linksOf(text)).toEqual(["https://shop.example/a?x=1&y=2", "https://shop.example/b"]);
    expect(replaceLinks(text, (u) => `<${u.length}>`)).toBe("See <30>. Or (<22>), not ftp://x or mailto:me.");
  });
});

describe("send time", () => {
  // The variant's mode through the one sendInstant the campaign's own setting also goes through.
  const at = (
    mode: SendTime,
    over: { memberHour?: number | null; campaign?: "immediate" | "bestHour"; quiet?: QuietHours } = {},
  ) =>
    sendInstant({
      choice: variantSendTime(mode),
      campaignDefault: { mode: over.campaign ?? "immediate" },
      queuedAt: SENT, // 13:00 in Paris
      timeZone: "Europe/Paris",
      memberHour: over.memberHour ?? null,
      quiet: over.quiet ?? null,
    });

  it("waits for a fixed or the member's best shop-local hour; as the campaign otherwise", () => {
    expect(at({ mode: "fixedHour", hour: 18 })).toEqual(new Date("2026-12-07T17:00:00Z"));
    expect(at({ mode: "fixedHour", hour: 13 })).toEqual(SENT);
    expect(at({ mode: "fixedHour", hour: 9 })).toEqual(new Date("2026-12-08T08:00:00Z"));
    expect(at({ mode: "memberBestHour" }, { memberHour: 0 })).toEqual(new Date("2026-12-07T23:00:00Z"));
    expect(at({ mode: "memberBestHour" }, { memberHour: null })).toEqual(SENT);
    expect(at({ mode: "campaign" }, { memberHour: 20 })).toEqual(SENT);
    expect(at({ mode: "campaign" }, { memberHour: 20, campaign: "bestHour" })).toEqual(
      new Date("2026-12-07T19:00:00Z"),
    );
  });

  it("lets the campaign's quiet hours win over a variant's hour", () => {
    const quiet = { startHour: 21, endHour: 8 };
    expect(at({ mode: "fixedHour", hour: 23 }, { quiet })).toEqual(new Date("2026-12-08T07:00:00Z"));
    expect(at({ mode: "memberBestHour" }, { memberHour: 22, quiet })).toEqual(
      new Date("2026-12-08T07:00:00Z"),
    );
    expect(at({ mode: "fixedHour", hour: 18 }, { quiet })).toEqual(new Date("2026-12-07T17:00:00Z"));
  });
});

describe("a test of the channel", () => {
  const arm = (key: string, override: unknown) => ({ key, name: key, weight: 50, control: false, override });
  it("is a test whose variants' channels differ; the holdout sends nothing and counts for none", () => {
    expect(sharedChannel([arm("holdout", {}), arm("a", {}), arm("b", { channel: "email" })])).toBe("email");
    expect(
      sharedChannel([arm("holdout", {}), arm("a", { channel: "sms" }), arm("b", { channel: "sms" })]),
    ).toBe("sms");
    expect(sharedChannel([arm("a", { channel: "email" }), arm("b", { channel: "sms" })])).toBeNull();
    expect(sharedChannel([arm("a", { channel: "best" }), arm("b", { channel: "inbox" })])).toBeNull();
  });
});

describe("arms", () => {
  const arms = [
    { key: "holdout", name: "Holdout", weight: 10, control: true, override: {} },
    { key: "a", name: "A", weight: 45, control: false, override: { subject: "A", body: "a" } },
    {
      key: "b",
      name: "B",
      weight: 45,
      control: false,
      override: { subject: "B", body: "b", offer: { kind: "points", points: 5 } },
    },
  ];
  it("picks the arm the experiments' hash picks, with the variant's message", () => {
    const counts: Record<string, number> = {};
    for (let id = 1n; id <= 4000n; id++) {
      const arm = campaignArm("s.myshopify.com", { salt: "salt-1", variants: arms }, id);
      expect(arm.key).toBe(variantAt(arms, bucketOf("s.myshopify.com", "salt-1", id)).key);
      if (!arm.holdout)
        expect(arm.message).toMatchObject({
          subject: arm.key.toUpperCase(),
          channel: "email",
          sendTime: { mode: "campaign" },
        });
      counts[arm.key] = (counts[arm.key] ?? 0) + 1;
    }
    expect(counts.holdout! / 4000).toBeGreaterThan(0.08);
    expect(counts.holdout! / 4000).toBeLessThan(0.12);
  });

  it("refuses keys, weights and templates that do not make a test", () => {
    const v = { key: "a", name: "A", weight: 50, subject: "Hi", body: "Hi" };
    const issues = (input: unknown) =>
      campaignTestSchema.safeParse(input).error?.issues.map((i) => [i.path.join("."), i.message]) ?? [];
    expect(issues({ holdoutPercent: 0, variants: [v, { ...v }] })).toEqual([
      ["variants.1.key", "Keys must differ."],
    ]);
    expect(issues({ holdoutPercent: 10, variants: [{ ...v, key: "holdout", weight: 90 }] })[0]![0]).toBe(
      "variants.0.key",
    );
    expect(issues({ holdoutPercent: 10, variants: [{ ...v, weight: 90, subject: "{nope}" }] })[0]![0]).toBe(
      "variants.0.subject",
    );
    expect(issues({ holdoutPercent: 60, variants: [{ ...v, weight: 40 }] })[0]).toEqual([
      "holdoutPercent",
      "At most half the audience.",
    ]);
    expect(
      issues({
        holdoutPercent: 10,
        variants: [{ ...v, weight: 90, sendTime: { mode: "fixedHour", hour: 24 } }],
      })[0]![0],
    ).toBe("variants.0.sendTime.hour");
    expect(issues({ holdoutPercent: 10, variants: [{ ...v, weight: 90 }] })).toEqual([]);
  });
});
