-- No query looks entries up by bucket and availableAt across shops: pending lots are found
-- through their member ("shop", "customerId", "occurredAt"). The index only cost every
-- ledger write (a sixth index on the busiest table).
DROP INDEX IF EXISTS "LedgerEntry_bucket_availableAt_idx";
