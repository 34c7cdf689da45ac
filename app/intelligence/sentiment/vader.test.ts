import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeEmoji } from "./emoji";
import { reviewText, scoreReviewOffline, vaderCompound } from "./vader";

describe("vaderCompound", () => {
  it("negation flips a positive word, whatever its case", () => {
    expect(vaderCompound("good")).toBeGreaterThan(0.4);
    expect(vaderCompound("not good")).toBeLessThan(-0.3);
    expect(vaderCompound("Not good")).toBeCloseTo(vaderCompound("not good"), 6);
    expect(vaderCompound("NOT good")).toBeLessThan(0);
    expect(vaderCompound("Not great.")).toBeLessThan(0);
    // VADER looks three words back across sentences: "never" re-negates (as in Python).
    expect(vaderCompound("Never again. Not great.")).toBeGreaterThan(0);
    expect(vaderCompound("I don’t love it")).toBeLessThan(0); // typographic apostrophe
  });

  it("exclamation marks and capitals strengthen, in both directions", () => {
    expect(vaderCompound("Great!!!")).toBeGreaterThan(vaderCompound("Great"));
    expect(vaderCompound("Terrible!!!")).toBeLessThan(vaderCompound("Terrible"));
    expect(vaderCompound("The fit is GREAT")).toBeGreaterThan(vaderCompound("The fit is great"));
  });

  it("emoji carry their names' valence", () => {
    expect(vaderCompound("😍")).toBeGreaterThan(0.4);
    expect(vaderCompound("Arrived today 😠")).toBeLessThan(0);
    expect(vaderCompound("😢")).toBeLessThan(0);
    // Names without a lexicon word stay neutral, as in Python ("pouting", "thumbs down").
    expect(vaderCompound("😡")).toBe(0);
    expect(describeEmoji("Love it😍👍")).toBe("Love it smiling face with heart-eyes thumbs up");
    expect(describeEmoji("no emoji here")).toBe("no emoji here");
  });

  it("neutral and empty texts score 0", () => {
    expect(vaderCompound("")).toBe(0);
    expect(vaderCompound("   ")).toBe(0);
    expect(vaderCompound("The package arrived on Tuesday.")).toBe(0);
  });

  it("always lies in [-1, 1]", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const s = vaderCompound(text);
        return Number.isFinite(s) && s >= -1 && s <= 1;
      }),
    );
    expect(
      vaderCompound("AMAZING!!!! LOVE LOVE LOVE it, best ever, perfect, wonderful!!!!"),
    ).toBeLessThanOrEqual(1);
  });
});

describe("reviewText", () => {
  it("makes the title a sentence before the body", () => {
    expect(reviewText({ title: "Not great", body: "Too small." })).toBe("Not great. Too small.");
    expect(reviewText({ title: "Love it!", body: "Soft." })).toBe("Love it! Soft.");
    expect(reviewText({ title: null, body: "Only a body" })).toBe("Only a body");
    expect(reviewText({ title: "Only a title", body: null })).toBe("Only a title.");
    expect(reviewText({})).toBe("");
  });

  it("a negative title outweighs a bland body", () => {
    expect(
      scoreReviewOffline({ title: "Not great", body: "The mug is smaller than I expected." }),
    ).toBeLessThan(0);
  });
});
