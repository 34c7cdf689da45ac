-- Product recommendations and API keys (issue 15 item 5b).
ALTER TABLE "Product" ADD COLUMN "description" TEXT;

CREATE TYPE "RecommendationRunStatus" AS ENUM ('queued', 'running', 'computed', 'notEnoughData', 'failed');

CREATE TABLE "RecommendationRun" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" "RecommendationRunStatus" NOT NULL DEFAULT 'queued',
    "stage" TEXT,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "reason" TEXT,
    "source" TEXT,
    "products" INTEGER,
    "embedded" INTEGER,
    "popular" JSONB,
    "evaluation" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "computedAt" TIMESTAMP(3),

    CONSTRAINT "RecommendationRun_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "RecommendationRun_shop_createdAt_idx" ON "RecommendationRun"("shop", "createdAt");

CREATE TABLE "ProductVector" (
    "shop" TEXT NOT NULL,
    "productId" BIGINT NOT NULL,
    "source" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "dims" INTEGER NOT NULL,
    "contentHash" TEXT NOT NULL,
    "indices" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "values" REAL[],
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductVector_pkey" PRIMARY KEY ("shop", "productId", "source")
);

CREATE TABLE "ProductNeighbour" (
    "shop" TEXT NOT NULL,
    "productId" BIGINT NOT NULL,
    "rank" INTEGER NOT NULL,
    "neighbourId" BIGINT NOT NULL,
    "score" REAL NOT NULL,
    "cfScore" REAL NOT NULL,
    "contentScore" REAL NOT NULL,
    "coPurchases" INTEGER NOT NULL,
    "runId" UUID NOT NULL,

    CONSTRAINT "ProductNeighbour_pkey" PRIMARY KEY ("shop", "productId", "rank")
);

CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");
CREATE INDEX "ApiKey_shop_createdAt_idx" ON "ApiKey"("shop", "createdAt");
