-- Prepared aggregates for the admin dashboard: points and members per shop-local day, and
-- a per-shop snapshot of outstanding points with the ledger id the refresh has seen.

-- CreateTable
CREATE TABLE "LoyaltyStatsDaily" (
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "pointsIssued" BIGINT NOT NULL DEFAULT 0,
    "pointsRedeemed" BIGINT NOT NULL DEFAULT 0,
    "pointsExpired" BIGINT NOT NULL DEFAULT 0,
    "pointsReversed" BIGINT NOT NULL DEFAULT 0,
    "pointsAdjusted" BIGINT NOT NULL DEFAULT 0,
    "redemptions" INTEGER NOT NULL DEFAULT 0,
    "newMembers" INTEGER NOT NULL DEFAULT 0,
    "refreshedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoyaltyStatsDaily_pkey" PRIMARY KEY ("shop","day")
);

-- CreateTable
CREATE TABLE "LoyaltyStatsSnapshot" (
    "shop" TEXT NOT NULL,
    "lastLedgerId" BIGINT NOT NULL DEFAULT 0,
    "members" INTEGER NOT NULL DEFAULT 0,
    "activeMembers" INTEGER NOT NULL DEFAULT 0,
    "availablePoints" BIGINT NOT NULL DEFAULT 0,
    "pendingPoints" BIGINT NOT NULL DEFAULT 0,
    "refreshedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoyaltyStatsSnapshot_pkey" PRIMARY KEY ("shop")
);
