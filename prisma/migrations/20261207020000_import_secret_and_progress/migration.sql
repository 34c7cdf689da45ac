-- Signed imports of reviews and engagement (issue 15 item 1): each shop's import secret,
-- kept encrypted (ADR 0029-reviews-import-endpoint), and the uploaded file plus progress of
-- a CSV import a worker runs.
CREATE TABLE "ImportSecret" (
    "shop" TEXT NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ImportSecret_pkey" PRIMARY KEY ("shop")
);

ALTER TABLE "DataImport" ADD COLUMN "fileName" TEXT;
ALTER TABLE "DataImport" ADD COLUMN "content" TEXT;
ALTER TABLE "DataImport" ADD COLUMN "rowsDone" INTEGER NOT NULL DEFAULT 0;
