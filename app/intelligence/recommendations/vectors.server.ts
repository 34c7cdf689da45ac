import type { PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";
import { OpenAiError, type OpenAiClient } from "~/openai.server";
import { normalised } from "./content";
import { contentHash, contentText } from "./content-hash";
import type { CatalogProduct } from "./inputs.server";
import type { ContentVectors } from "./model";
import { productTokens, tfidf } from "./tfidf";

// A shop's content vectors, stored in ProductVector (ADR 0035-product-recs-vectors): OpenAI
// embeddings when a key is configured — only products whose text (content hash), model or
// dimensions changed are embedded again — else TF-IDF, recomputed whole each run (its idf
// belongs to the catalogue, and it costs milliseconds). An OpenAI failure falls back to
// TF-IDF for this run and says so.

/** Embedding size asked of OpenAI: pairwise cosine over 10,000 products stays in seconds. */
export const EMBEDDING_DIMENSIONS = 256;
export const TFIDF_MODEL = "tfidf-sublinear-v1";
const EMBED_CHUNK = 200;
const WRITE_CHUNK = 2_000;

export interface ContentResult {
  content: ContentVectors;
  source: "tfidf" | "openai";
  model: string;
  /** Products embedded by OpenAI in this run (0 for TF-IDF). */
  embedded: number;
  note: string | null;
}

export async function contentVectors(
  db: PrismaClient,
  shop: string,
  catalog: readonly CatalogProduct[],
  client: OpenAiClient | null,
  onProgress: (share: number) => Promise<unknown> = async () => {},
): Promise<ContentResult> {
  if (client) {
    try {
      return await openAiVectors(db, shop, catalog, client, onProgress);
    } catch (error) {
      if (!(error instanceof OpenAiError)) throw error;
      logger().warn({ shop, err: error.message }, "Embeddings failed; TF-IDF vectors used instead");
      return {
        ...(await tfidfVectors(db, shop, catalog)),
        note: `OpenAI embeddings failed (${error.message}); TF-IDF was used.`,
      };
    }
  }
  return tfidfVectors(db, shop, catalog);
}

async function tfidfVectors(
  db: PrismaClient,
  shop: string,
  catalog: readonly CatalogProduct[],
): Promise<ContentResult> {
  const model = tfidf(catalog.map(productTokens));
  const rows = catalog.map((p, i) => ({
    productId: p.id,
    model: TFIDF_MODEL,
    dims: model.vocabulary.length,
    contentHash: contentHash(contentText(p)),
    indices: [...model.vectors[i]!.indices],
    values: [...model.vectors[i]!.values],
  }));
  await db.$transaction(
    async (tx) => {
      await tx.productVector.deleteMany({ where: { shop, source: "tfidf" } });
      for (let i = 0; i < rows.length; i += WRITE_CHUNK)
        await insertVectors(tx, shop, "tfidf", rows.slice(i, i + WRITE_CHUNK));
    },
    { timeout: 120_000 },
  );
  return {
    content: { kind: "sparse", vectors: model.vectors },
    source: "tfidf",
    model: TFIDF_MODEL,
    embedded: 0,
    note: null,
  };
}

async function openAiVectors(
  db: PrismaClient,
  shop: string,
  catalog: readonly CatalogProduct[],
  client: OpenAiClient,
  onProgress: (share: number) => Promise<unknown>,
): Promise<ContentResult> {
  const model = client.embeddingModel;
  const stored = await db.productVector.findMany({
    where: { shop, source: "openai" },
    select: { productId: true, contentHash: true, model: true, dims: true, values: true },
  });
  const byId = new Map(stored.map((s) => [s.productId.toString(), s]));
  const hashes = catalog.map((p) => contentHash(contentText(p)));
  const stale = catalog
    .map((p, i) => ({ p, i }))
    .filter(({ p, i }) => {
      const s = byId.get(p.id);
      return !s || s.contentHash !== hashes[i] || s.model !== model || s.dims !== EMBEDDING_DIMENSIONS;
    });
  const vectors: (Float64Array | null)[] = catalog.map((p) => {
    const s = byId.get(p.id);
    return s ? normalised(Float64Array.from(s.values)) : null;
  });
  for (let start = 0; start < stale.length; start += EMBED_CHUNK) {
    const chunk = stale.slice(start, start + EMBED_CHUNK);
    const embedded = await client.embed(
      chunk.map(({ p }) => contentText(p)),
      { dimensions: EMBEDDING_DIMENSIONS },
    );
    const rows = chunk.map(({ p, i }, k) => {
      vectors[i] = normalised(embedded[k]!);
      return {
        productId: p.id,
        model,
        dims: EMBEDDING_DIMENSIONS,
        contentHash: hashes[i]!,
        indices: [],
        values: [...embedded[k]!],
      };
    });
    await db.$transaction(async (tx) => {
      await tx.productVector.deleteMany({
        where: { shop, source: "openai", productId: { in: rows.map((r) => BigInt(r.productId)) } },
      });
      await insertVectors(tx, shop, "openai", rows);
    });
    await onProgress(Math.min(1, (start + chunk.length) / stale.length));
  }
  await db.productVector.deleteMany({
    where: { shop, source: "openai", productId: { notIn: catalog.map((p) => BigInt(p.id)) } },
  });
  return {
    content: { kind: "dense", vectors: vectors.map((v) => v ?? new Float64Array(EMBEDDING_DIMENSIONS)) },
    source: "openai",
    model,
    embedded: stale.length,
    note: null,
  };
}

type VectorRow = {
  productId: string;
  model: string;
  dims: number;
  contentHash: string;
  indices: number[];
  values: number[];
};

async function insertVectors(
  tx: Pick<PrismaClient, "$executeRawUnsafe">,
  shop: string,
  source: string,
  rows: VectorRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO "ProductVector" ("shop", "productId", "source", "model", "dims", "contentHash", "indices", "values", "updatedAt")
     SELECT $1, t."productId", $2, t."model", t."dims", t."contentHash", t."indices", t."values", now()
     FROM json_to_recordset($3::json) AS t("productId" bigint, "model" text, "dims" int, "contentHash" text,
       "indices" int[], "values" real[])`,
    shop,
    source,
    JSON.stringify(rows),
  );
}
