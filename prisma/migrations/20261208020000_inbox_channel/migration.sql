-- The widget inbox: a third campaign channel and an email campaign's fallback for members
-- it may not email (issue 17, app/campaigns/inbox, ADR inbox-channel).
ALTER TABLE "Campaign" ADD COLUMN "inboxFallback" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Campaign" ADD COLUMN "ctaLabel" TEXT;
ALTER TABLE "Campaign" ADD COLUMN "ctaUrl" TEXT;

CREATE TABLE "InboxMessage" (
    "id" UUID NOT NULL,
    "shop" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "sendId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "ctaLabel" TEXT,
    "ctaUrl" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InboxMessage_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "InboxMessage_sendId_key" ON "InboxMessage"("sendId");
CREATE INDEX "InboxMessage_shop_customerId_createdAt_idx" ON "InboxMessage"("shop", "customerId", "createdAt");

ALTER TABLE "InboxMessage" ADD CONSTRAINT "InboxMessage_sendId_fkey" FOREIGN KEY ("sendId") REFERENCES "CampaignSend"("id") ON DELETE CASCADE ON UPDATE CASCADE;
