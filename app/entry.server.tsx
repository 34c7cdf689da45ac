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
import { logger, scrubConsole, withLogContext } from "./logger.server";
import { requestIdFrom } from "./request-context.server";
import { addDocumentResponseHeaders } from "./shopify.server";
import { allowEmulatorFrame } from "./shopify/emulator-frame.server";

export const streamTimeout = 5000;

scrubConsole();

// For the production server (server.js): its settings, and POST /webhooks outside Remix.
export { serverSettings } from "./server-settings.server";
export { handleWebhookNode } from "./webhooks/intake.server";
export { handleProxyNode, proxyEndpointOf } from "./storefront/proxy-node.server";
export { handleWithRequestContext } from "./request-context.server";

// The request id: the servers set it on the request before Remix sees it (and log each
// request with it, app/request-context.server.ts); requestIdOf reads it back so the
// response header and the lines written here carry the same id.
const requestIds = new WeakMap<Request, string>();
function requestIdOf(request: Request): string {
  let id = requestIds.get(request);
  if (!id) {
    id = requestIdFrom(request.headers.get("X-Request-Id"));
    requestIds.set(request, id);
  }
  return id;
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
  response.headers.set("X-Request-Id", requestIdOf(request));
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
