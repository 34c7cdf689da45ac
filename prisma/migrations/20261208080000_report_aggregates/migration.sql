-- Report aggregates for the admin at scale (issue 18 item 5, ADR adminscale-report-aggregates):
-- an experiment's sufficient statistics per variant and exposure day, computed by a job so
-- the report pages and the dashboard do not read every exposed member's orders per view.
CREATE TABLE "ExperimentAggregate" (
    "experimentId" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "rows" JSONB NOT NULL,
    "longTerm" BOOLEAN NOT NULL DEFAULT false,
    "longTermReason" TEXT,
    "exposed" INTEGER NOT NULL DEFAULT 0,
    "durationMs" INTEGER NOT NULL DEFAULT 0,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentAggregate_pkey" PRIMARY KEY ("experimentId")
);

CREATE INDEX "ExperimentAggregate_shop_idx" ON "ExperimentAggregate"("shop");

ALTER TABLE "ExperimentAggregate" ADD CONSTRAINT "ExperimentAggregate_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The dashboard recommendations' member facts (a sort and counts over every member), stored
-- by the stats refresh every 15 minutes instead of computed on each dashboard view.
ALTER TABLE "LoyaltyStatsSnapshot" ADD COLUMN "memberFacts" JSONB;
ALTER TABLE "LoyaltyStatsSnapshot" ADD COLUMN "memberFactsAt" TIMESTAMP(3);

-- The dashboard's business figures per period length (every order of the period and the one
-- before), stored by the stats refresh every 5 minutes instead of computed on each view.
CREATE TABLE "BusinessFiguresSnapshot" (
    "shop" TEXT NOT NULL,
    "days" INTEGER NOT NULL,
    "periodTo" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "figures" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BusinessFiguresSnapshot_pkey" PRIMARY KEY ("shop","days")
);

-- The stats refresh's redemptions per day and the dashboard's redeemers in the last 90 days
-- read a date range of one shop's redemptions.
CREATE INDEX "Redemption_shop_createdAt_idx" ON "Redemption"("shop", "createdAt");
