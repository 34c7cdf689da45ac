import { describe, expect, it } from "vitest";
import { renderTemplate, sampleValues } from "../template";
import { BODY_MAX, lineProblem, SUBJECT_MAX, tidy, TONES, variantProblem, variantsAnswer } from "./copy";
import { MESSAGE_KINDS, messageKindOf, templateLine, templateVariants, type MessageKind } from "./fallback";
import { costMicros, parsePrice, priceOf } from "./prices";

const body = "Hi {firstName},\n\nYou have {balance} points at {shopName}.";

describe("the rules written copy must pass", () => {
  it("accepts copy within the budget that uses only the closed variables", () => {
    expect(variantProblem({ subject: "{firstName}, you are now {tierName}", body })).toBeNull();
  });

  it.each([
    [{ subject: "", body }, "The subject is empty."],
    [
      { subject: "x".repeat(SUBJECT_MAX + 1), body },
      `The subject is ${SUBJECT_MAX + 1} characters (at most ${SUBJECT_MAX}).`,
    ],
    [{ subject: "Two\nlines", body }, "The subject has a line break."],
    [{ subject: "Hi", body: "Too short." }, "The message is too short."],
    [
      { subject: "Hi", body: `${body} ${"x".repeat(BODY_MAX)}` },
      /^The message is \d+ characters \(at most 1200\)\.$/,
    ],
    [{ subject: "Your {couponCode} is here", body }, /^The subject: Unknown variable \{couponCode\}/],
    [
      { subject: "Hi", body: `${body} Use {discount_code} today.` },
      /^The message: Unknown variable \{discount_code\}/,
    ],
    [{ subject: "Hi", body: `${body} Braces } alone.` }, /^The message: Braces only surround variables/],
    [{ subject: "Hi", body: `${body} Visit https://evil.example now.` }, "The message contains a link."],
    [{ subject: "Hi", body: `${body} <b>Bold</b> text.` }, "The message contains HTML."],
  ])("refuses %j", (variant, problem) => {
    const found = variantProblem(variant);
    if (typeof problem === "string") expect(found).toBe(problem);
    else expect(found).toMatch(problem);
  });

  it("checks personal lines the same way, on one line", () => {
    expect(lineProblem("You are {pointsToNextReward} points from {nearestReward}.")).toBeNull();
    expect(lineProblem("Use {code} now")).toMatch(/Unknown variable \{code\}/);
    expect(lineProblem("One\nTwo")).toBe("The personal line has a line break.");
    expect(lineProblem("x".repeat(201))).toBe("The personal line is 201 characters (at most 200).");
  });

  it("asks the model for exactly the number of variants (and no string lengths, which strict mode ignores)", () => {
    const schema = variantsAnswer(3);
    expect(schema.safeParse({ variants: [{ subject: "a", body: "b" }] }).success).toBe(false);
    expect(schema.safeParse({ variants: Array(3).fill({ subject: "a", body: "b" }) }).success).toBe(true);
  });

  it("tidies whitespace without changing words", () => {
    expect(tidy({ subject: "  Hi \n there ", body: "A\n\n\n\nB  \n \nC" })).toEqual({
      subject: "Hi there",
      body: "A\n\nB\n\nC",
    });
  });
});

describe("the template engine's copy", () => {
  const kinds = Object.keys(MESSAGE_KINDS) as MessageKind[];

  it.each(kinds.flatMap((kind) => TONES.map((tone) => [kind, tone] as const)))(
    "%s in a %s tone: three distinct variants that pass every rule and render",
    (kind, tone) => {
      const variants = templateVariants(kind, tone);
      expect(variants).toHaveLength(3);
      expect(new Set(variants.map((v) => v.subject)).size).toBe(3);
      for (const v of variants) {
        expect(variantProblem(v)).toBeNull();
        expect(() => renderTemplate(v.body, sampleValues("Lamp"))).not.toThrow();
      }
      // Deterministic: the same kind and tone, the same words.
      expect(templateVariants(kind, tone)).toEqual(variants);
    },
  );

  it("writes in the tone's greeting and sign-off", () => {
    expect(templateVariants("tierUpgrade", "formal")[0]!.body).toMatch(
      /^Dear \{firstName\},[\s\S]*Kind regards,\n\{shopName\}$/,
    );
    expect(templateVariants("tierUpgrade", "friendly")[0]!.body).toMatch(/^Hi \{firstName\},/);
    expect(templateVariants("tierUpgrade", "playful")[0]!.subject).toMatch(/🎉$/);
  });

  it("maps triggers to message kinds, anything unknown to a broadcast", () => {
    expect(messageKindOf("tierUpgrade")).toBe("tierUpgrade");
    expect(messageKindOf("winBack")).toBe("winBack");
    expect(messageKindOf("tierDowngradeWarning")).toBe("downgradeWarning");
    expect(messageKindOf("somethingNew")).toBe("broadcast");
    expect(messageKindOf(null)).toBe("broadcast");
  });

  it("writes a personal line from the member's context that passes the rules", () => {
    const close = templateLine({ canRedeem: false, favouriteCategory: "Lamps {x}" }, "friendly");
    expect(close).toBe(
      "You are {pointsToNextReward} points from {nearestReward}. Have a look at what is new in Lamps x.",
    );
    expect(lineProblem(close)).toBeNull();
    expect(templateLine({ canRedeem: true, favouriteCategory: null }, "formal")).toBe(
      "You can already redeem {nearestReward}.",
    );
  });
});

describe("prices", () => {
  it("counts millionths of a USD from the usage's tokens", () => {
    expect(costMicros(priceOf("gpt-4o-mini"), 1_000_000, 0)).toBe(150_000);
    expect(costMicros(priceOf("gpt-4o-mini"), 1000, 500)).toBe(450);
    expect(priceOf("gpt-4o-mini-2024-07-18")).toEqual(priceOf("gpt-4o-mini"));
  });

  it("prices an unknown model as the dearest, unless configured", () => {
    expect(priceOf("some-new-model")).toEqual(priceOf("gpt-4o"));
    expect(priceOf("some-new-model", parsePrice("1/2"))).toEqual({ inputPerMillion: 1, outputPerMillion: 2 });
    expect(parsePrice("cheap")).toBeNull();
  });
});
