-- Auto-apply with guardrails (issue 16 item 4, ADR 0045): the per-experiment
-- setting (null = off) and the optimizer's last evaluation.
ALTER TABLE "Experiment" ADD COLUMN "autoApply" JSONB;
ALTER TABLE "Experiment" ADD COLUMN "autoApplyCheck" JSONB;
