-- Ledger details are written and read whole, never queried inside: json keeps the text as
-- written, where jsonb parsed it (a third of the backfill's ledger COPY; ADR 0010).
ALTER TABLE "LedgerEntry" ALTER COLUMN "details" TYPE json USING "details"::json;

-- An order's entries are read through the member that holds them (the order's earn entry
-- names it), on the (shop, customerId, occurredAt) index: one random-order index less to
-- maintain on every insert.
DROP INDEX "LedgerEntry_shop_orderId_idx";
