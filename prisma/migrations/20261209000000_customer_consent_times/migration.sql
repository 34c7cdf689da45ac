-- When each marketing consent was last decided, so an older consent never overwrites a newer one.
ALTER TABLE "Customer" ADD COLUMN "emailConsentAt" TIMESTAMP(3), ADD COLUMN "smsConsentAt" TIMESTAMP(3);
