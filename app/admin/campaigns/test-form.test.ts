import { describe, expect, it } from "vitest";
import { campaignTestSchema } from "~/campaigns/measure/variants";
import { campaignTestFromForm } from "./test-form";

describe("the campaign test form", () => {
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    return f;
  };

  it("reads the holdout and the filled variants, leaving an empty one out", () => {
    const input = campaignTestFromForm(
      form({
        holdoutPercent: "10",
        "variants.0.name": "Plain",
        "variants.0.weight": "90",
        "variants.0.subject": "Hi",
        "variants.0.body": "Hello",
        "variants.0.sendTime": "fixedHour",
        "variants.0.hour": "18",
        "variants.0.offerPoints": "50",
        "variants.1.name": "",
        "variants.1.subject": " ",
        "variants.1.body": "",
      }),
    );
    expect(input).toEqual({
      holdoutPercent: 10,
      variants: [
        {
          key: "a",
          name: "Plain",
          weight: 90,
          subject: "Hi",
          body: "Hello",
          channel: "email",
          smsBody: null,
          sendTime: { mode: "fixedHour", hour: 18 },
          offer: { kind: "points", points: 50 },
        },
      ],
    });
    expect(campaignTestSchema.safeParse(input).success).toBe(true);
  });

  it("reads each variant's channel and an SMS variant's text; an SMS variant without text gets the field's message", () => {
    const input = campaignTestFromForm(
      form({
        holdoutPercent: "0",
        "variants.0.name": "Email",
        "variants.0.weight": "50",
        "variants.0.subject": "Hi",
        "variants.0.body": "Hello",
        "variants.0.channel": "email",
        "variants.1.name": "Text",
        "variants.1.weight": "50",
        "variants.1.channel": "sms",
        "variants.1.smsBody": "Hi {firstName}, {balance} points wait for you.",
      }),
    );
    const parsed = campaignTestSchema.parse(input);
    expect(parsed.variants.map((v) => [v.key, v.channel, v.subject, v.smsBody])).toEqual([
      ["a", "email", "Hi", null],
      ["b", "sms", "", "Hi {firstName}, {balance} points wait for you."],
    ]);
    const noText = campaignTestSchema.safeParse(
      campaignTestFromForm(
        form({
          holdoutPercent: "0",
          "variants.0.name": "Email",
          "variants.0.weight": "50",
          "variants.0.subject": "Hi",
          "variants.0.body": "Hello",
          "variants.1.name": "Text",
          "variants.1.weight": "50",
          "variants.1.subject": "Only a subject",
          "variants.1.channel": "sms",
        }),
      ),
    );
    expect(noText.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["variants.1.smsBody", "Write the SMS text."],
    ]);
    const tooLong = campaignTestSchema.safeParse({
      holdoutPercent: 50,
      variants: [{ key: "a", name: "Long", weight: 50, channel: "sms", smsBody: "ж".repeat(700) }],
    });
    expect(tooLong.error!.issues[0]).toMatchObject({ path: ["variants", 0, "smsBody"] });
    expect(tooLong.error!.issues[0]!.message).toMatch(/^The SMS is 11 segments/);
  });

  it("passes what is not a whole number as NaN, which the schema refuses on its field", () => {
    const input = campaignTestFromForm(
      form({
        holdoutPercent: "ten",
        "variants.0.name": "A",
        "variants.0.weight": "4.5",
        "variants.0.subject": "Hi",
        "variants.0.body": "x",
      }),
    );
    const paths = campaignTestSchema.safeParse(input).error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["holdoutPercent", "variants.0.weight"]));
  });
});
