-- Campaigns measured against control (issue 17 item 5): a campaign owns an experiment of kind
-- `campaign` (holdout + variants), sends record their arm, held-out sends are recorded, and
-- opens and clicks are kept as MessageEvent rows (app/campaigns/measure).
ALTER TYPE "ExperimentKind" ADD VALUE 'campaign';
ALTER TYPE "CampaignSendStatus" ADD VALUE 'heldOut';

ALTER TABLE "Campaign" ADD COLUMN "experimentId" UUID;
CREATE UNIQUE INDEX "Campaign_experimentId_key" ON "Campaign"("experimentId");

ALTER TABLE "CampaignSend" ADD COLUMN "variantKey" TEXT;

CREATE TABLE "MessageEvent" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "campaignId" UUID NOT NULL,
    "sendId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "url" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "agentClass" TEXT NOT NULL,
    "ipHash" TEXT NOT NULL,
    "bot" BOOLEAN NOT NULL DEFAULT false,
    "botReason" TEXT,

    CONSTRAINT "MessageEvent_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "MessageEvent_shop_campaignId_kind_at_idx" ON "MessageEvent"("shop", "campaignId", "kind", "at");
CREATE INDEX "MessageEvent_sendId_kind_idx" ON "MessageEvent"("sendId", "kind");

ALTER TABLE "MessageEvent" ADD CONSTRAINT "MessageEvent_sendId_fkey" FOREIGN KEY ("sendId") REFERENCES "CampaignSend"("id") ON DELETE CASCADE ON UPDATE CASCADE;
