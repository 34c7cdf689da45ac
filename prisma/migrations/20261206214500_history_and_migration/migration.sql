-- Believable history and migration from another loyalty app (issue 14, item 2).
ALTER TYPE "LedgerKind" ADD VALUE 'migration';

ALTER TABLE "Member"
  ADD COLUMN "migratedTierId" TEXT,
  ADD COLUMN "migratedTierUntil" TIMESTAMP(3),
  ADD COLUMN "migratedLifetimePoints" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "referralCode" TEXT;
CREATE UNIQUE INDEX "Member_shop_referralCode_key" ON "Member"("shop", "referralCode");

ALTER TABLE "BackfillRun"
  ADD COLUMN "redemptionCodePrefixes" TEXT[] DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "redemptionsImported" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "redemptionsUnmatched" INTEGER NOT NULL DEFAULT 0;

CREATE TYPE "MigrationStatus" AS ENUM ('uploaded', 'queued', 'running', 'completed', 'failed');

CREATE TABLE "MigrationImport" (
  "id" UUID NOT NULL,
  "shop" TEXT NOT NULL,
  "source" TEXT NOT NULL,
  "fileName" TEXT NOT NULL,
  "fileHash" TEXT NOT NULL,
  "content" TEXT,
  "mapping" JSONB NOT NULL,
  "status" "MigrationStatus" NOT NULL DEFAULT 'uploaded',
  "rowsTotal" INTEGER NOT NULL DEFAULT 0,
  "rowsDone" INTEGER NOT NULL DEFAULT 0,
  "rowsImported" INTEGER NOT NULL DEFAULT 0,
  "rowsSkipped" INTEGER NOT NULL DEFAULT 0,
  "entriesWritten" INTEGER NOT NULL DEFAULT 0,
  "pointsSet" BIGINT NOT NULL DEFAULT 0,
  "error" TEXT,
  "createdBy" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "startedAt" TIMESTAMP(3),
  "finishedAt" TIMESTAMP(3),
  "updatedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "MigrationImport_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "MigrationImport_shop_createdAt_idx" ON "MigrationImport"("shop", "createdAt");
