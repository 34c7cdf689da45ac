-- Every ledger key begins with its shop's domain (app/loyalty/ledger-keys.ts). The check
-- makes that a rule of the table, so a unique index on the key alone enforces exactly what
-- (shop, key) did, with a smaller index and a single-column comparison (ADR 0010).
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_key_in_shop" CHECK (starts_with("key", "shop" || ':'));
DROP INDEX "LedgerEntry_shop_key_key";
CREATE UNIQUE INDEX "LedgerEntry_key_key" ON "LedgerEntry"("key");
