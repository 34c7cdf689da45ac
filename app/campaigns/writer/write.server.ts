import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import type { OpenAiClient } from "~/openai.server";
import { sampleValues } from "../template";
import type { AiBudget } from "./budget.server";
import { askForCopy } from "./ask.server";
import { favouriteCategory } from "./context.server";
import { tidy, VARIANT_COUNT, variantProblem, variantsAnswer, type CopyVariant } from "./copy";
import { messageKindOf, templateVariants } from "./fallback";
import { variantsPrompt } from "./prompt";
import { brandVoiceOf } from "./voice.server";

// The AI writer: subject and body variants for a campaign from the merchant's brief, the
// shop's brand voice and a sample member, written by OpenAI when it is configured, within
// budget and passes every check, and by the template engine otherwise (with the reason).
// It fills subject/body pairs only; the caller decides where they go (the campaign's
// copy, or one A/B variant's).

export type WrittenCopy = {
  variants: CopyVariant[];
  writtenBy: "openai" | "template";
  /** Why the template engine wrote them (null when OpenAI did). */
  reason: string | null;
  budget: AiBudget;
};

export const writeRequestSchema = z.object({
  trigger: z.string().trim().max(64).nullable(),
  brief: z.string().trim().max(1000, { error: "At most 1,000 characters." }),
});

export type WriteRequest = z.infer<typeof writeRequestSchema>;

export const GENERATE_TIMEOUT_MS = 20_000;

export async function writeCopy(
  db: PrismaClient,
  shop: string,
  request: WriteRequest,
  deps: { openAi: OpenAiClient | null; now?: Date; timeoutMs?: number },
): Promise<WrittenCopy> {
  const now = deps.now ?? new Date();
  const kind = messageKindOf(request.trigger);
  const [voice, shopRow, category] = await Promise.all([
    brandVoiceOf(db, shop),
    db.shop.findUnique({ where: { domain: shop }, select: { name: true } }),
    favouriteCategory(db, shop, null),
  ]);
  const shopName = shopRow?.name ?? shop;
  const sample = sampleValues(shopName);
  const prompt = variantsPrompt({
    shopName,
    kind,
    brief: request.brief,
    voice,
    count: VARIANT_COUNT,
    sample: { ...sample, favouriteCategory: category },
  });
  const answer = await askForCopy(
    db,
    shop,
    deps.openAi,
    {
      name: "campaign_copy",
      schema: variantsAnswer(VARIANT_COUNT),
      ...prompt,
      maxTokens: 1500,
      timeoutMs: deps.timeoutMs ?? GENERATE_TIMEOUT_MS,
      maxRetries: 1,
      texts: ({ variants }) => {
        for (const [i, v] of variants.entries()) {
          const problem = variantProblem(v);
          if (problem) return `variant ${i + 1}: ${problem}`;
        }
        return variants.flatMap((v) => [v.subject, v.body]);
      },
    },
    now,
  );
  if (answer.ok)
    return {
      variants: answer.value.variants.map(tidy),
      writtenBy: "openai",
      reason: null,
      budget: answer.budget,
    };
  return {
    variants: templateVariants(kind, voice.tone, VARIANT_COUNT),
    writtenBy: "template",
    reason: answer.reason,
    budget: answer.budget,
  };
}
