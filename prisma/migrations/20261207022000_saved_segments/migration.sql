-- Saved segments (issue 15 item 2): the segment builder's conditions under a name.
CREATE TABLE "SavedSegment" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "conditions" JSONB NOT NULL,
    "createdBy" TEXT,
    "updatedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SavedSegment_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "SavedSegment_shop_name_key" ON "SavedSegment"("shop", "name");
CREATE INDEX "SavedSegment_shop_updatedAt_idx" ON "SavedSegment"("shop", "updatedAt");
