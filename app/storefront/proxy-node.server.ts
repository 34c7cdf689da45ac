import type { IncomingMessage, ServerResponse } from "node:http";
import { logger } from "~/logger.server";
import { BODY_LIMITS } from "~/request-body.server";
import { proxyDeps } from "./proxy-deps.server";
import { PROXY_ENDPOINTS, type ProxyEndpoint } from "./proxy.server";

// The app proxy's endpoints on a bare Node request, as webhooks are (ADR 0007): the
// storefront widget asks for the member's status on every page a logged-in shopper opens,
// and behind Express and Remix (static-file look-ups, route matching over the whole admin,
// the request's conversion both ways, compression) that request cost four times what its
// own work does (ADR 0063). The production server sends /proxy/<endpoint> here; the route
// modules serve the same table (PROXY_ENDPOINTS) under `vite:dev` and in tests.

const PREFIX = "/proxy/";

/** The endpoint a request target names (`/proxy/status?…`), or null: Remix answers the rest. */
export function proxyEndpointOf(url: string | undefined): ProxyEndpoint | null {
  if (!url?.startsWith(PREFIX)) return null;
  const end = url.indexOf("?");
  const name = url.slice(PREFIX.length, end === -1 ? undefined : end).replace(/\/$/, "");
  return Object.hasOwn(PROXY_ENDPOINTS, name) ? (name as ProxyEndpoint) : null;
}

export function handleProxyNode(req: IncomingMessage, res: ServerResponse, endpoint: ProxyEndpoint): void {
  const method = req.method ?? "GET";
  const reads = method === "GET" || method === "HEAD";
  // Within the cap the body is read whole; past it the endpoint sees only the declared size
  // or the first bytes over, enough for its 413, and the rest is drained unread.
  const cap = BODY_LIMITS.proxy + 1;
  const declared = Number(req.headers["content-length"]);
  const chunks: Buffer[] = [];
  let size = 0;
  if (reads || declared > cap) req.resume();
  else
    req.on("data", (chunk: Buffer) => {
      if (size < cap) chunks.push(chunk.subarray(0, cap - size));
      size += chunk.length;
    });
  req.on("error", () => res.destroy());
  req.on("end", () => {
    let request: Request;
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      request = new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, {
        method,
        headers,
        body: reads || declared > cap ? null : Buffer.concat(chunks),
      });
    } catch {
      return send(res, new Response("Bad Request", { status: 400 }));
    }
    const route = PROXY_ENDPOINTS[endpoint];
    const handler = reads ? route.loader : route.action;
    Promise.resolve()
      .then(() => handler(request, proxyDeps()))
      .then(
        (response) => send(res, response),
        (error: unknown) => {
          // As Remix answers a loader or action that throws (entry.server.tsx logs it).
          if (error instanceof Response) return send(res, error);
          logger().error({ err: error, method, path: `${PREFIX}${endpoint}` }, "request failed");
          return send(res, new Response("Unexpected Server Error", { status: 500 }));
        },
      )
      .catch(() => res.destroy());
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  headers["content-length"] = String(body.byteLength);
  res.writeHead(response.status, headers);
  res.end(body);
}
