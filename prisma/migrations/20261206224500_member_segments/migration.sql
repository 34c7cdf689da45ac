-- Segments (issue 15 item 2): per-member RFM scores, segment and cluster, and per-shop runs.
CREATE TYPE "SegmentRunStatus" AS ENUM ('running', 'completed', 'failed');

CREATE TABLE "MemberSegment" (
    "shop" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "segment" TEXT NOT NULL,
    "recencyScore" INTEGER NOT NULL,
    "frequencyScore" INTEGER NOT NULL,
    "monetaryScore" INTEGER NOT NULL,
    "cluster" INTEGER,
    "recencyDays" INTEGER NOT NULL,
    "frequency" INTEGER NOT NULL,
    "monetaryMinor" BIGINT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MemberSegment_pkey" PRIMARY KEY ("shop","customerId")
);

CREATE INDEX "MemberSegment_shop_segment_idx" ON "MemberSegment"("shop", "segment");

CREATE TABLE "SegmentRun" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "status" "SegmentRunStatus" NOT NULL DEFAULT 'running',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "memberCount" INTEGER NOT NULL DEFAULT 0,
    "buyerCount" INTEGER NOT NULL DEFAULT 0,
    "summary" JSONB,
    "error" TEXT,

    CONSTRAINT "SegmentRun_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "SegmentRun_shop_startedAt_idx" ON "SegmentRun"("shop", "startedAt");
