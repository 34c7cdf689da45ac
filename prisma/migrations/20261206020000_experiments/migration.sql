-- Experiments (issue 13): the program holdout and A/B tests of program levers, their
-- variants, an audit trail, exposures (once per member and experiment) and the holdout's
-- shadow ledger. Assignment itself is a hash and is not stored (app/experiments/README.md).

CREATE TYPE "ExperimentKind" AS ENUM ('holdout', 'test');

CREATE TYPE "ExperimentStatus" AS ENUM ('draft', 'running', 'paused', 'stopped', 'shipped');

CREATE TABLE "Experiment" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" "ExperimentKind" NOT NULL DEFAULT 'test',
    "name" TEXT NOT NULL,
    "hypothesis" TEXT NOT NULL DEFAULT '',
    "lever" TEXT,
    "salt" TEXT NOT NULL,
    "audience" JSONB NOT NULL DEFAULT '{"kind":"all"}',
    "trafficBps" INTEGER NOT NULL DEFAULT 10000,
    "layerStart" INTEGER,
    "layerEnd" INTEGER,
    "primaryMetric" TEXT,
    "secondaryMetrics" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "guardrails" JSONB NOT NULL DEFAULT '[]',
    "grossMarginBps" INTEGER NOT NULL DEFAULT 4000,
    "status" "ExperimentStatus" NOT NULL DEFAULT 'draft',
    "startsAt" TIMESTAMP(3),
    "endsAt" TIMESTAMP(3),
    "launchedAt" TIMESTAMP(3),
    "stoppedAt" TIMESTAMP(3),
    "shippedVariant" TEXT,
    "shippedVersion" INTEGER,
    "grantedAt" TIMESTAMP(3),
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "Experiment_shop_key_key" ON "Experiment"("shop", "key");
CREATE INDEX "Experiment_shop_status_idx" ON "Experiment"("shop", "status");

CREATE TABLE "ExperimentVariant" (
    "experimentId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "weight" INTEGER NOT NULL,
    "control" BOOLEAN NOT NULL DEFAULT false,
    "override" JSONB NOT NULL DEFAULT '{}',
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ExperimentVariant_pkey" PRIMARY KEY ("experimentId", "key")
);

ALTER TABLE "ExperimentVariant" ADD CONSTRAINT "ExperimentVariant_experimentId_fkey"
    FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ExperimentAudit" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "experimentId" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "staffId" TEXT,
    "details" JSONB,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentAudit_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ExperimentAudit_shop_experimentId_at_idx" ON "ExperimentAudit"("shop", "experimentId", "at");

CREATE TABLE "ExperimentExposure" (
    "shop" TEXT NOT NULL,
    "experimentId" UUID NOT NULL,
    "customerId" BIGINT NOT NULL,
    "variantKey" TEXT NOT NULL,
    "exposedAt" TIMESTAMP(3) NOT NULL,
    "trigger" TEXT NOT NULL,
    "covariate" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "ExperimentExposure_pkey" PRIMARY KEY ("experimentId", "customerId")
);

CREATE INDEX "ExperimentExposure_shop_customerId_idx" ON "ExperimentExposure"("shop", "customerId");

CREATE TABLE "HoldoutShadowEntry" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "experimentId" UUID NOT NULL,
    "customerId" BIGINT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" "LedgerKind" NOT NULL,
    "points" INTEGER NOT NULL,
    "orderId" BIGINT,
    "programVersion" INTEGER NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HoldoutShadowEntry_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "HoldoutShadowEntry_shop_key_key" ON "HoldoutShadowEntry"("shop", "key");
CREATE INDEX "HoldoutShadowEntry_shop_experimentId_customerId_idx" ON "HoldoutShadowEntry"("shop", "experimentId", "customerId");
