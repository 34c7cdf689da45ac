import { describe, expect, it } from "vitest";
import { program } from "../../tests/support/loyalty-fixtures";
import { applyOverrides, InvalidOverride } from "./member-program";
import { renderMessage } from "./messages";
import {
  DEFAULT_MESSAGES,
  MESSAGE_KIND_KEYS,
  MESSAGE_KINDS,
  placeholdersIn,
  templateProblem,
} from "./program-messages";
import { programSchema } from "./program";

const live = program({});

describe("the program's messages", () => {
  it("start from defaults that use only each kind's own placeholders", () => {
    expect(live.messages).toEqual(DEFAULT_MESSAGES);
    for (const kind of MESSAGE_KIND_KEYS)
      for (const text of [DEFAULT_MESSAGES[kind].subject, DEFAULT_MESSAGES[kind].body]) {
        expect(templateProblem(kind, text)).toBeNull();
        expect(placeholdersIn(text).length).toBeGreaterThan(0);
      }
  });

  it("keep a stored program without messages valid (older versions parse with the defaults)", () => {
    const { messages: _messages, ...older } = live;
    expect(programSchema.parse(older).messages).toEqual(DEFAULT_MESSAGES);
  });

  it.each([
    ["an unknown placeholder", "Hi {fristName}", "Unknown placeholder {fristName}"],
    ["another kind's placeholder", "You reached {tierName}", "Unknown placeholder {tierName}"],
    ["a stray brace", "Hi {firstName}, {points", "Braces only surround placeholders"],
    ["an empty placeholder", "Hi {}", "Unknown placeholder {}"],
  ])("refuse %s, naming the field", (_name, subject, message) => {
    const parsed = programSchema.safeParse({ ...live, messages: { pointsEarned: { subject, body: "x" } } });
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues.find((i) => i.path.join(".") === "messages.pointsEarned.subject");
    expect(issue?.message).toContain(message);
  });

  it("refuse an empty subject", () => {
    const parsed = programSchema.safeParse({
      ...live,
      messages: { ...live.messages, welcome: { subject: "  ", body: "Hi" } },
    });
    expect(parsed.error?.issues[0]?.path.join(".")).toBe("messages.welcome.subject");
  });

  it("let each kind's placeholders through, and only those", () => {
    for (const kind of MESSAGE_KIND_KEYS) {
      const all = MESSAGE_KINDS[kind].placeholders.map((p) => `{${p}}`).join(" ");
      expect(templateProblem(kind, all)).toBeNull();
    }
    expect(templateProblem("welcome", "{expiresOn}")).toContain("{expiresOn}");
  });
});

describe("renderMessage", () => {
  it("fills every placeholder, numbers and dates in the locale and the shop's time zone", () => {
    const rendered = renderMessage(
      live,
      "pointsExpiring",
      {
        firstName: "Ada",
        shopName: "Loom & Leaf",
        points: 1250,
        balance: 4_020,
        expiresOn: new Date("2027-03-01T03:00:00Z"),
      },
      { timeZone: "America/New_York" },
    );
    expect(rendered.subject).toBe("1,250 of your points expire on February 28, 2027");
    expect(rendered.body).toContain("Hi Ada,");
    expect(rendered.body).toContain("1,250 of your 4,020 points at Loom & Leaf expire on February 28, 2027.");
    expect(rendered.body).not.toMatch(/[{}]/);
  });

  it("greets a member without a known first name as 'there'", () => {
    const rendered = renderMessage(live, "welcome", {
      shopName: "Loom",
      balance: 0,
      points: 0,
      firstName: " ",
    });
    expect(rendered.body.startsWith("Hi there,")).toBe(true);
  });

  it("renders a variant's copy: the messages lever's override, merged as every lever is", () => {
    const variant = applyOverrides(live, [
      {
        variantKey: "copy:urgent",
        patch: { messages: { pointsEarned: { subject: "{firstName}, {points} points just landed" } } },
      },
    ]);
    const values = { firstName: "Ada", shopName: "Loom", points: 80, balance: 200 };
    expect(renderMessage(variant, "pointsEarned", values).subject).toBe("Ada, 80 points just landed");
    // What the patch leaves alone stays live.
    expect(variant.messages.pointsEarned.body).toBe(live.messages.pointsEarned.body);
    expect(renderMessage(live, "pointsEarned", values).subject).toBe("You earned 80 points at Loom");
  });

  it("refuses a variant whose copy names an unknown placeholder", () => {
    const bad = { variantKey: "copy:bad", patch: { messages: { welcome: { body: "Hi {name}" } } } };
    expect(() => applyOverrides(live, [bad])).toThrow(InvalidOverride);
  });
});
