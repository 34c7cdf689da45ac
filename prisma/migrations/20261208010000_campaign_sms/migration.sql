-- Campaigns over SMS and through other providers (issue 17, app/campaigns, ADR sms-providers):
-- the SMS text of a campaign, the provider settings per channel, and inbound STOP/START keywords.
ALTER TABLE "Campaign" ADD COLUMN "smsBody" TEXT;

ALTER TABLE "CampaignSettings" ADD COLUMN "emailProvider" TEXT NOT NULL DEFAULT 'smtp',
    ADD COLUMN "smsProvider" TEXT NOT NULL DEFAULT 'twilio',
    ADD COLUMN "klaviyoApiKeyCiphertext" TEXT,
    ADD COLUMN "twilioAccountSid" TEXT,
    ADD COLUMN "twilioAuthTokenCiphertext" TEXT,
    ADD COLUMN "twilioFrom" TEXT;

CREATE TABLE "CampaignInboundSms" (
    "shop" TEXT NOT NULL,
    "messageSid" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "customerId" BIGINT,
    "keyword" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CampaignInboundSms_pkey" PRIMARY KEY ("shop","messageSid")
);

CREATE INDEX "CampaignInboundSms_shop_phone_idx" ON "CampaignInboundSms"("shop", "phone");
