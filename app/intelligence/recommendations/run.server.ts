import type { Prisma, PrismaClient } from "~/db.server";
import { openAi, type OpenAiClient } from "~/openai.server";
import { evaluateHoldout, holdoutCutoff, type HoldoutEvaluation } from "./evaluate";
import { loadCatalog, loadPurchases } from "./inputs.server";
import { buildNeighbours, contentNeighbours, MODEL_DEFAULTS } from "./model";
import { popularity, POPULAR_KEPT } from "./recommend";
import { contentVectors } from "./vectors.server";

// One product-recommendation run of a shop, as the worker runs it: the catalogue and the
// purchases from the mirror, content vectors (stored; OpenAI only for changed products),
// the time-holdout evaluation, then every product's neighbours from all purchases and the
// best sellers, written over the previous run's in one transaction. Too few products is
// recorded with its reason and leaves the previous neighbours in use.

const WRITE_CHUNK = 5_000;

export type StoredEvaluation = HoldoutEvaluation & { note: string | null };

export type RecommendationOutcome = { status: "computed" | "notEnoughData" | "skipped"; products: number };

const json = (v: unknown) => v as Prisma.InputJsonValue;

export async function runRecommendationRun(
  db: PrismaClient,
  runId: string,
  options: { onProgress?: (progress: number) => Promise<unknown>; openAi?: OpenAiClient | null } = {},
): Promise<RecommendationOutcome> {
  const run = await db.recommendationRun.findUnique({ where: { id: runId } });
  if (!run || (run.status !== "queued" && run.status !== "running"))
    return { status: "skipped", products: 0 };
  const shop = run.shop;
  const progress = async (stage: string, value: number) => {
    await db.recommendationRun.update({ where: { id: runId }, data: { stage, progress: value } });
    await options.onProgress?.(value);
  };
  await db.recommendationRun.update({
    where: { id: runId },
    data: { status: "running", startedAt: new Date() },
  });
  await progress("Reading products and orders", 0.05);
  const [catalog, purchases] = await Promise.all([loadCatalog(db, shop), loadPurchases(db, shop)]);
  const ids = catalog.map((p) => p.id);
  await progress("Computing product vectors", 0.15);
  const client = options.openAi === undefined ? openAi() : options.openAi;
  const vectors = await contentVectors(db, shop, catalog, client, (share) =>
    progress("Computing product vectors", 0.15 + 0.35 * share),
  );
  await progress("Finding similar products", 0.5);
  const baskets = basketsOf(purchases);
  const lists = contentNeighbours(vectors.content, MODEL_DEFAULTS.candidates);
  const built = buildNeighbours(ids, vectors.content, baskets, {}, lists);
  if (!built.ok) {
    await db.recommendationRun.update({
      where: { id: runId },
      data: {
        status: "notEnoughData",
        reason: built.reason,
        products: ids.length,
        stage: null,
        progress: 1,
        computedAt: new Date(),
      },
    });
    return { status: "notEnoughData", products: 0 };
  }
  await progress("Checking against recent orders", 0.7);
  const cutoff = holdoutCutoff(purchases.map((p) => p.day));
  const evaluation: StoredEvaluation =
    cutoff === null
      ? {
          ok: false,
          reason: "not enough order history to evaluate: it needs orders on more than one day.",
          note: vectors.note,
        }
      : {
          ...evaluateHoldout(ids, vectors.content, purchases, cutoff, { contentLists: lists }),
          note: vectors.note,
        };
  await progress("Saving", 0.9);
  const rows = built.neighbours.flatMap((row, i) =>
    row.map((nb, rank) => ({
      productId: ids[i]!,
      rank,
      neighbourId: nb.productId,
      score: nb.score,
      cfScore: nb.cfScore,
      contentScore: nb.contentScore,
      coPurchases: nb.coPurchases,
    })),
  );
  const computedAt = new Date();
  await db.$transaction(
    async (tx) => {
      await tx.productNeighbour.deleteMany({ where: { shop } });
      for (let i = 0; i < rows.length; i += WRITE_CHUNK)
        await tx.$executeRawUnsafe(
          `INSERT INTO "ProductNeighbour" ("shop", "productId", "rank", "neighbourId", "score", "cfScore", "contentScore", "coPurchases", "runId")
           SELECT $1, t."productId", t."rank", t."neighbourId", t."score", t."cfScore", t."contentScore", t."coPurchases", $2::uuid
           FROM json_to_recordset($3::json) AS t("productId" bigint, "rank" int, "neighbourId" bigint, "score" real,
             "cfScore" real, "contentScore" real, "coPurchases" int)`,
          shop,
          runId,
          JSON.stringify(rows.slice(i, i + WRITE_CHUNK)),
        );
      await tx.recommendationRun.update({
        where: { id: runId },
        data: {
          status: "computed",
          source: vectors.source,
          products: ids.length,
          embedded: vectors.embedded,
          popular: json(popularity(baskets, POPULAR_KEPT)),
          evaluation: json(evaluation),
          reason: null,
          stage: null,
          progress: 1,
          computedAt,
        },
      });
    },
    { timeout: 120_000 },
  );
  return { status: "computed", products: ids.length };
}

/** Each customer's distinct products. */
export function basketsOf(purchases: readonly { customerId: string; productId: string }[]): string[][] {
  const byCustomer = new Map<string, Set<string>>();
  for (const p of purchases) {
    let set = byCustomer.get(p.customerId);
    if (!set) byCustomer.set(p.customerId, (set = new Set()));
    set.add(p.productId);
  }
  return [...byCustomer.values()].map((s) => [...s]);
}

/** Records that run `runId` stopped on an error (the worker's last attempt). */
export async function markRecommendationFailed(
  db: PrismaClient,
  runId: string,
  message: string,
): Promise<void> {
  await db.recommendationRun.updateMany({
    where: { id: runId, status: { in: ["queued", "running"] } },
    data: { status: "failed", reason: message, stage: null, computedAt: new Date() },
  });
}
