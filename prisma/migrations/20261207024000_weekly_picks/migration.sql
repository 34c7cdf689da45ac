-- Weekly promotion picks (issue 15 item 6): the variants' price, inventory and unit cost,
-- and one row per picks run.
CREATE TABLE "ProductVariant" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "productId" BIGINT NOT NULL,
    "title" TEXT,
    "sku" TEXT,
    "priceMinor" BIGINT,
    "inventoryQuantity" INTEGER,
    "unitCostMinor" BIGINT,
    "shopifyUpdatedAt" TIMESTAMP(3),
    "syncedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductVariant_pkey" PRIMARY KEY ("shop", "id")
);

CREATE INDEX "ProductVariant_shop_productId_idx" ON "ProductVariant"("shop", "productId");

CREATE TYPE "WeeklyPicksRunStatus" AS ENUM ('queued', 'running', 'computed', 'notEnoughData', 'failed');

CREATE TABLE "WeeklyPicksRun" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" "WeeklyPicksRunStatus" NOT NULL DEFAULT 'queued',
    "stage" TEXT,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "reason" TEXT,
    "currencyCode" TEXT,
    "weeks" INTEGER,
    "products" INTEGER,
    "backtest" JSONB,
    "model" JSONB,
    "settings" JSONB,
    "picks" JSONB,
    "forecastFrom" TIMESTAMP(3),
    "launchedVersion" INTEGER,
    "launchedAt" TIMESTAMP(3),
    "launchedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "computedAt" TIMESTAMP(3),

    CONSTRAINT "WeeklyPicksRun_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "WeeklyPicksRun_shop_createdAt_idx" ON "WeeklyPicksRun"("shop", "createdAt");
