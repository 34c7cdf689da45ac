import OpenAI from "openai";
import { z } from "zod";
import { env } from "./env.server";

// The one place that talks to OpenAI (or any OpenAI-compatible API at OPENAI_BASE_URL).
// Every feature that uses it has an offline path: `openAi()` is null without a key, and
// callers fall back on null or on an `OpenAiError` (timeouts, rate limits, bad output).
// Tests and the demo point OPENAI_BASE_URL at the emulator's stub (emulator/openai/).
//
// Three calls cover what the app asks of a model: a JSON answer that must match a zod
// schema (structured outputs), embeddings of texts, and moderation of texts the app is
// about to show or send to people.

export class OpenAiError extends Error {
  override name = "OpenAiError";
}

export interface OpenAiSettings {
  apiKey: string;
  baseURL?: string;
  chatModel: string;
  embeddingModel: string;
  /** Per request, in ms; the SDK retries 429/5xx twice with backoff within this budget each. */
  timeoutMs?: number;
  maxRetries?: number;
}

export interface OpenAiClient {
  readonly chatModel: string;
  readonly embeddingModel: string;
  /** The model's answer to `user` (with `system`), parsed by `schema`; throws OpenAiError. */
  json<T>(request: JsonRequest<T>): Promise<T>;
  /** One unit-length-or-not vector per text, in order; throws OpenAiError. */
  embed(texts: readonly string[], options?: { dimensions?: number }): Promise<Float32Array[]>;
  /** The moderation endpoint's verdict per text, in order; throws OpenAiError. */
  moderate(texts: readonly string[], options?: CallOptions): Promise<ModerationVerdict[]>;
}

export type ModerationVerdict = { flagged: boolean; categories: string[] };

export type TokenUsage = { promptTokens: number; completionTokens: number };

export interface CallOptions {
  /** This call's own timeout in ms (the client's otherwise). */
  timeoutMs?: number;
  /** This call's own retries of 429/5xx (the client's otherwise). */
  maxRetries?: number;
}

export interface JsonRequest<T> {
  /** Names the answer's shape (a-z, 0-9, _ and -), sent as the JSON schema's name. */
  name: string;
  schema: z.ZodType<T>;
  system: string;
  user: string;
  temperature?: number;
  maxTokens?: number;
  /** Told the tokens the API billed, whenever it answered (also when the answer is then refused). */
  onUsage?: (usage: TokenUsage) => void;
  timeoutMs?: number;
  maxRetries?: number;
}

const EMBEDDING_BATCH = 256;

/** The configured client, or null when no OPENAI_API_KEY is set (every caller has a fallback). */
export function openAi(): OpenAiClient | null {
  const settings = env();
  if (!settings.OPENAI_API_KEY) return null;
  cached ??= createOpenAiClient({
    apiKey: settings.OPENAI_API_KEY,
    baseURL: settings.OPENAI_BASE_URL,
    chatModel: settings.OPENAI_CHAT_MODEL,
    embeddingModel: settings.OPENAI_EMBEDDING_MODEL,
  });
  return cached;
}

let cached: OpenAiClient | undefined;

export function createOpenAiClient(settings: OpenAiSettings): OpenAiClient {
  const sdk = new OpenAI({
    apiKey: settings.apiKey,
    baseURL: settings.baseURL,
    timeout: settings.timeoutMs ?? 30_000,
    maxRetries: settings.maxRetries ?? 2,
  });

  return {
    chatModel: settings.chatModel,
    embeddingModel: settings.embeddingModel,

    async json<T>(request: JsonRequest<T>): Promise<T> {
      const completion = await call("chat completion", () =>
        sdk.chat.completions.create(
          {
            model: settings.chatModel,
            temperature: request.temperature ?? 0.2,
            max_completion_tokens: request.maxTokens ?? 800,
            messages: [
              { role: "system", content: request.system },
              { role: "user", content: request.user },
            ],
            response_format: {
              type: "json_schema",
              json_schema: { name: request.name, strict: true, schema: strictJsonSchema(request.schema) },
            },
          },
          callOptions(request),
        ),
      );
      if (completion.usage)
        request.onUsage?.({
          promptTokens: completion.usage.prompt_tokens,
          completionTokens: completion.usage.completion_tokens,
        });
      const choice = completion.choices[0];
      if (!choice) throw new OpenAiError("the chat completion had no choices");
      if (choice.message.refusal) throw new OpenAiError(`the model refused: ${choice.message.refusal}`);
      if (choice.finish_reason === "length")
        throw new OpenAiError("the answer was cut off at the token limit");
      let value: unknown;
      try {
        value = JSON.parse(choice.message.content ?? "");
      } catch {
        throw new OpenAiError("the answer was not JSON");
      }
      const parsed = request.schema.safeParse(value);
      if (!parsed.success)
        throw new OpenAiError(`the answer did not match ${request.name}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    },

    async embed(texts, options = {}): Promise<Float32Array[]> {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += EMBEDDING_BATCH) {
        const batch = texts.slice(start, start + EMBEDDING_BATCH).map((t) => t.trim() || " ");
        const response = await call("embeddings", () =>
          sdk.embeddings.create({
            model: settings.embeddingModel,
            input: batch,
            encoding_format: "float",
            ...(options.dimensions ? { dimensions: options.dimensions } : {}),
          }),
        );
        const byIndex = [...response.data].sort((a, b) => a.index - b.index);
        if (byIndex.length !== batch.length)
          throw new OpenAiError(`embeddings answered ${byIndex.length} vectors for ${batch.length} texts`);
        for (const item of byIndex) out.push(Float32Array.from(item.embedding));
      }
      return out;
    },

    async moderate(texts, options = {}): Promise<ModerationVerdict[]> {
      if (texts.length === 0) return [];
      const response = await call("moderation", () =>
        sdk.moderations.create(
          { model: "omni-moderation-latest", input: texts.map((t) => t.trim() || " ") },
          callOptions(options),
        ),
      );
      if (response.results.length !== texts.length)
        throw new OpenAiError(
          `moderation answered ${response.results.length} results for ${texts.length} texts`,
        );
      return response.results.map((r) => ({
        flagged: r.flagged,
        categories: Object.entries(r.categories)
          .filter(([, on]) => on)
          .map(([name]) => name),
      }));
    },
  };
}

const callOptions = (options: CallOptions) => ({
  ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
  ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
});

async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof OpenAI.APIError) {
      // The SDK's message names the status and OpenAI's own message; never the key.
      throw new OpenAiError(`OpenAI ${what} failed (${error.status ?? "no response"}): ${error.message}`);
    }
    throw new OpenAiError(`OpenAI ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The JSON schema of a zod type in the form structured outputs accept with `strict: true`:
 * every property required and no additional properties, at every level.
 */
export function strictJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: "draft-7", io: "output" }) as Record<string, unknown>;
  delete json.$schema;
  return tighten(json) as Record<string, unknown>;
}

function tighten(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tighten);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = tighten(value);
  if (out.type === "object" && out.properties && typeof out.properties === "object") {
    out.required = Object.keys(out.properties);
    out.additionalProperties = false;
  }
  return out;
}
