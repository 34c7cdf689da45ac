-- A shop's received order deliveries, oldest first: what every webhook batch claims
-- (app/ingest/batch.server.ts). The (status, receivedAt) index made that claim read every
-- shop's received rows to find one shop's, so its cost grew with the backlog of all shops
-- (the soak: 20 shops, the claim ~60% of PostgreSQL's active samples). Partial: only rows
-- still to process, so it stays the size of the backlog, not of the inbox.
CREATE INDEX "WebhookEvent_shop_receivedAt_idx" ON "WebhookEvent"("shop", "receivedAt") WHERE "status" = 'received';

-- The inbox is a queue: every row is inserted, updated once to processed, and deleted by
-- retention. Vacuum it after 2% of its rows change rather than PostgreSQL's default 20%,
-- so the dead versions the claim's index scans step over stay few.
ALTER TABLE "WebhookEvent" SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
