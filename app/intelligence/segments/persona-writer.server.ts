import { z } from "zod";
import { logger } from "~/logger.server";
import { toMajor } from "~/loyalty/money";
import type { OpenAiClient } from "~/openai.server";
import type { ClusterSummary } from "./summary";

// Personas written by OpenAI, when a key is configured, during the segments run (never on
// a page load): each cluster's centroid and size go out (aggregates only, no member data)
// and a name, a description and a suggested loyalty action come back as structured output.
// Without a client, or on any failure, the templated persona stays (persona.ts); after a
// first failure the remaining clusters keep theirs too, rather than wait on a failing API.

export const personaAnswerSchema = z.object({
  name: z.string().trim().min(1).max(40),
  description: z.string().trim().min(1).max(200),
  action: z.string().trim().min(1).max(200),
});

const SYSTEM = [
  "You name customer segments for a Shopify store's loyalty program.",
  "Given one behavioural cluster's averages and how far they sit from the store's other buyers",
  "(in standard deviations), answer with a short persona name (at most 40 characters), a",
  "description of who these customers are (at most 200 characters), and one concrete loyalty",
  "action for them (bonus points, a reward, a tier nudge or a message), at most 200 characters.",
  "Use only the figures given; do not invent names of people or products.",
].join(" ");

export function personaPrompt(cluster: ClusterSummary, context: { currency: string; buyerCount: number }) {
  const { means, z: zs } = cluster;
  const money = (minor: number) => `${toMajor(minor, context.currency).toFixed(2)} ${context.currency}`;
  const sd = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(2)} sd`;
  return [
    `Cluster of ${cluster.size} of the store's ${context.buyerCount} buyers.`,
    `Days since last order: ${means.recencyDays.toFixed(0)} (${sd(zs.recencyDays)}).`,
    `Orders: ${means.frequency.toFixed(1)} (${sd(zs.frequency)}).`,
    `Net spend: ${money(means.monetaryMinor)} (${sd(zs.monetaryMinor)}).`,
    `Average order value: ${money(means.aovMinor)} (${sd(zs.aovMinor)}).`,
    `Days as a member: ${means.tenureDays.toFixed(0)} (${sd(zs.tenureDays)}).`,
    `Points balance: ${means.pointsBalance.toFixed(0)} (${sd(zs.pointsBalance)}).`,
    `Our template calls them: "${cluster.title}".`,
  ].join("\n");
}

/** The clusters with their personas written by `client`, or as templated without one or on failure. */
export async function writePersonas(
  client: OpenAiClient | null,
  clusters: readonly ClusterSummary[],
  context: { shop: string; currency: string; buyerCount: number },
): Promise<ClusterSummary[]> {
  if (!client) return [...clusters];
  const out: ClusterSummary[] = [];
  let failed = false;
  for (const cluster of clusters) {
    if (failed) {
      out.push(cluster);
      continue;
    }
    try {
      const answer = await client.json({
        name: "loyalty_persona",
        schema: personaAnswerSchema,
        system: SYSTEM,
        user: personaPrompt(cluster, context),
        maxTokens: 300,
      });
      out.push({ ...cluster, written: { by: "openai", ...answer } });
    } catch (error) {
      failed = true;
      logger().warn(
        { shop: context.shop, err: error instanceof Error ? error.message : String(error) },
        "OpenAI did not write the segment personas; the templated ones stay",
      );
      out.push(cluster);
    }
  }
  return out;
}
