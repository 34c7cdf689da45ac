-- The shadow ledger is settled by the same decision as the ledger, which reads each
-- entry's bucket, lot, write-off and details (a reversal's refunded amounts): keep them.
ALTER TABLE "HoldoutShadowEntry"
  ADD COLUMN "bucket" "LedgerBucket" NOT NULL DEFAULT 'available',
  ADD COLUMN "availableAt" TIMESTAMP(3),
  ADD COLUMN "lotKey" TEXT,
  ADD COLUMN "writtenOff" INTEGER,
  ADD COLUMN "details" JSON;
