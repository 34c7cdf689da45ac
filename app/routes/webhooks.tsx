import type { ActionFunctionArgs } from "@remix-run/node";
import { BODY_LIMITS, PayloadTooLarge, readBody } from "~/request-body.server";
import { intakeDeps } from "~/webhooks/intake.server";
import { receiveWebhook } from "~/webhooks/receive.server";

// POST /webhooks: the single address every topic in shopify.app.toml is delivered to.
// The body is read as raw bytes because the HMAC covers them exactly. The production
// server answers this path directly (app/webhooks/intake.server.ts, same code and
// batching); this route serves it under `remix vite:dev` and remix-serve.
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") {
    return Response.json({ message: "Method not allowed" }, { status: 405, headers: { Allow: "POST" } });
  }
  let rawBody: Uint8Array;
  try {
    rawBody = await readBody(request, BODY_LIMITS.webhook);
  } catch (error) {
    if (error instanceof PayloadTooLarge) return Response.json({ message: error.message }, { status: 413 });
    throw error;
  }
  const result = await receiveWebhook({ headers: request.headers, rawBody }, intakeDeps());
  return Response.json(result.body, { status: result.status });
}
