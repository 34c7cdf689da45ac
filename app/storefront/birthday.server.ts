import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { proxyError, proxyJson } from "./proxy-response";

// POST /apps/loyalty/birthday: a logged-in member gives their birthday (month and day; no
// year is asked or kept). It feeds the program's birthday bonus (app/loyalty/bonuses.ts,
// which ignores a date entered within its notice window of the birthday) and the birthday
// campaign (app/campaigns, once a year on the shop-local date). The customer comes only
// from the verified proxy signature.

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export const birthdayBodySchema = z
  .object({
    month: z.int({ error: "A month from 1 to 12." }).min(1, { error: "A month from 1 to 12." }).max(12, {
      error: "A month from 1 to 12.",
    }),
    day: z.int({ error: "A day of the month." }).min(1, { error: "A day of the month." }).max(31, {
      error: "A day of the month.",
    }),
  })
  .refine((b) => b.day <= DAYS_IN_MONTH[b.month - 1]!, {
    message: "That day is not in that month.",
    path: ["day"],
  });

export async function saveBirthdayFromStorefront(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
  rawBody: string,
  now: Date,
): Promise<Response> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return proxyError(400, "invalid_request", 'Send JSON such as {"month": 5, "day": 10}.', { fields: {} });
  }
  const parsed = birthdayBodySchema.safeParse(json);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[issue.path.join(".") || "body"] ??= issue.message;
    return proxyError(422, "invalid_request", "Check the birthday.", { fields });
  }
  const { month, day } = parsed.data;
  const updated = await db.member.updateMany({
    where: { shop, customerId, status: "active" },
    data: { birthdayMonth: month, birthdayDay: day, birthdaySetAt: now },
  });
  if (updated.count === 0)
    return proxyError(403, "not_member", "Join the rewards program to add your birthday.");
  return proxyJson({ birthday: { month, day } });
}
