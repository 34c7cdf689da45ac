// npm start: the production server. It is remix-serve's Express setup (compression,
// static assets, the Remix handler) with two additions from the server build: every request
// runs inside its request context (app/request-context.server.ts: its id on every log line,
// loaders included, and one access line through the app's logger), and POST /webhooks is
// answered directly by the app's intake (app/webhooks/intake.server.ts), skipping Express
// and the Fetch API round trip that Remix makes for every request. Webhooks are most of
// this app's traffic (docs/decisions/0007-webhook-fast-path.md); the storefront's app proxy
// requests (/proxy/status and the rest) are the next, and skip them the same way
// (app/storefront/proxy-node.server.ts, docs/decisions/0063-storefront-fast-path.md).
import http from "node:http";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";

let build, settings;
try {
  // Importing the build already reads the settings (app/shopify.server.ts).
  build = await import("./build/server/index.js");
  settings = build.entry.module.serverSettings();
} catch (error) {
  // A missing or malformed setting: say which, as the worker does, and stop.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
installGlobals({ nativeFetch: build.future.v3_singleFetch });

const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode: settings.mode }));

const { handleWithRequestContext, handleWebhookNode, handleProxyNode, proxyEndpointOf } = build.entry.module;
let draining = false;
const server = http.createServer((req, res) => {
  // Shutting down: answer what is in flight, and tell keep-alive clients to reconnect
  // elsewhere, so a busy connection cannot hold the old process open.
  if (draining) res.setHeader("Connection", "close");
  const webhook = req.method === "POST" && req.url === "/webhooks";
  // The storefront's app proxy endpoints skip Express and Remix too (ADR 0063).
  const proxy = webhook ? null : proxyEndpointOf(req.url);
  const handle = webhook
    ? () => handleWebhookNode(req, res)
    : proxy
      ? () => handleProxyNode(req, res, proxy)
      : () => app(req, res);
  handleWithRequestContext(req, res, handle, { accessLog: !webhook });
});

// Idle keep-alive connections stay open longer than a load balancer's idle timeout (AWS ALB
// 60 s by default): with Node's default 5 s the server could close a connection just as the
// balancer or a client sends the next request on it, which fails as a reset (a 502 at the
// balancer, an unacknowledged webhook that Shopify retries). headersTimeout must exceed it.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

// WEB_REUSE_PORT=1: several web processes on one machine bind the same port (SO_REUSEPORT)
// and the kernel spreads new connections over them; each process is whole on its own
// (docs/scaling.md), so one can be restarted while the others answer.
server.listen({ port: settings.port, reusePort: settings.reusePort }, () =>
  console.log(
    `[server] listening on port ${settings.port} (${settings.mode}${settings.reusePort ? ", shared port" : ""})`,
  ),
);
for (const signal of ["SIGTERM", "SIGINT"])
  process.once(signal, () => {
    draining = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
