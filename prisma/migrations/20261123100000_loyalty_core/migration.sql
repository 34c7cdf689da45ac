-- Loyalty core: refunds mirror, program versions, members, the points ledger,
-- redemptions and domain events; mirror columns ingest needs.

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN "deletedAt" TIMESTAMP(3),
ADD COLUMN "isB2B" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN "cancelReason" TEXT,
ADD COLUMN "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "test" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "sourceName" TEXT,
ADD COLUMN "companyId" BIGINT;

-- AlterTable
ALTER TABLE "Product" ADD COLUMN "collectionIds" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateEnum
CREATE TYPE "MemberStatus" AS ENUM ('active', 'excluded', 'notEnrolled', 'deleted');

-- CreateEnum
CREATE TYPE "LedgerKind" AS ENUM ('earn', 'bonus', 'release', 'redeem', 'redemptionReturn', 'refundReversal', 'cancellationReversal', 'expiry', 'adjustment');

-- CreateEnum
CREATE TYPE "LedgerBucket" AS ENUM ('available', 'pending');

-- CreateEnum
CREATE TYPE "RedemptionStatus" AS ENUM ('pending', 'issued', 'used', 'expired', 'failed');

-- CreateTable
CREATE TABLE "Refund" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "orderId" BIGINT NOT NULL,
    "note" TEXT,
    "lineItems" JSONB NOT NULL DEFAULT '[]',
    "shippingMinor" BIGINT NOT NULL DEFAULT 0,
    "totalMinor" BIGINT NOT NULL DEFAULT 0,
    "processedAt" TIMESTAMP(3),
    "shopifyCreatedAt" TIMESTAMP(3),
    "syncedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Refund_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "ProgramVersion" (
    "shop" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "config" JSONB NOT NULL,
    "note" TEXT,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProgramVersion_pkey" PRIMARY KEY ("shop","version")
);

-- CreateTable
CREATE TABLE "Member" (
    "shop" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "status" "MemberStatus" NOT NULL DEFAULT 'active',
    "statusReason" TEXT,
    "enrolledAt" TIMESTAMP(3),
    "optedInAt" TIMESTAMP(3),
    "availablePoints" INTEGER NOT NULL DEFAULT 0,
    "pendingPoints" INTEGER NOT NULL DEFAULT 0,
    "lifetimePoints" INTEGER NOT NULL DEFAULT 0,
    "redeemedPoints" INTEGER NOT NULL DEFAULT 0,
    "expiredPoints" INTEGER NOT NULL DEFAULT 0,
    "ordersEarned" INTEGER NOT NULL DEFAULT 0,
    "lastActivityAt" TIMESTAMP(3),
    "tierId" TEXT,
    "tierBelowSince" TIMESTAMP(3),
    "tierValue" BIGINT NOT NULL DEFAULT 0,
    "nextTierId" TEXT,
    "tierRemaining" BIGINT NOT NULL DEFAULT 0,
    "tierEvaluatedAt" TIMESTAMP(3),
    "birthdayMonth" INTEGER,
    "birthdayDay" INTEGER,
    "birthdaySetAt" TIMESTAMP(3),
    "metafieldsDirty" BOOLEAN NOT NULL DEFAULT true,
    "metafieldsSyncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("shop","customerId")
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" "LedgerKind" NOT NULL,
    "points" INTEGER NOT NULL,
    "bucket" "LedgerBucket" NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "availableAt" TIMESTAMP(3),
    "lotKey" TEXT,
    "writtenOff" INTEGER,
    "programVersion" INTEGER NOT NULL,
    "variantId" TEXT,
    "orderId" BIGINT,
    "redemptionId" UUID,
    "staffId" TEXT,
    "reason" TEXT,
    "details" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Redemption" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "rewardId" TEXT NOT NULL,
    "reward" JSONB NOT NULL,
    "pointsCost" INTEGER NOT NULL,
    "programVersion" INTEGER NOT NULL,
    "variantId" TEXT,
    "status" "RedemptionStatus" NOT NULL DEFAULT 'pending',
    "clientKey" TEXT,
    "code" TEXT,
    "discountId" TEXT,
    "expiresAt" TIMESTAMP(3),
    "usedAt" TIMESTAMP(3),
    "usedOrderId" BIGINT,
    "returnedAt" TIMESTAMP(3),
    "failureReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Redemption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoyaltyEvent" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" BIGINT,
    "type" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoyaltyEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Order_shop_email_idx" ON "Order"("shop", "email");

-- CreateIndex
CREATE INDEX "Refund_shop_orderId_idx" ON "Refund"("shop", "orderId");

-- CreateIndex
CREATE INDEX "Member_shop_status_tierId_idx" ON "Member"("shop", "status", "tierId");

-- CreateIndex
CREATE INDEX "Member_shop_availablePoints_idx" ON "Member"("shop", "availablePoints");

-- CreateIndex
CREATE INDEX "Member_shop_metafieldsDirty_idx" ON "Member"("shop", "metafieldsDirty");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerEntry_shop_key_key" ON "LedgerEntry"("shop", "key");

-- CreateIndex
CREATE INDEX "LedgerEntry_shop_customerId_occurredAt_idx" ON "LedgerEntry"("shop", "customerId", "occurredAt");

-- CreateIndex
CREATE INDEX "LedgerEntry_shop_occurredAt_idx" ON "LedgerEntry"("shop", "occurredAt");

-- CreateIndex
CREATE INDEX "LedgerEntry_shop_orderId_idx" ON "LedgerEntry"("shop", "orderId");

-- CreateIndex
CREATE INDEX "LedgerEntry_bucket_availableAt_idx" ON "LedgerEntry"("bucket", "availableAt");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shop_clientKey_key" ON "Redemption"("shop", "clientKey");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_shop_code_key" ON "Redemption"("shop", "code");

-- CreateIndex
CREATE INDEX "Redemption_shop_customerId_createdAt_idx" ON "Redemption"("shop", "customerId", "createdAt");

-- CreateIndex
CREATE INDEX "Redemption_status_expiresAt_idx" ON "Redemption"("status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyEvent_shop_key_key" ON "LoyaltyEvent"("shop", "key");

-- CreateIndex
CREATE INDEX "LoyaltyEvent_shop_type_occurredAt_idx" ON "LoyaltyEvent"("shop", "type", "occurredAt");

-- CreateIndex
CREATE INDEX "LoyaltyEvent_shop_customerId_occurredAt_idx" ON "LoyaltyEvent"("shop", "customerId", "occurredAt");
