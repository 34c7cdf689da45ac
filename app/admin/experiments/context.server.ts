import type { PrismaClient } from "~/db.server";
import { currentProgramVersion, type ProgramVersionInfo } from "~/loyalty/services/program.server";

/**
 * The shop's name and time zone, the program's currency and live program: what every
 * experiments screen formats with. `live`: the live program when the page already reads it.
 */
export async function shopContext(db: PrismaClient, shop: string, live?: Promise<ProgramVersionInfo>) {
  const [row, program] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true, name: true } }),
    live ?? currentProgramVersion(db, shop),
  ]);
  return {
    timeZone: row?.ianaTimezone ?? null,
    shopName: row?.name?.trim() || shop.replace(/\.myshopify\.com$/, ""),
    currency: program.program.currency,
    live: program,
  };
}

/** An experiment id from the URL: a UUID, or null (the page answers 404). */
export function experimentIdFrom(param: string | undefined): string | null {
  return param && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(param)
    ? param
    : null;
}
