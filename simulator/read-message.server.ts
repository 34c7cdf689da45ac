import { clickRedirect, openPixel } from "~/campaigns/measure/track-routes.server";
import type { PrismaClient } from "~/db.server";

// The simulator's hook into campaign tracking: a simulated customer who "reads" a real
// message the app sent (the HTML the SMTP sink received) loads its open pixel and, if they
// click, follows one of its tracked links — through the app's own endpoints
// (app/campaigns/measure/track-routes.server.ts: token check, bot classification, the
// MessageEvent row), on the simulation's clock. The scenario's response model decides
// whether they open and click (`respond` in scenario/respond.ts: `openedMessage`,
// `clickedMessage` for the variant the app assigned); this function only makes it happen.

/** A person reading on a phone: the report counts their open and click as human. */
export const SIMULATED_READER = {
  userAgent:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  ip: "198.51.100.23",
};

/** The open pixel and the tracked links of a message's HTML (as the app rendered them). */
export function trackingUrls(html: string): { pixel: string | null; links: string[] } {
  const pixel = /<img src="([^"]+\/o\/[^"]+)"/.exec(html)?.[1] ?? null;
  const links = [...html.matchAll(/href="([^"]+\/c\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
  return { pixel, links };
}

export type SimulatedRead = {
  /** The message's HTML part. */
  html: string;
  opened: boolean;
  clicked: boolean;
  /** When the customer read it (the simulation's clock; seconds after delivery reads as a bot). */
  at: Date;
  /** Which tracked link a click follows (default: the first). */
  linkIndex?: number;
  reader?: Reader;
};

type Reader = { userAgent: string; ip: string };

const readerRequest = (url: string, reader: Reader) =>
  new Request(url, { headers: { "user-agent": reader.userAgent, "x-forwarded-for": reader.ip } });
const tokenOf = (url: string) => new URL(url).pathname.split("/").pop();

/** The tracked links (`/c/<token>`) of a plain-text message, in order (a text's body). */
export function trackedLinksInText(text: string): string[] {
  return [...text.matchAll(/https?:\/\/\S+\/c\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g)].map((m) => m[0]);
}

/** Follows a tracked link through the app's click redirect at `at`: its status and where it went. */
export async function followTrackedLink(
  db: PrismaClient,
  url: string,
  at: Date,
  reader: Reader = SIMULATED_READER,
) {
  const answer = await clickRedirect(db, readerRequest(url, reader), tokenOf(url), at);
  return { status: answer.status, location: answer.headers.get("location") };
}

/**
 * Opens (and clicks) a message through the real tracking path. Returns what the endpoints
 * answered: the pixel's status, and the click's status with where it redirected.
 */
export async function readMessage(db: PrismaClient, read: SimulatedRead) {
  const { pixel, links } = trackingUrls(read.html);
  const reader = read.reader ?? SIMULATED_READER;
  const request = (url: string) => readerRequest(url, reader);
  const result: { open: number | null; click: { status: number; location: string | null } | null } = {
    open: null,
    click: null,
  };
  // A click loads the message first: a reader who clicks has opened it.
  if ((read.opened || read.clicked) && pixel)
    result.open = (await openPixel(db, request(pixel), tokenOf(pixel), read.at)).status;
  const link = links[read.linkIndex ?? 0];
  if (read.clicked && link)
    result.click = await followTrackedLink(db, link, new Date(read.at.getTime() + 20_000), reader);
  return result;
}
