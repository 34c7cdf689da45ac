import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { logger, withLogContext } from "./logger.server";

// One id per request, on every log line written while serving it: loaders and actions,
// rendering, the webhook intake, and the one access line when the response is finished.
// Remix v2 has no hook that runs before loaders, so the servers wrap the whole request:
// server.js (production) and a Vite plugin (vite.config.ts, `npm run local`).

const INCOMING = /^[\w.-]{8,128}$/;

/** An upstream proxy's X-Request-Id when it looks like one, otherwise a new id. */
export function requestIdFrom(incoming: string | null | undefined): string {
  return incoming && INCOMING.test(incoming) ? incoming : randomUUID();
}

/**
 * Runs `next` (the rest of the request) with the request id in the log context, puts the
 * id on the response and on the request's own X-Request-Id header (so the Remix Request
 * sees the same one), and logs the request once its response is finished (unless
 * `accessLog` is false: the webhook intake logs each delivery itself).
 */
export function handleWithRequestContext(
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
  { accessLog = true }: { accessLog?: boolean } = {},
): void {
  const header = req.headers["x-request-id"];
  const requestId = requestIdFrom(Array.isArray(header) ? header[0] : header);
  req.headers["x-request-id"] = requestId;
  res.setHeader("X-Request-Id", requestId);
  const started = performance.now();
  // Listeners run in the context of whatever emits, so the access line enters its own.
  if (accessLog)
    res.once("finish", () =>
      withLogContext({ requestId }, () => logger().info(accessLine(req, res, started), "request")),
    );
  withLogContext({ requestId }, next);
}

// The path without its query string: query strings carry session tokens and signatures.
function accessLine(req: IncomingMessage, res: ServerResponse, started: number) {
  const url = new URL(req.url ?? "/", "http://app");
  return {
    method: req.method,
    path: url.pathname,
    status: res.statusCode,
    ms: Math.round(performance.now() - started),
    shop: url.searchParams.get("shop") ?? undefined,
  };
}
