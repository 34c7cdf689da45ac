import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BodyTooLargeError, sendJson } from "../http";
import {
  handleOpenAi,
  openAiStubState,
  type OpenAiStubState,
  type ScriptedModeration,
  type ScriptedReply,
} from "./handler";

// The OpenAI stub on its own port, for tests: `baseURL` is what OPENAI_BASE_URL (or
// createOpenAiClient's baseURL) takes. The emulator also serves it under /openai/v1.

export interface OpenAiStub {
  /** e.g. http://127.0.0.1:43121/v1 */
  baseURL: string;
  state: OpenAiStubState;
  /** Queue answers for the next chat completions, in order. */
  script(...replies: ScriptedReply[]): void;
  /** Queue verdicts for the next moderation requests, in order. */
  scriptModeration(...verdicts: ScriptedModeration[]): void;
  close(): Promise<void>;
}

export async function startOpenAiStub(options: { apiKey?: string } = {}): Promise<OpenAiStub> {
  const state = openAiStubState(options.apiKey);
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://stub").pathname;
    handleOpenAi(req, res, path, state)
      .then((handled) => {
        if (!handled) sendJson(res, 404, { error: { message: `Invalid URL (${req.method} ${path})` } });
      })
      .catch((error: unknown) => {
        if (!res.headersSent)
          sendJson(res, error instanceof BodyTooLargeError ? 413 : 500, {
            error: { message: error instanceof Error ? error.message : "stub error", type: "server_error" },
          });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    state,
    script: (...replies) => state.replies.push(...replies),
    scriptModeration: (...verdicts) => state.moderations.push(...verdicts),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
