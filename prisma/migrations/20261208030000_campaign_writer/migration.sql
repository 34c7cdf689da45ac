-- The campaigns' AI writer (issue 17 item 4): a brief and who wrote the copy per campaign,
-- send-time personalisation, the shop's brand voice and monthly AI cost cap, the month's
-- usage, and the cache of personal lines per context bucket.
ALTER TABLE "Campaign" ADD COLUMN "brief" TEXT NOT NULL DEFAULT '',
ADD COLUMN "writtenBy" TEXT NOT NULL DEFAULT 'hand',
ADD COLUMN "personalize" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "CampaignSettings" ADD COLUMN "brandTone" TEXT NOT NULL DEFAULT 'friendly',
ADD COLUMN "brandVoice" TEXT NOT NULL DEFAULT '',
ADD COLUMN "aiMonthlyCapMicros" INTEGER NOT NULL DEFAULT 5000000;

CREATE TABLE "CampaignAiUsage" (
    "shop" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "promptTokens" INTEGER NOT NULL DEFAULT 0,
    "completionTokens" INTEGER NOT NULL DEFAULT 0,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CampaignAiUsage_pkey" PRIMARY KEY ("shop","month")
);

CREATE TABLE "CampaignPersonalLine" (
    "shop" TEXT NOT NULL,
    "campaignId" UUID NOT NULL,
    "contentVersion" TEXT NOT NULL,
    "bucket" TEXT NOT NULL,
    "line" TEXT NOT NULL,
    "writtenBy" TEXT NOT NULL,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CampaignPersonalLine_pkey" PRIMARY KEY ("campaignId","contentVersion","bucket")
);

CREATE INDEX "CampaignPersonalLine_shop_idx" ON "CampaignPersonalLine"("shop");

ALTER TABLE "CampaignPersonalLine" ADD CONSTRAINT "CampaignPersonalLine_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;
