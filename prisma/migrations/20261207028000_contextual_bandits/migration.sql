-- Contextual bandits (issue 16 item 2, ADR 0044): the context a member was assigned
-- in (recorded with their exposure) and each segment's allocation per period.
ALTER TABLE "ExperimentExposure" ADD COLUMN "context" TEXT;

CREATE TABLE "ExperimentSegmentAllocation" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "experimentId" UUID NOT NULL,
    "period" INTEGER NOT NULL,
    "segment" TEXT NOT NULL,
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "weights" JSONB NOT NULL,
    "members" INTEGER NOT NULL,
    "posterior" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentSegmentAllocation_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "ExperimentSegmentAllocation_experimentId_period_segment_key"
    ON "ExperimentSegmentAllocation"("experimentId", "period", "segment");
CREATE INDEX "ExperimentSegmentAllocation_shop_experimentId_idx" ON "ExperimentSegmentAllocation"("shop", "experimentId");

ALTER TABLE "ExperimentSegmentAllocation" ADD CONSTRAINT "ExperimentSegmentAllocation_experimentId_fkey"
    FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
