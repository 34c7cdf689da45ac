import type { PrismaClient } from "~/db.server";
import type { ScoredReview } from "./score";

// Writing scores back: one statement per page of reviews. A review scored meanwhile by
// another run keeps its score (the `sentiment IS NULL` guard), so two runs never overwrite
// each other and a repeated job changes nothing.

export interface ReviewKey {
  source: string;
  externalId: string;
}

const UPDATE_SQL = `
  UPDATE "ProductReview" AS r
  SET "sentiment" = v.sentiment, "sentimentSource" = v.scorer,
      "sentimentThemes" = ARRAY(SELECT jsonb_array_elements_text(v.themes::jsonb))
  FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[], $6::text[])
       AS v(source, external_id, sentiment, scorer, themes)
  WHERE r."shop" = $1 AND r."source" = v.source AND r."externalId" = v.external_id
    AND r."sentiment" IS NULL`;

/** Stores `scores[i]` on review `keys[i]`; answers how many rows took a score. */
export async function storeScores(
  db: PrismaClient,
  shop: string,
  keys: readonly ReviewKey[],
  scores: readonly ScoredReview[],
): Promise<number> {
  if (keys.length === 0) return 0;
  return db.$executeRawUnsafe(
    UPDATE_SQL,
    shop,
    keys.map((k) => k.source),
    keys.map((k) => k.externalId),
    scores.map((s) => s.sentiment),
    scores.map((s) => s.source),
    scores.map((s) => JSON.stringify(s.themes)),
  );
}
