-- Per-provider send rates (issue 17 item 7): sends per minute through the shop's SMTP
-- server, Klaviyo account and Twilio account; null keeps the provider's default.
ALTER TABLE "CampaignSettings" ADD COLUMN "smtpSendsPerMinute" INTEGER;
ALTER TABLE "CampaignSettings" ADD COLUMN "klaviyoSendsPerMinute" INTEGER;
ALTER TABLE "CampaignSettings" ADD COLUMN "twilioSendsPerMinute" INTEGER;
