import type { IncomingMessage, ServerResponse } from "node:http";
import { parseJsonObject, readBody, sendJson } from "../http";
import {
  hashedEmbedding,
  MODERATION_CATEGORIES,
  moderationOf,
  toBase64,
  tokenCount,
  valueFor,
} from "./answers";

// A local stand-in for the three OpenAI endpoints the app calls, as documented:
// POST /v1/chat/completions (with structured outputs), POST /v1/embeddings and
// POST /v1/moderations. It checks the bearer key, validates the request, answers in
// OpenAI's shapes (errors too), and keeps the requests it received so tests can assert
// what was sent. Tests can script the next answers (a content string, possibly late, or an
// HTTP error such as 429; a moderation verdict) to drive retries, timeouts and fallbacks;
// unscripted requests get deterministic answers (answers.ts).

export type ScriptedReply =
  { content: string; delayMs?: number } | { status: number; message: string; type?: string };

export type ScriptedModeration = { flagged: boolean; categories?: string[] };

export interface OpenAiStubState {
  /** When set, the only key accepted; otherwise any non-empty bearer key is. */
  apiKey?: string;
  requests: Array<{ path: string; body: Record<string, unknown> }>;
  replies: ScriptedReply[];
  /** Verdicts for the next moderation requests (one per request, applied to each input). */
  moderations: ScriptedModeration[];
}

export function openAiStubState(apiKey?: string): OpenAiStubState {
  return { apiKey, requests: [], replies: [], moderations: [] };
}

const DIMENSIONS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
};

function error(
  res: ServerResponse,
  status: number,
  message: string,
  type = "invalid_request_error",
  code?: string,
) {
  sendJson(res, status, { error: { message, type, param: null, code: code ?? null } });
}

/** Handles `path` (already stripped to start at /v1/...); false when it is not an OpenAI path. */
export async function handleOpenAi(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  state: OpenAiStubState,
): Promise<boolean> {
  if (!path.startsWith("/v1/")) return false;
  const auth = req.headers.authorization ?? "";
  const key = auth.startsWith("Bearer ") ? auth.slice(7).trim() : "";
  if (!key || (state.apiKey !== undefined && key !== state.apiKey)) {
    error(res, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
    return true;
  }
  if (req.method !== "POST") {
    error(res, 405, `Method ${req.method} not allowed on ${path}.`);
    return true;
  }
  const body = parseJsonObject(await readBody(req));
  if (!body) {
    error(res, 400, "We could not parse the JSON body of your request.");
    return true;
  }
  state.requests.push({ path, body });
  if (state.requests.length > 500) state.requests.splice(0, state.requests.length - 500);

  if (path === "/v1/chat/completions") await chat(res, body, state);
  else if (path === "/v1/embeddings") embeddings(res, body);
  else if (path === "/v1/moderations") moderations(res, body, state);
  else error(res, 404, `Invalid URL (POST ${path})`);
  return true;
}

async function chat(
  res: ServerResponse,
  body: Record<string, unknown>,
  state: OpenAiStubState,
): Promise<void> {
  const model = body.model;
  const messages = body.messages;
  if (typeof model !== "string" || !model) return error(res, 400, "you must provide a model parameter");
  if (!Array.isArray(messages) || messages.length === 0)
    return error(res, 400, "'messages' must be a non-empty array");
  const prompt = messages
    .map((m) =>
      m && typeof m === "object" && typeof (m as { content?: unknown }).content === "string"
        ? (m as { content: string }).content
        : "",
    )
    .join("\n");
  const lastUser = [...messages]
    .reverse()
    .find((m) => m && typeof m === "object" && (m as { role?: unknown }).role === "user") as
    { content?: unknown } | undefined;

  const scripted = state.replies.shift();
  if (scripted && "status" in scripted)
    return error(res, scripted.status, scripted.message, scripted.type ?? "server_error");

  if (scripted?.delayMs) await new Promise((resolve) => setTimeout(resolve, scripted.delayMs));
  // A client that timed out has gone; there is no one to answer.
  if (res.destroyed) return;
  let content: string;
  if (scripted) content = scripted.content;
  else {
    const format = body.response_format as { type?: string; json_schema?: { schema?: object } } | undefined;
    const userText = typeof lastUser?.content === "string" ? lastUser.content : prompt;
    if (format?.type === "json_schema") {
      if (!format.json_schema?.schema)
        return error(res, 400, "response_format.json_schema.schema is required");
      content = JSON.stringify(valueFor(format.json_schema.schema, userText));
    } else if (format?.type === "json_object") content = JSON.stringify({ answer: userText.slice(0, 200) });
    else content = `Stub reply to: ${userText.slice(0, 200)}`;
  }
  const promptTokens = tokenCount(prompt);
  const completionTokens = tokenCount(content);
  sendJson(res, 200, {
    id: `chatcmpl-stub-${Date.now().toString(36)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  });
}

function embeddings(res: ServerResponse, body: Record<string, unknown>): void {
  const model = body.model;
  if (typeof model !== "string" || !model) return error(res, 400, "you must provide a model parameter");
  const input = typeof body.input === "string" ? [body.input] : body.input;
  if (!Array.isArray(input) || input.length === 0 || !input.every((t) => typeof t === "string"))
    return error(res, 400, "'input' must be a string or a non-empty array of strings");
  if (input.length > 2048) return error(res, 400, "'input' may hold at most 2048 texts");
  if ((input as string[]).some((t) => t.length === 0))
    return error(res, 400, "'input' cannot contain empty strings");
  const dimensions = body.dimensions ?? DIMENSIONS[model] ?? 1536;
  if (typeof dimensions !== "number" || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > 3072)
    return error(res, 400, "'dimensions' must be an integer between 1 and 3072");
  const base64 = body.encoding_format === "base64";
  const tokens = (input as string[]).reduce((sum, t) => sum + tokenCount(t), 0);
  sendJson(res, 200, {
    object: "list",
    data: (input as string[]).map((text, index) => {
      const vector = hashedEmbedding(text, dimensions);
      return { object: "embedding", index, embedding: base64 ? toBase64(vector) : Array.from(vector) };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

function moderations(res: ServerResponse, body: Record<string, unknown>, state: OpenAiStubState): void {
  const input = typeof body.input === "string" ? [body.input] : body.input;
  if (!Array.isArray(input) || input.length === 0 || !input.every((t) => typeof t === "string"))
    return error(res, 400, "'input' must be a string or a non-empty array of strings");
  const scripted = state.moderations.shift();
  sendJson(res, 200, {
    id: `modr-stub-${Date.now().toString(36)}`,
    model: typeof body.model === "string" ? body.model : "omni-moderation-latest",
    results: (input as string[]).map((text) => {
      const flaggedIn = scripted
        ? scripted.flagged
          ? (scripted.categories ?? ["harassment"])
          : []
        : moderationOf(text);
      return {
        flagged: flaggedIn.length > 0,
        categories: Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, flaggedIn.includes(c)])),
        category_scores: Object.fromEntries(
          MODERATION_CATEGORIES.map((c) => [c, flaggedIn.includes(c) ? 0.97 : 0.0001]),
        ),
      };
    }),
  });
}
