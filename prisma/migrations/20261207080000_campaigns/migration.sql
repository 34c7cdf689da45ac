-- Campaigns: lifecycle and broadcast messages, their sends and the suppression list
-- (issue 17, app/campaigns, ADR 0046).
CREATE TYPE "CampaignKind" AS ENUM ('trigger', 'broadcast');
CREATE TYPE "CampaignSendStatus" AS ENUM ('queued', 'sent', 'failed', 'suppressed');

CREATE TABLE "Campaign" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "CampaignKind" NOT NULL,
    "trigger" TEXT,
    "channel" TEXT NOT NULL DEFAULT 'email',
    "transactional" BOOLEAN NOT NULL DEFAULT false,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "enabledAt" TIMESTAMP(3),
    "frequencyCapCount" INTEGER,
    "frequencyCapHours" INTEGER,
    "quietStartHour" INTEGER,
    "quietEndHour" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Campaign_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Campaign_shop_kind_enabled_idx" ON "Campaign"("shop", "kind", "enabled");

CREATE TABLE "CampaignSettings" (
    "shop" TEXT NOT NULL,
    "fromEmail" TEXT,
    "fromName" TEXT,
    "smtpHost" TEXT,
    "smtpPort" INTEGER,
    "smtpSecure" BOOLEAN NOT NULL DEFAULT false,
    "smtpUser" TEXT,
    "smtpPasswordCiphertext" TEXT,
    "memberCapCount" INTEGER NOT NULL DEFAULT 3,
    "memberCapDays" INTEGER NOT NULL DEFAULT 7,
    "sendsPerMinute" INTEGER NOT NULL DEFAULT 120,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CampaignSettings_pkey" PRIMARY KEY ("shop")
);

CREATE TABLE "CampaignSend" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "campaignId" UUID NOT NULL,
    "customerId" BIGINT NOT NULL,
    "occurrence" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "transactional" BOOLEAN NOT NULL DEFAULT false,
    "status" "CampaignSendStatus" NOT NULL DEFAULT 'queued',
    "toAddress" TEXT,
    "subject" TEXT,
    "providerMessageId" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sendingSince" TIMESTAMP(3),
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CampaignSend_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "CampaignSend_campaignId_customerId_occurrence_key" ON "CampaignSend"("campaignId", "customerId", "occurrence");
CREATE INDEX "CampaignSend_shop_customerId_sentAt_idx" ON "CampaignSend"("shop", "customerId", "sentAt");
CREATE INDEX "CampaignSend_shop_status_queuedAt_idx" ON "CampaignSend"("shop", "status", "queuedAt");

ALTER TABLE "CampaignSend" ADD CONSTRAINT "CampaignSend_campaignId_fkey"
    FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "CampaignSuppression" (
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CampaignSuppression_pkey" PRIMARY KEY ("shop", "channel", "address")
);
