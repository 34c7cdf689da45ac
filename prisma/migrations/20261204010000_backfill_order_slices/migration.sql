-- Orders are exported in slices of their id range, so the next slice's bulk query runs
-- while the previous slice loads (app/backfill/run.server.ts).
ALTER TABLE "BackfillRun" ADD COLUMN "orderSlices" BIGINT[] DEFAULT ARRAY[]::BIGINT[];
ALTER TABLE "BackfillRun" ADD COLUMN "slice" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "BackfillRun" ADD COLUMN "nextBulkOperationId" TEXT;
