import { randomUUID } from "node:crypto";
import { PassThrough } from "node:stream";
import {
  createReadableStreamFromReadable,
  type EntryContext,
  type HandleDataRequestFunction,
  type HandleErrorFunction,
} from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { logger, withLogContext } from "./logger.server";
import { addDocumentResponseHeaders } from "./shopify.server";
import { allowEmulatorFrame } from "./shopify/emulator-frame.server";

export const streamTimeout = 5000;

// For the production server (server.js): its settings, and POST /webhooks outside Remix.
export { serverSettings } from "./server-settings.server";
export { handleWebhookNode } from "./webhooks/intake.server";

// One id per request: an upstream proxy's X-Request-Id when it looks like one, otherwise
// new. It is on the response, on the request's log line, on lines written while
// rendering and on handleError's line, so a support ticket can be matched to the logs.
// (Loaders run before these hooks; Remix offers no earlier hook under remix-serve.)
const requestIds = new WeakMap<Request, string>();
function requestIdOf(request: Request): string {
  let id = requestIds.get(request);
  if (!id) {
    const incoming = request.headers.get("X-Request-Id");
    id = incoming && /^[\w.-]{8,128}$/.test(incoming) ? incoming : randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

function logRequest(request: Request, status: number, kind: "document" | "data") {
  const url = new URL(request.url);
  const shop = url.searchParams.get("shop") ?? undefined;
  logger().info({ method: request.method, path: url.pathname, status, kind, shop }, "request");
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  const requestId = requestIdOf(request);
  addDocumentResponseHeaders(request, responseHeaders);
  allowEmulatorFrame(responseHeaders);
  responseHeaders.set("X-Request-Id", requestId);
  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  return withLogContext({ requestId }, () => {
    logRequest(request, responseStatusCode, "document");
    return new Promise<Response>((resolve, reject) => {
      const { pipe, abort } = renderToPipeableStream(
        <RemixServer context={remixContext} url={request.url} />,
        {
          [callbackName]: () => {
            const body = new PassThrough();
            responseHeaders.set("Content-Type", "text/html");
            resolve(
              new Response(createReadableStreamFromReadable(body), {
                headers: responseHeaders,
                status: responseStatusCode,
              }),
            );
            pipe(body);
          },
          onShellError(error: unknown) {
            reject(error);
          },
          onError(error: unknown) {
            responseStatusCode = 500;
            logger().error({ err: error, path: new URL(request.url).pathname }, "render failed");
          },
        },
      );
      // Abort a stream that outlives the loaders' deferred data, one second later.
      setTimeout(abort, streamTimeout + 1000);
    });
  });
}

export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  const requestId = requestIdOf(request);
  response.headers.set("X-Request-Id", requestId);
  withLogContext({ requestId }, () => logRequest(request, response.status, "data"));
  return response;
};

// Errors thrown by loaders and actions; aborted requests (the user navigated away) are not errors.
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  withLogContext({ requestId: requestIdOf(request) }, () => {
    logger().error(
      { err: error, method: request.method, path: new URL(request.url).pathname },
      "request failed",
    );
  });
};
