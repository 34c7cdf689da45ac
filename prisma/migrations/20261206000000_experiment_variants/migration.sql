-- "variantId" on ledger entries and redemptions meant an experiment variant, easily read as
-- a product variant. A member can be in several experiments at once (one per lever), so the
-- column becomes the list of variant keys that shaped the program it was written under;
-- NULL when none did (most entries), which costs nothing per row.
ALTER TABLE "LedgerEntry" RENAME COLUMN "variantId" TO "experimentVariants";
ALTER TABLE "LedgerEntry"
  ALTER COLUMN "experimentVariants" TYPE TEXT[]
  USING CASE WHEN "experimentVariants" IS NULL THEN NULL ELSE ARRAY["experimentVariants"] END;
ALTER TABLE "Redemption" RENAME COLUMN "variantId" TO "experimentVariants";
ALTER TABLE "Redemption"
  ALTER COLUMN "experimentVariants" TYPE TEXT[]
  USING CASE WHEN "experimentVariants" IS NULL THEN NULL ELSE ARRAY["experimentVariants"] END;
