import { describe, expect, it } from "vitest";
import { programSchema } from "~/loyalty/program";
import { initialDraft } from "./form";
import { previewVariants } from "./preview";

// The side-by-side preview computes each variant's program with the crediting paths'
// merge: a campaign variant shows the points of an order placed during the campaign, and a
// message variant the message its members would receive.

const program = programSchema.parse({
  currency: "USD",
  earning: {
    campaigns: [
      {
        id: "bfcm",
        name: "Black Friday",
        kind: "multiplier",
        multiplier: 2,
        startsAt: "2026-11-27T00:00:00Z",
        endsAt: "2026-12-01T00:00:00Z",
      },
    ],
  },
  rewards: [
    {
      id: "five",
      name: "$5 off",
      value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
      pointsCost: 500,
    },
  ],
});
const sample = {
  shopName: "Loom & Leaf",
  timeZone: "America/New_York",
  now: new Date("2026-12-06T12:00:00Z"),
};

describe("previewVariants", () => {
  it("shows the points of a typical order during each campaign under each variant", () => {
    const draft = initialDraft(program, "bonuses");
    draft.variants[1]!.fields.campaigns.bfcm = "3";
    const [control, treatment] = previewVariants(draft, program, 8_000, sample);
    expect(control).toMatchObject({ ok: true, campaigns: [{ name: "Black Friday", points: 160 }] });
    expect(treatment).toMatchObject({ ok: true, campaigns: [{ name: "Black Friday", points: 240 }] });
  });

  it("renders the chosen message for a sample member under each variant", () => {
    const draft = initialDraft(program, "messages");
    draft.messageKind = "pointsEarned";
    draft.variants[1]!.fields.messages.pointsEarned.subject = "{firstName}, {points} points just landed";
    const [control, treatment] = previewVariants(draft, program, 8_000, sample);
    if (!control?.ok || !treatment?.ok) throw new Error("both variants make valid programs");
    expect(control.message?.subject).toBe("You earned 80 points at Loom & Leaf");
    expect(treatment.message?.subject).toBe("Alex, 80 points just landed");
    expect(treatment.message?.body).toBe(control.message?.body);
    expect(control.message?.body).toContain("your balance is now 500 points");
  });

  it("says what is wrong with a variant whose copy names an unknown placeholder", () => {
    const draft = initialDraft(program, "messages");
    draft.variants[1]!.fields.messages.pointsEarned.body = "Hi {name}";
    const [, treatment] = previewVariants(draft, program, 8_000, sample);
    expect(treatment).toMatchObject({ ok: false });
    expect(treatment!.ok ? "" : treatment!.problem).toContain("Unknown placeholder {name}");
  });

  it("adds no campaign or message rows on other levers", () => {
    const [control] = previewVariants(initialDraft(program, "earnRate"), program, 8_000, sample);
    expect(control).toMatchObject({ ok: true, campaigns: [], message: null });
  });
});
