// npm start: the production server. It is remix-serve's Express setup (compression,
// static assets, request log, the Remix handler) with one addition: POST /webhooks is
// answered directly by the app's intake (app/webhooks/intake.server.ts, exported by the
// server build), skipping Express and the Fetch API round trip that Remix makes for every
// request. Webhooks are most of this app's traffic (docs/decisions/0007-webhook-fast-path.md).
import http from "node:http";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";
import morgan from "morgan";

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
// morgan's "tiny" line without the query string: embedded page loads carry the session
// token there (id_token), and app proxy requests the customer's id.
morgan.token("path", (req) => req.originalUrl.split("?")[0]);
app.use(morgan(":method :path :status :res[content-length] - :response-time ms"));
app.all("*", createRequestHandler({ build, mode: settings.mode }));

const server = http.createServer((req, res) => {
  if (req.method === "POST" && req.url === "/webhooks") build.entry.module.handleWebhookNode(req, res);
  else app(req, res);
});

server.listen(settings.port, () =>
  console.log(`[server] listening on port ${settings.port} (${settings.mode})`),
);
for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => server.close(() => process.exit(0)));
