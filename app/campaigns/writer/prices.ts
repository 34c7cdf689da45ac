// What a chat model costs per million tokens (USD), for the shop's monthly AI cap. A model
// missing here is priced as the dearest one listed, so an unknown model never spends past
// the cap; OPENAI_CHAT_PRICE ("input/output" per million) overrides for the configured model.

export type ModelPrice = { inputPerMillion: number; outputPerMillion: number };

export const MODEL_PRICES: Record<string, ModelPrice> = {
  "gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  "gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
  "gpt-4.1-nano": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  "gpt-4.1-mini": { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  "gpt-4.1": { inputPerMillion: 2, outputPerMillion: 8 },
};

const DEAREST = Object.values(MODEL_PRICES).reduce((a, b) =>
  a.inputPerMillion + a.outputPerMillion >= b.inputPerMillion + b.outputPerMillion ? a : b,
);

/** "0.15/0.60" → a price; null when the text is not two non-negative numbers. */
export function parsePrice(text: string | undefined): ModelPrice | null {
  const match = text?.trim().match(/^(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/);
  return match ? { inputPerMillion: Number(match[1]), outputPerMillion: Number(match[2]) } : null;
}

export function priceOf(model: string, override?: ModelPrice | null): ModelPrice {
  if (override) return override;
  const exact = MODEL_PRICES[model];
  if (exact) return exact;
  // Dated snapshots (gpt-4o-mini-2024-07-18) cost what their model does.
  const base = Object.keys(MODEL_PRICES)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return base ? MODEL_PRICES[base]! : DEAREST;
}

/** Millionths of a USD, rounded up. */
export function costMicros(price: ModelPrice, promptTokens: number, completionTokens: number): number {
  return Math.ceil(promptTokens * price.inputPerMillion + completionTokens * price.outputPerMillion);
}
