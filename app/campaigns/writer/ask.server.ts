import type { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { env } from "~/env.server";
import { OpenAiError, type OpenAiClient, type TokenUsage } from "~/openai.server";
import { aiBudget, estimateTokens, formatUsd, reserve, type AiBudget } from "./budget.server";
import { parsePrice, priceOf } from "./prices";

// One request for copy: within the shop's monthly cap, parsed by its zod schema
// (structured output), checked by the copy rules, and passed by the moderation endpoint;
// otherwise the reason, in words a merchant can read, and the caller uses the template
// engine. Nothing the model wrote leaves this function unless every check passed.

type Db = Pick<PrismaClient, "$queryRaw" | "$executeRaw" | "campaignAiUsage" | "campaignSettings" | "shop">;

export type Asked<T> = { ok: true; value: T } | { ok: false; reason: string };

export async function askForCopy<T>(
  db: Db,
  shop: string,
  client: OpenAiClient | null,
  request: {
    name: string;
    schema: z.ZodType<T>;
    system: string;
    user: string;
    maxTokens: number;
    timeoutMs: number;
    maxRetries: number;
    /** The texts of an answer to check and moderate; a string is why the answer is refused. */
    texts: (value: T) => string[] | string;
  },
  now: Date,
): Promise<Asked<T> & { budget: AiBudget }> {
  const budget = await aiBudget(db, shop, now);
  if (!client) return { ok: false, reason: "No OpenAI API key is configured.", budget };
  const price = priceOf(client.chatModel, parsePrice(env().OPENAI_CHAT_PRICE));
  const reservation = await reserve(db, budget, shop, price, {
    promptTokens: estimateTokens(request.system + request.user),
    completionTokens: request.maxTokens,
  });
  if (!reservation)
    return {
      ok: false,
      reason: `This month's AI budget of ${formatUsd(budget.capMicros)} is used up (${formatUsd(budget.usedMicros)} spent).`,
      budget,
    };
  let usage: TokenUsage | null = null;
  const after = async <R>(result: R): Promise<R & { budget: AiBudget }> => {
    await reservation.settle(usage);
    return { ...result, budget: await aiBudget(db, shop, now) };
  };
  try {
    const value = await client.json({
      name: request.name,
      schema: request.schema,
      system: request.system,
      user: request.user,
      temperature: 0.7,
      maxTokens: request.maxTokens,
      timeoutMs: request.timeoutMs,
      maxRetries: request.maxRetries,
      onUsage: (u) => (usage = u),
    });
    const texts = request.texts(value);
    if (typeof texts === "string") return after({ ok: false, reason: `The answer was refused: ${texts}` });
    const verdicts = await client.moderate(texts, {
      timeoutMs: request.timeoutMs,
      maxRetries: request.maxRetries,
    });
    const flagged = verdicts.find((v) => v.flagged);
    if (flagged)
      return after({
        ok: false,
        reason: `Moderation flagged the answer (${flagged.categories.join(", ") || "unsafe"}).`,
      });
    return after({ ok: true, value });
  } catch (error) {
    if (!(error instanceof OpenAiError)) {
      await reservation.settle(usage);
      throw error;
    }
    return after({ ok: false, reason: error.message });
  }
}
