-- Churn risk (issue 15 item 4): one row per run, one row per scored buyer.
CREATE TYPE "ChurnRunStatus" AS ENUM ('queued', 'running', 'computed', 'notEnoughData', 'failed');

CREATE TABLE "ChurnRun" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" "ChurnRunStatus" NOT NULL DEFAULT 'queued',
    "stage" TEXT,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "reason" TEXT,
    "currencyCode" TEXT,
    "horizonDays" INTEGER NOT NULL DEFAULT 90,
    "customers" INTEGER,
    "atRisk" INTEGER,
    "evaluation" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "computedAt" TIMESTAMP(3),

    CONSTRAINT "ChurnRun_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ChurnRun_shop_createdAt_idx" ON "ChurnRun"("shop", "createdAt");

CREATE TABLE "MemberChurnRisk" (
    "shop" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "runId" UUID NOT NULL,
    "risk" DOUBLE PRECISION NOT NULL,
    "atRisk" BOOLEAN NOT NULL,
    "drivers" JSONB NOT NULL,
    "valueAtStakeMinor" DOUBLE PRECISION,
    "valueSource" TEXT NOT NULL,
    "intervention" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MemberChurnRisk_pkey" PRIMARY KEY ("shop", "customerId")
);

CREATE INDEX "MemberChurnRisk_shop_atRisk_risk_idx" ON "MemberChurnRisk"("shop", "atRisk", "risk");
