-- Reviews and email/SMS engagement imports (issue 15 item 1).
CREATE TYPE "DataImportKind" AS ENUM ('reviews', 'engagement');
CREATE TYPE "DataImportStatus" AS ENUM ('running', 'completed', 'failed');
CREATE TYPE "EngagementChannel" AS ENUM ('email', 'sms');
CREATE TYPE "EngagementType" AS ENUM ('send', 'open', 'click', 'unsubscribe');

CREATE TABLE "DataImport" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" "DataImportKind" NOT NULL,
    "source" TEXT NOT NULL,
    "format" TEXT,
    "status" "DataImportStatus" NOT NULL DEFAULT 'running',
    "rows" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "unmatchedCustomers" INTEGER NOT NULL DEFAULT 0,
    "unmatchedProducts" INTEGER NOT NULL DEFAULT 0,
    "issues" JSONB,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "DataImport_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "DataImport_shop_kind_createdAt_idx" ON "DataImport"("shop", "kind", "createdAt");

CREATE TABLE "ProductReview" (
    "shop" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "productRef" TEXT NOT NULL,
    "productId" BIGINT,
    "customerId" BIGINT,
    "reviewerEmail" TEXT,
    "reviewerName" TEXT,
    "rating" INTEGER NOT NULL,
    "title" TEXT,
    "body" TEXT,
    "reviewedAt" TIMESTAMP(3) NOT NULL,
    "importId" UUID NOT NULL,
    "sentiment" DOUBLE PRECISION,
    "sentimentSource" TEXT,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "redactedAt" TIMESTAMP(3),

    CONSTRAINT "ProductReview_pkey" PRIMARY KEY ("shop", "source", "externalId")
);

CREATE INDEX "ProductReview_shop_customerId_idx" ON "ProductReview"("shop", "customerId");
CREATE INDEX "ProductReview_shop_productId_idx" ON "ProductReview"("shop", "productId");
CREATE INDEX "ProductReview_shop_reviewedAt_idx" ON "ProductReview"("shop", "reviewedAt");

CREATE TABLE "EngagementEvent" (
    "shop" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "channel" "EngagementChannel" NOT NULL,
    "type" "EngagementType" NOT NULL,
    "customerId" BIGINT,
    "recipient" TEXT,
    "campaign" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "importId" UUID,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EngagementEvent_pkey" PRIMARY KEY ("shop", "source", "externalId")
);

CREATE INDEX "EngagementEvent_shop_customerId_occurredAt_idx" ON "EngagementEvent"("shop", "customerId", "occurredAt");
