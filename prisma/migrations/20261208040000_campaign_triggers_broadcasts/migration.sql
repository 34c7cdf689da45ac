-- Campaigns: the trigger settings, broadcast audiences and broadcast runs (issue 17, ADR triggers-broadcasts).
ALTER TABLE "Campaign" ADD COLUMN "triggerSettings" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "Campaign" ADD COLUMN "audience" JSONB;

CREATE TYPE "BroadcastStatus" AS ENUM ('scheduled', 'sending', 'sent', 'cancelled');

CREATE TABLE "BroadcastRun" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "campaignId" UUID NOT NULL,
    "status" "BroadcastStatus" NOT NULL DEFAULT 'scheduled',
    "sendAt" TIMESTAMP(3) NOT NULL,
    "audienceCount" INTEGER NOT NULL,
    "queuedCount" INTEGER NOT NULL DEFAULT 0,
    "cursor" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "BroadcastRun_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "BroadcastRun_campaignId_key" ON "BroadcastRun"("campaignId");
CREATE INDEX "BroadcastRun_status_sendAt_idx" ON "BroadcastRun"("status", "sendAt");
CREATE INDEX "BroadcastRun_shop_createdAt_idx" ON "BroadcastRun"("shop", "createdAt");

ALTER TABLE "BroadcastRun" ADD CONSTRAINT "BroadcastRun_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;
