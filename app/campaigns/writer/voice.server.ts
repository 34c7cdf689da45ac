import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { fieldErrorsOf } from "../definition";
import { isTone, TONES, type BrandVoice } from "./copy";
import { DEFAULT_MONTHLY_CAP_MICROS } from "./budget.server";

// The shop's brand voice and monthly AI budget, kept with the other sending settings
// (CampaignSettings), saved on their own so a shop without an email server yet can set them.

export const writerSettingsSchema = z.object({
  brandTone: z.enum(TONES, { error: `One of ${TONES.join(", ")}.` }),
  brandVoice: z.string().trim().max(500, { error: "At most 500 characters." }),
  aiMonthlyCapUsd: z
    .number({ error: "An amount in USD." })
    .min(0, { error: "At least $0 (no AI writing)." })
    .max(1000, { error: "At most $1,000 a month." }),
});

export async function saveWriterSettings(
  db: Pick<PrismaClient, "campaignSettings">,
  shop: string,
  input: unknown,
): Promise<{ ok: true } | { ok: false; status: 422; fieldErrors: Record<string, string> }> {
  const parsed = writerSettingsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, status: 422, fieldErrors: fieldErrorsOf(parsed.error) };
  const data = {
    brandTone: parsed.data.brandTone,
    brandVoice: parsed.data.brandVoice,
    aiMonthlyCapMicros: Math.round(parsed.data.aiMonthlyCapUsd * 1_000_000),
  };
  await db.campaignSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  return { ok: true };
}

export async function brandVoiceOf(
  db: Pick<PrismaClient, "campaignSettings">,
  shop: string,
): Promise<BrandVoice> {
  const row = await db.campaignSettings.findUnique({
    where: { shop },
    select: { brandTone: true, brandVoice: true },
  });
  return {
    tone: row && isTone(row.brandTone) ? row.brandTone : "friendly",
    description: row?.brandVoice ?? "",
  };
}

export const defaultWriterSettings = {
  brandTone: "friendly",
  brandVoice: "",
  aiMonthlyCapMicros: DEFAULT_MONTHLY_CAP_MICROS,
};
