import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server";
import { startTestEmulator } from "../testing";

// The emulator serves the OpenAI stub under /openai/v1, so the demo can point
// OPENAI_BASE_URL at it; errors come back in OpenAI's shape.

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());

const post = (path: string, body: unknown, key: string | null = "sk-any") =>
  fetch(`${emulator.url}/openai/v1${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });

describe("OpenAI stub in the emulator", () => {
  it("embeds as floats or base64 little-endian float32, the same vector either way", async () => {
    const floats = (await (
      await post("/embeddings", { model: "text-embedding-3-small", input: "red wool scarf", dimensions: 8 })
    ).json()) as {
      data: Array<{ embedding: number[]; index: number }>;
      usage: { total_tokens: number };
    };
    const encoded = (await (
      await post("/embeddings", {
        model: "text-embedding-3-small",
        input: ["red wool scarf"],
        dimensions: 8,
        encoding_format: "base64",
      })
    ).json()) as { data: Array<{ embedding: string }> };
    const bytes = Buffer.from(encoded.data[0]!.embedding, "base64");
    const decoded = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    expect(floats.data[0]!.embedding).toHaveLength(8);
    expect(Array.from(decoded)).toEqual(floats.data[0]!.embedding);
    expect(floats.usage.total_tokens).toBeGreaterThan(0);
    expect(emulator.openAi.requests.at(-1)!.path).toBe("/v1/embeddings");
  });

  it("answers 401 without a key and 400 for a request OpenAI would refuse", async () => {
    const unauthorised = await post("/chat/completions", { model: "m", messages: [] }, null);
    expect(unauthorised.status).toBe(401);
    expect(await unauthorised.json()).toMatchObject({ error: { code: "invalid_api_key" } });
    const empty = await post("/chat/completions", { model: "gpt-4o-mini", messages: [] });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { type: "invalid_request_error" } });
    expect((await post("/embeddings", { model: "text-embedding-3-small", input: [""] })).status).toBe(400);
  });

  it("answers a chat completion in OpenAI's shape", async () => {
    const response = await post("/chat/completions", {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Summarise these reviews" }],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      object: "chat.completion",
      model: "gpt-4o-mini",
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant" } }],
    });
  });

  it("moderates texts deterministically, and as scripted", async () => {
    const answer = async () =>
      (await (
        await post("/moderations", {
          model: "omni-moderation-latest",
          input: ["Thanks for your order", "I will kill you"],
        })
      ).json()) as { results: Array<{ flagged: boolean; categories: Record<string, boolean> }> };
    const { results } = await answer();
    expect(results.map((r) => r.flagged)).toEqual([false, true]);
    expect(results[1]!.categories).toMatchObject({ violence: true, harassment: false });
    emulator.openAi.moderations.push({ flagged: true, categories: ["hate"] });
    expect((await answer()).results.map((r) => r.categories.hate)).toEqual([true, true]);
    expect((await post("/moderations", { input: [] })).status).toBe(400);
  });
});
