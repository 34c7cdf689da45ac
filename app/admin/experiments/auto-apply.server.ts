import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { staffLabel } from "~/admin/components/staff";
import { OPTIMIZER_STAFF_ID } from "~/experiments/auto-apply";
import { setAutoApply } from "~/experiments/auto-apply.server";
import { storedBandit } from "~/experiments/bandit.server";
import type { ExperimentWithVariants } from "~/experiments/experiments.server";
import { staffNames } from "~/shopify/staff.server";
import { unreadableForm } from "../form-answers";
import { presentAutoApply, type AutoApplyView } from "./auto-apply-present";
import type { LifecycleAnswer } from "./detail.server";

// The report's auto-apply card: its state and history from the experiment and its audit, and
// the form that turns it on (with its settings) or off. The optimizer's own steps (ship, pause)
// are audited by the lifecycle with the rule and the statistics (app/experiments/auto-apply.server.ts).

const AUTO_APPLY_ACTIONS = ["auto-apply on", "auto-apply off", "revert"];

export async function loadAutoApply(
  db: PrismaClient,
  shop: string,
  e: ExperimentWithVariants,
  variants: { key: string; name: string; control: boolean; change: string }[],
  when: (d: Date) => string,
): Promise<AutoApplyView> {
  const rows = await db.experimentAudit.findMany({
    where: {
      shop,
      experimentId: e.id,
      OR: [{ action: { in: AUTO_APPLY_ACTIONS } }, { staffId: OPTIMIZER_STAFF_ID }],
    },
    orderBy: { at: "desc" },
    take: 50,
  });
  const names = await staffNames(
    db,
    shop,
    rows.map((r) => r.staffId),
  );
  return presentAutoApply({
    experiment: { ...e, guardrails: (e.guardrails as { metric: string; threshold: number }[]) ?? [] },
    cadenceMinutes: storedBandit(e.bandit).cadenceMinutes,
    variants,
    audit: rows.map((r) => ({
      id: r.id.toString(),
      action: r.action,
      staffId: r.staffId,
      staff: r.staffId ? staffLabel(r.staffId, names) : null,
      at: when(r.at),
      details: (r.details as Record<string, unknown> | null) ?? null,
    })),
    when: (iso) => when(new Date(iso)),
  });
}

const autoApplyForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("auto-apply-off") }),
  z.object({
    intent: z.literal("auto-apply-on"),
    probabilityBestPercent: z.string().max(20).optional(),
    holdHours: z.string().max(20).optional(),
    minMembersPerArm: z.string().max(20).optional(),
    minDays: z.string().max(20).optional(),
  }),
]);

export const isAutoApplyIntent = (form: FormData) =>
  String(form.get("intent") ?? "").startsWith("auto-apply");

/** Turns auto-apply on or off from the card's form (400 unreadable, 404, 409 ended, 422 settings). */
export async function autoApplyFromForm(
  db: PrismaClient,
  shop: string,
  id: string,
  form: FormData,
  staffId: string | null,
  now = new Date(),
): Promise<LifecycleAnswer> {
  const parsed = autoApplyForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) return unreadableForm();
  const f = parsed.data;
  const fields =
    f.intent === "auto-apply-on"
      ? Object.fromEntries(
          Object.entries(f).filter(([k, v]) => k !== "intent" && typeof v === "string" && v.trim() !== ""),
        )
      : {};
  const outcome = await setAutoApply(
    db,
    shop,
    id,
    f.intent === "auto-apply-on" ? { enabled: true, ...fields } : { enabled: false },
    { staffId, now },
  );
  if (!outcome.ok) return outcome;
  return {
    ok: true,
    intent: f.intent,
    message: f.intent === "auto-apply-on" ? "Auto-apply is on for this experiment" : "Auto-apply is off",
  };
}

export interface AutoApplyNotice {
  experimentId: string;
  tone: "success" | "critical";
  text: string;
}

/** The experiments list's banners: what the optimizer shipped (not reverted) and what it paused (still paused). */
export async function autoApplyNotices(
  db: PrismaClient,
  shop: string,
  experiments: ExperimentWithVariants[],
): Promise<AutoApplyNotice[]> {
  const acted = await db.experimentAudit.findMany({
    where: {
      shop,
      OR: [{ staffId: OPTIMIZER_STAFF_ID, action: { in: ["shipped", "paused"] } }, { action: "revert" }],
    },
    select: { experimentId: true, action: true },
  });
  const did = (id: string, action: string) => acted.some((a) => a.experimentId === id && a.action === action);
  const notices: AutoApplyNotice[] = [];
  for (const e of experiments) {
    const variant = e.variants.find((v) => v.key === e.shippedVariant)?.name ?? e.shippedVariant;
    if (e.status === "shipped" && did(e.id, "shipped") && !did(e.id, "revert"))
      notices.push({
        experimentId: e.id,
        tone: "success",
        text: `The optimizer shipped ${variant} of “${e.name}” as program version ${e.shippedVersion}.`,
      });
    const check = e.autoApplyCheck as { action?: string; reasons?: string[] } | null;
    if (e.status === "paused" && did(e.id, "paused") && check?.action === "block")
      notices.push({
        experimentId: e.id,
        tone: "critical",
        text: `The optimizer paused “${e.name}”: ${(check.reasons ?? []).join(" ")}`,
      });
  }
  return notices;
}
