-- An order's earn is corrected when an earlier order (or a refund before its placement)
-- arrives after it was credited: the tier it was placed under changed (app/loyalty/placement.ts).
ALTER TYPE "LedgerKind" ADD VALUE 'correction';
