-- Backfill on install: one row per import of a shop's history (bulk operation export,
-- JSONL load, ledger replay) with its counts and resume cursors, and an unlogged staging
-- table for children the JSONL delivered after their parent's batch was written.

-- CreateEnum
CREATE TYPE "BackfillStatus" AS ENUM ('queued', 'running', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "BackfillPhase" AS ENUM ('export', 'load', 'credit', 'done');

-- CreateTable
CREATE TABLE "BackfillRun" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "status" "BackfillStatus" NOT NULL DEFAULT 'queued',
    "phase" "BackfillPhase" NOT NULL DEFAULT 'export',
    "historyEarnsPoints" BOOLEAN NOT NULL DEFAULT false,
    "trigger" TEXT NOT NULL DEFAULT 'install',
    "programVersion" INTEGER,
    "resource" TEXT,
    "bulkOperationId" TEXT,
    "fileUrl" TEXT,
    "objectCount" BIGINT,
    "fileSize" BIGINT,
    "linesLoaded" BIGINT NOT NULL DEFAULT 0,
    "customersLoaded" INTEGER NOT NULL DEFAULT 0,
    "ordersLoaded" INTEGER NOT NULL DEFAULT 0,
    "lineItemsLoaded" INTEGER NOT NULL DEFAULT 0,
    "productsLoaded" INTEGER NOT NULL DEFAULT 0,
    "customersTotal" INTEGER,
    "creditCursor" BIGINT,
    "customersCredited" INTEGER NOT NULL DEFAULT 0,
    "membersEnrolled" INTEGER NOT NULL DEFAULT 0,
    "entriesWritten" INTEGER NOT NULL DEFAULT 0,
    "pointsCredited" BIGINT NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BackfillRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE UNLOGGED TABLE "BackfillChild" (
    "runId" UUID NOT NULL,
    "childId" TEXT NOT NULL,
    "parentId" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "BackfillChild_pkey" PRIMARY KEY ("runId","childId")
);

-- CreateIndex
CREATE INDEX "BackfillRun_shop_createdAt_idx" ON "BackfillRun"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "BackfillRun_status_updatedAt_idx" ON "BackfillRun"("status", "updatedAt");

-- CreateIndex
CREATE INDEX "BackfillChild_runId_kind_parentId_idx" ON "BackfillChild"("runId", "kind", "parentId");
