-- Full scoring (issue 15 items 8 and 9): one row per "score the shop" run across the models.
CREATE TYPE "ScoringRunStatus" AS ENUM ('queued', 'running', 'completed', 'partial', 'failed');

CREATE TABLE "ScoringRun" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" "ScoringRunStatus" NOT NULL DEFAULT 'queued',
    "stage" TEXT,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "stages" JSONB NOT NULL DEFAULT '[]',
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ScoringRun_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ScoringRun_shop_createdAt_idx" ON "ScoringRun"("shop", "createdAt");
