import type { ActionFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { enqueueWebhook } from "~/jobs/producers.server";
import { receiveWebhook } from "~/webhooks/receive.server";

// POST /webhooks: the single address every topic in shopify.app.toml is delivered to.
// The body is read as raw bytes because the HMAC covers them exactly.
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") {
    return Response.json({ message: "Method not allowed" }, { status: 405, headers: { Allow: "POST" } });
  }
  const rawBody = new Uint8Array(await request.arrayBuffer());
  const result = await receiveWebhook(
    { headers: request.headers, rawBody },
    { db: prisma(), enqueue: enqueueWebhook, secret: env().SHOPIFY_API_SECRET, now: () => new Date() },
  );
  return Response.json(result.body, { status: result.status });
}
