import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startOpenAiStub, type OpenAiStub } from "../emulator/openai/stub";
import { createOpenAiClient, OpenAiError, strictJsonSchema } from "./openai.server";

// The one OpenAI client against the local stub that speaks the documented API: what is
// sent (model, structured-output schema, embeddings batch), what comes back parsed, and
// every failure turned into an OpenAiError the callers fall back on.

let stub: OpenAiStub;
beforeAll(async () => {
  stub = await startOpenAiStub({ apiKey: "sk-test-key-0123456789abcdef" });
});
afterAll(() => stub.close());

const client = (overrides: { apiKey?: string; maxRetries?: number } = {}) =>
  createOpenAiClient({
    apiKey: overrides.apiKey ?? "sk-test-key-0123456789abcdef",
    baseURL: stub.baseURL,
    chatModel: "gpt-4o-mini",
    embeddingModel: "text-embedding-3-small",
    maxRetries: overrides.maxRetries ?? 0,
    timeoutMs: 5_000,
  });

const Persona = z.object({ name: z.string(), description: z.string(), score: z.number().min(-1).max(1) });

describe("structured answers", () => {
  it("sends the schema in strict form and parses a scripted answer", async () => {
    stub.script({
      content: JSON.stringify({ name: "Bargain hunters", description: "Buy on sale", score: -0.5 }),
    });
    const answer = await client().json({
      name: "persona",
      schema: Persona,
      system: "You name segments.",
      user: "Cluster 1",
    });
    expect(answer).toEqual({ name: "Bargain hunters", description: "Buy on sale", score: -0.5 });
    const sent = stub.state.requests.at(-1)!.body as {
      model: string;
      messages: Array<{ role: string; content: string }>;
      response_format: {
        type: string;
        json_schema: { name: string; strict: boolean; schema: Record<string, unknown> };
      };
    };
    expect(sent.model).toBe("gpt-4o-mini");
    expect(sent.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(sent.response_format.type).toBe("json_schema");
    expect(sent.response_format.json_schema).toMatchObject({ name: "persona", strict: true });
    expect(sent.response_format.json_schema.schema).toMatchObject({
      type: "object",
      required: ["name", "description", "score"],
      additionalProperties: false,
    });
  });

  it("answers unscripted requests with a value that satisfies the schema", async () => {
    const answer = await client().json({
      name: "persona",
      schema: Persona,
      system: "s",
      user: "Frequent big spenders",
    });
    expect(answer.score).toBe(0);
    expect(answer.name).toContain("frequent big spenders");
  });

  it("rejects an answer that does not match the schema, or is not JSON", async () => {
    stub.script(
      { content: JSON.stringify({ name: "x", description: "y", score: 7 }) },
      { content: "not json" },
    );
    await expect(client().json({ name: "persona", schema: Persona, system: "s", user: "u" })).rejects.toThrow(
      /did not match persona/,
    );
    await expect(client().json({ name: "persona", schema: Persona, system: "s", user: "u" })).rejects.toThrow(
      /not JSON/,
    );
  });

  it("retries a rate limit, and reports a persisting one as an OpenAiError", async () => {
    stub.script(
      { status: 429, message: "Rate limit reached", type: "requests" },
      { content: '{"name":"a","description":"b","score":1}' },
    );
    await expect(
      client({ maxRetries: 1 }).json({ name: "persona", schema: Persona, system: "s", user: "u" }),
    ).resolves.toMatchObject({ score: 1 });
    stub.script({ status: 500, message: "The server had an error" });
    const failure = client().json({ name: "persona", schema: Persona, system: "s", user: "u" });
    await expect(failure).rejects.toBeInstanceOf(OpenAiError);
    await expect(failure).rejects.toThrow(/500/);
  });

  it("answers 401 to a wrong key, without echoing the key", async () => {
    const failure = client({ apiKey: "sk-wrong-key-0123456789abcdef" }).json({
      name: "persona",
      schema: Persona,
      system: "s",
      user: "u",
    });
    await expect(failure).rejects.toThrow(/401/);
    await expect(failure).rejects.not.toThrow(/sk-wrong/);
  });
});

describe("embeddings", () => {
  it("embeds in order, in batches, as unit vectors that are closer for texts sharing words", async () => {
    const texts = Array.from({ length: 300 }, (_, i) => `product ${i} organic cotton tee`);
    texts[0] = "Organic cotton t-shirt, white";
    texts[1] = "White organic cotton t-shirt for kids";
    texts[2] = "Stainless steel chef knife";
    const before = stub.state.requests.length;
    const vectors = await client().embed(texts, { dimensions: 256 });
    expect(stub.state.requests.length - before).toBe(2); // 256 + 44
    expect(vectors).toHaveLength(300);
    expect(vectors[0]).toHaveLength(256);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    expect(dot(vectors[0]!, vectors[0]!)).toBeCloseTo(1, 5);
    expect(dot(vectors[0]!, vectors[1]!)).toBeGreaterThan(0.5);
    expect(Math.abs(dot(vectors[0]!, vectors[2]!))).toBeLessThan(0.3);
  });
});

describe("strictJsonSchema", () => {
  it("requires every property and forbids others at every level", () => {
    const schema = strictJsonSchema(
      z.object({ themes: z.array(z.object({ label: z.string(), count: z.int() })), summary: z.string() }),
    );
    expect(schema).toMatchObject({
      required: ["themes", "summary"],
      additionalProperties: false,
      properties: { themes: { items: { required: ["label", "count"], additionalProperties: false } } },
    });
    expect(schema).not.toHaveProperty("$schema");
  });
});
