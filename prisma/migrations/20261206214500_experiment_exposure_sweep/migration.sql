-- Exposure at assignment (ADR 0020, amended): the trigger is chosen per experiment and the
-- sweep keeps a watermark. Experiments that exposed on orders keep their rows.
ALTER TABLE "Experiment" ADD COLUMN "exposureTrigger" TEXT NOT NULL DEFAULT 'assignment';
ALTER TABLE "Experiment" ADD COLUMN "exposedThrough" TIMESTAMP(3);
