-- Bandit experiments and their allocation history (issue 16 item 1, ADR 0029-bandits).
ALTER TABLE "Experiment" ADD COLUMN "bandit" JSONB;

CREATE TABLE "ExperimentAllocation" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "experimentId" UUID NOT NULL,
    "period" INTEGER NOT NULL,
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "weights" JSONB NOT NULL,
    "phase" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "posterior" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentAllocation_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "ExperimentAllocation_experimentId_period_key" ON "ExperimentAllocation"("experimentId", "period");
CREATE INDEX "ExperimentAllocation_shop_experimentId_idx" ON "ExperimentAllocation"("shop", "experimentId");

ALTER TABLE "ExperimentAllocation" ADD CONSTRAINT "ExperimentAllocation_experimentId_fkey"
    FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
