-- The daily purge of expired widget inbox messages (app/campaigns/inbox-purge.server.ts):
-- each shop's expired rows found by an index range, in batches.
CREATE INDEX "InboxMessage_shop_expiresAt_idx" ON "InboxMessage"("shop", "expiresAt");
