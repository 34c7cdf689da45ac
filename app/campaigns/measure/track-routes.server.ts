import type { PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";
import { page } from "../unsubscribe-page.server";
import { clientAddress, pixelResponse, readClickToken, readOpenToken, recordHit } from "./tracking.server";

// The public tracking endpoints. The pixel always answers 200 with the GIF (a broken image
// in a member's mail is worse than a lost open); a failed write is logged, never shown. The
// click redirect answers 302 to the URL its token signed, or a 400 page for anything else.

export async function openPixel(
  db: PrismaClient,
  request: Request,
  token: string | undefined,
  now = new Date(),
) {
  const sendId = readOpenToken(token);
  if (sendId) {
    try {
      await recordHit(db, {
        sendId,
        kind: "open",
        userAgent: request.headers.get("user-agent"),
        ip: clientAddress(request),
        at: now,
      });
    } catch (error) {
      logger().error({ err: error, sendId }, "recording a message open failed");
    }
  }
  return pixelResponse();
}

export async function clickRedirect(
  db: PrismaClient,
  request: Request,
  token: string | undefined,
  now = new Date(),
) {
  const click = readClickToken(token);
  if (!click)
    return page(
      400,
      "This link is not valid",
      "<p>The link is incomplete or was changed. Use the link from the message itself.</p>",
    );
  try {
    await recordHit(db, {
      sendId: click.sendId,
      kind: "click",
      url: click.url,
      userAgent: request.headers.get("user-agent"),
      ip: clientAddress(request),
      at: now,
    });
  } catch (error) {
    logger().error({ err: error, sendId: click.sendId }, "recording a message click failed");
  }
  return new Response(null, {
    status: 302,
    headers: { Location: click.url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" },
  });
}
