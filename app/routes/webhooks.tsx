import type { ActionFunctionArgs } from "@remix-run/node";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { enqueueWebhooks } from "~/jobs/producers.server";
import { coalesce, ItemFailure } from "~/webhooks/coalesce";
import { recordDeliveries, type Delivery } from "~/webhooks/inbox.server";
import { receiveWebhook } from "~/webhooks/receive.server";

// POST /webhooks: the single address every topic in shopify.app.toml is delivered to.
// The body is read as raw bytes because the HMAC covers them exactly. Deliveries that
// arrive together share one inbox INSERT and one enqueue round trip (bench:intake), and
// each is still acknowledged only after its own row is committed.

const record = coalesce(async (deliveries: Delivery[]) => {
  try {
    return await recordDeliveries(prisma(), deliveries);
  } catch (error) {
    if (deliveries.length === 1) throw error;
    // One unstorable delivery must not fail the others: retry them one by one.
    return Promise.all(
      deliveries.map((d) =>
        recordDeliveries(prisma(), [d]).then(
          ([entry]) => entry!,
          (e: unknown) => new ItemFailure(e),
        ),
      ),
    );
  }
});

const enqueue = coalesce(async (eventIds: string[]) => {
  await enqueueWebhooks(eventIds);
  return eventIds.map(() => undefined);
});

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") {
    return Response.json({ message: "Method not allowed" }, { status: 405, headers: { Allow: "POST" } });
  }
  const rawBody = new Uint8Array(await request.arrayBuffer());
  const result = await receiveWebhook(
    { headers: request.headers, rawBody },
    { db: prisma(), record, enqueue, secret: env().SHOPIFY_API_SECRET, now: () => new Date() },
  );
  return Response.json(result.body, { status: result.status });
}
