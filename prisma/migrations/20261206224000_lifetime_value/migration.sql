-- Lifetime value (issue 15): each shop's fits and each member's value from the latest one.
CREATE TYPE "LifetimeValueFitStatus" AS ENUM ('queued', 'running', 'fitted', 'notEnoughData', 'notConverged', 'failed');

CREATE TABLE "LifetimeValueFit" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" "LifetimeValueFitStatus" NOT NULL DEFAULT 'queued',
    "stage" TEXT,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "reason" TEXT,
    "asOf" TIMESTAMP(3),
    "currencyCode" TEXT,
    "customers" INTEGER,
    "repeatBuyers" INTEGER,
    "purchaseParams" JSONB,
    "purchaseErrors" JSONB,
    "purchaseLogLik" DOUBLE PRECISION,
    "spendParams" JSONB,
    "spendErrors" JSONB,
    "spendLogLik" DOUBLE PRECISION,
    "spendReason" TEXT,
    "evaluation" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    CONSTRAINT "LifetimeValueFit_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "LifetimeValueFit_shop_createdAt_idx" ON "LifetimeValueFit"("shop", "createdAt");

CREATE TABLE "MemberLifetimeValue" (
    "shop" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "fitId" UUID NOT NULL,
    "repeatPurchases" INTEGER NOT NULL,
    "recencyDays" DOUBLE PRECISION NOT NULL,
    "ageDays" DOUBLE PRECISION NOT NULL,
    "pAlive" DOUBLE PRECISION NOT NULL,
    "expectedPurchases90d" DOUBLE PRECISION NOT NULL,
    "expectedPurchases12m" DOUBLE PRECISION NOT NULL,
    "expectedSpendMinor" DOUBLE PRECISION,
    "clv12mMinor" DOUBLE PRECISION,
    "computedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "MemberLifetimeValue_pkey" PRIMARY KEY ("shop", "customerId")
);
CREATE INDEX "MemberLifetimeValue_shop_clv12mMinor_idx" ON "MemberLifetimeValue"("shop", "clv12mMinor");
