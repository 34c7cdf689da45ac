-- Reward recommendations (issue 15 item 5a): one row per run, one row per member.
CREATE TYPE "RewardRecommendationRunStatus" AS ENUM ('queued', 'running', 'computed', 'failed');

CREATE TABLE "RewardRecommendationRun" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" "RewardRecommendationRunStatus" NOT NULL DEFAULT 'queued',
    "stage" TEXT,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "method" TEXT,
    "reason" TEXT,
    "currencyCode" TEXT,
    "horizonDays" INTEGER NOT NULL DEFAULT 90,
    "members" INTEGER,
    "evaluation" JSONB,
    "model" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "computedAt" TIMESTAMP(3),

    CONSTRAINT "RewardRecommendationRun_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "RewardRecommendationRun_shop_createdAt_idx" ON "RewardRecommendationRun"("shop", "createdAt");

CREATE TABLE "MemberRewardRecommendation" (
    "shop" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "runId" UUID NOT NULL,
    "method" TEXT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "rewardName" TEXT NOT NULL,
    "pointsCost" INTEGER NOT NULL,
    "pointsGap" INTEGER NOT NULL,
    "probability" DOUBLE PRECISION,
    "expectedValueMinor" DOUBLE PRECISION,
    "marginImpactMinor" DOUBLE PRECISION NOT NULL,
    "drivers" JSONB NOT NULL,
    "ranked" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MemberRewardRecommendation_pkey" PRIMARY KEY ("shop", "customerId")
);
