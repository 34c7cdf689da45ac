import type { IncomingMessage, ServerResponse } from "node:http";
import { prisma } from "../db.server";
import { env } from "../env.server";
import { enqueueWebhooks } from "../jobs/producers.server";
import { BODY_LIMITS, PayloadTooLarge } from "../request-body.server";
import { coalesce, ItemFailure } from "./coalesce";
import { recordDeliveries, type Delivery } from "./inbox.server";
import { receiveWebhook, type ReceiveDeps } from "./receive.server";

// The webhook intake shared by the Remix route (app/routes/webhooks.tsx) and the
// production server's direct path (server.js): deliveries that arrive together share one
// inbox INSERT and one enqueue round trip, and each is still acknowledged only after its
// own row is committed.

// Four batches in flight keep the pool's connections busy while each waits for its commit.
const IN_FLIGHT = { maxInFlight: 4 };

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
}, IN_FLIGHT);

const enqueue = coalesce(async (rows: { eventId: string; shop: string }[]) => {
  await enqueueWebhooks(rows);
  return rows.map(() => undefined);
}, IN_FLIGHT);

export function intakeDeps(): ReceiveDeps {
  return {
    db: prisma(),
    record,
    enqueue: (eventId, shop) => enqueue({ eventId, shop }),
    secret: env().SHOPIFY_API_SECRET,
    now: () => new Date(),
  };
}

const MAX_BODY_BYTES = BODY_LIMITS.webhook;

/**
 * POST /webhooks on a bare Node request, without the Fetch API round trip Remix makes:
 * the production server sends webhook traffic here and everything else to Remix.
 */
export function handleWebhookNode(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const reply = (status: number, body: object) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  };
  // A declared size over the cap is refused before a byte is read (the rest is drained unread).
  if (Number(req.headers["content-length"]) > MAX_BODY_BYTES) {
    req.resume();
    return reply(413, { message: new PayloadTooLarge(MAX_BODY_BYTES).message });
  }
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on("end", () => {
    if (size > MAX_BODY_BYTES) return reply(413, { message: new PayloadTooLarge(MAX_BODY_BYTES).message });
    const headers = {
      get: (name: string) => {
        const value = req.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    };
    receiveWebhook({ headers, rawBody: Buffer.concat(chunks, size) }, intakeDeps()).then(
      (result) => reply(result.status, result.body),
      () => reply(503, { message: "Could not record the webhook; retry later" }),
    );
  });
  req.on("error", () => res.destroy());
}
