-- Send time and channel choice (issue 17 item 6, app/campaigns/send-time, ADR sendtime-choice).
ALTER TABLE "Campaign" ADD COLUMN "sendTime" TEXT NOT NULL DEFAULT 'immediate';

CREATE TABLE "MemberSendTime" (
    "shop" TEXT NOT NULL,
    "customerId" BIGINT NOT NULL,
    "hour" INTEGER NOT NULL,
    "hourSource" TEXT NOT NULL,
    "hourReason" TEXT NOT NULL,
    "channel" TEXT,
    "channels" TEXT[],
    "channelSource" TEXT NOT NULL,
    "channelReason" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MemberSendTime_pkey" PRIMARY KEY ("shop","customerId")
);
