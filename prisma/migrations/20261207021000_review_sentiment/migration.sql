-- Review sentiment (issue 15 item 7): themes per review, one row per scoring run.
ALTER TABLE "ProductReview" ADD COLUMN "sentimentThemes" TEXT[] DEFAULT ARRAY[]::TEXT[];

CREATE TYPE "SentimentRunStatus" AS ENUM ('queued', 'running', 'computed', 'failed');

CREATE TABLE "SentimentRun" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" "SentimentRunStatus" NOT NULL DEFAULT 'queued',
    "stage" TEXT,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "reason" TEXT,
    "scored" INTEGER NOT NULL DEFAULT 0,
    "scoredOpenai" INTEGER NOT NULL DEFAULT 0,
    "fellBack" INTEGER NOT NULL DEFAULT 0,
    "summary" TEXT,
    "negativeThemes" JSONB,
    "summaryReviews" INTEGER,
    "summaryModel" TEXT,
    "summaryError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "computedAt" TIMESTAMP(3),

    CONSTRAINT "SentimentRun_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "SentimentRun_shop_createdAt_idx" ON "SentimentRun"("shop", "createdAt");
