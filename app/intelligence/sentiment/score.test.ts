import { describe, expect, it } from "vitest";
import { cleanThemes, OPENAI_BATCH, readScores, readSummary, scoreRequest, type ChatJson } from "./openai";
import { countThemes, scoreReviews } from "./score";
import { scoreReviewOffline } from "./vader";

const review = (id: string, rating: number, title: string, body = "") => ({ id, rating, title, body });
const reviews = [
  review("a", 5, "Love it!", "Perfect fit."),
  review("b", 1, "Not good", "Broke in a week."),
  review("c", 3, "OK", "Fine."),
];
const answer = (rows: { id: string; score: number; themes: string[] }[]) => ({ reviews: rows });

describe("scoreReviews", () => {
  it("without OpenAI scores every review by VADER", async () => {
    const out = await scoreReviews(reviews, null);
    expect(out.map((r) => [r.id, r.source, r.fellBack])).toEqual([
      ["a", "vader", false],
      ["b", "vader", false],
      ["c", "vader", false],
    ]);
    expect(out[0]!.sentiment).toBe(scoreReviewOffline(reviews[0]!));
    expect(out[1]!.sentiment).toBeLessThan(0);
  });

  it("takes OpenAI's scores and themes; a review missing or out of range falls back to VADER", async () => {
    const requests: unknown[] = [];
    const chat = (async (request) => {
      requests.push(request);
      return answer([
        { id: "a", score: 0.9, themes: ["Fit", "fit", " colour  choice ", "price", "extra"] },
        { id: "b", score: -1.7, themes: [] },
        { id: "zzz", score: 0.1, themes: [] },
      ]);
    }) as ChatJson;
    const out = await scoreReviews(reviews, chat);
    expect(requests).toHaveLength(1);
    expect(out[0]).toEqual({
      id: "a",
      sentiment: 0.9,
      source: "openai",
      themes: ["fit", "colour choice", "price"],
      fellBack: false,
    });
    expect(out[1]).toMatchObject({ id: "b", source: "vader", fellBack: true });
    expect(out[2]).toMatchObject({ id: "c", source: "vader", fellBack: true });
  });

  it("a failed call (error, timeout) falls back for its chunk only and is reported", async () => {
    const many = Array.from({ length: OPENAI_BATCH + 5 }, (_, i) => review(`r${i}`, 4, "Nice"));
    let calls = 0;
    const errors: unknown[] = [];
    const chat = (async (request: { user: string }) => {
      calls++;
      if (calls === 1) throw new Error("Request timed out.");
      const ids = (JSON.parse(request.user) as { id: string }[]).map((r) => r.id);
      return answer(ids.map((id) => ({ id, score: 0.5, themes: [] })));
    }) as ChatJson;
    const out = await scoreReviews(many, chat, (e) => errors.push(e));
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
    expect(out.filter((r) => r.source === "vader" && r.fellBack)).toHaveLength(OPENAI_BATCH);
    expect(out.filter((r) => r.source === "openai")).toHaveLength(5);
  });

  it("a reply that is not the schema falls back for every review", async () => {
    const out = await scoreReviews(reviews, (async () => ({ scores: [1, 2, 3] })) as ChatJson);
    expect(out.every((r) => r.source === "vader" && r.fellBack)).toBe(true);
  });
});

describe("the OpenAI request and its reading", () => {
  it("sends ids, stars and text clipped, with a strict schema", () => {
    const r = scoreRequest([review("x", 2, "T", "b".repeat(5_000))]);
    expect(r.name).toBe("review_sentiment");
    const sent = JSON.parse(r.user) as { id: string; stars: number; body: string }[];
    expect(sent[0]).toMatchObject({ id: "x", stars: 2 });
    expect(sent[0]!.body.length).toBe(1_500);
  });

  it("keeps the first answer for an id and only ids asked for", () => {
    const read = readScores(
      answer([
        { id: "a", score: 0.2, themes: [] },
        { id: "a", score: -0.2, themes: [] },
        { id: "q", score: 0, themes: [] },
      ]),
      ["a"],
    );
    expect([...read]).toEqual([["a", { score: 0.2, themes: [] }]]);
    expect(readScores("not json", ["a"]).size).toBe(0);
  });

  it("cleans themes and summaries", () => {
    expect(cleanThemes(["", "  ", "A".repeat(60)])).toEqual(["a".repeat(40)]);
    expect(readSummary({ summary: "  Mostly happy.  " })).toBe("Mostly happy.");
    expect(readSummary({ summary: " " })).toBeNull();
    expect(readSummary({})).toBeNull();
  });
});

describe("countThemes", () => {
  it("counts each negative review's themes once, most frequent first", () => {
    expect(
      countThemes([
        { sentiment: -0.6, themes: ["sizing", "sizing", "delivery"] },
        { sentiment: -0.2, themes: ["sizing"] },
        { sentiment: -0.01, themes: ["delivery"] },
        { sentiment: 0.8, themes: ["sizing"] },
        { sentiment: -0.9, themes: ["delivery", "afterthought"] },
      ]),
    ).toEqual([
      { theme: "delivery", reviews: 2 },
      { theme: "sizing", reviews: 2 },
      { theme: "afterthought", reviews: 1 },
    ]);
  });
});
