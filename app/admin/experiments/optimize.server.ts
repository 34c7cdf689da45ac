import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { MAX_CANDIDATES, MIN_CANDIDATES } from "~/experiments/optimizer";
import { launchOptimizer, previewOptimizer, type OptimizerPreview } from "~/experiments/optimizer.server";
import { loadSurrogateModel } from "~/experiments/long-term.server";
import { METRICS } from "~/experiments/metrics";
import { METRIC_KEYS } from "~/experiments/metric-keys";
import { minorUnitsPerMajor } from "~/loyalty/money";
import { unreadableForm } from "../form-answers";
import { shopContext } from "./context.server";
import { METRIC_LABELS } from "./present";

// The threshold optimizer's screen: what to search (the live program's active rewards and
// its tiers above the first), the objectives it may maximise, and the action that previews
// the candidates (with the rule and the warnings) or launches them as a bandit. A spend
// threshold is typed in major units and searched in minor units.

export async function loadOptimizePage(db: PrismaClient, shop: string, url?: URL) {
  const [context, model] = await Promise.all([shopContext(db, shop), loadSurrogateModel(db, shop)]);
  const { program } = context.live;
  // `?reward=<id>` or `?tier=<id>` (the dashboard's recommendations) chooses what to search.
  const reward = url?.searchParams.get("reward");
  const tier = url?.searchParams.get("tier");
  const prefill =
    reward && program.rewards.some((r) => r.active && r.id === reward)
      ? { kind: "rewardCost" as const, targetId: reward }
      : tier && program.tiers.levels.slice(1).some((l) => l.id === tier)
        ? { kind: "tierThreshold" as const, targetId: tier }
        : null;
  return {
    prefill,
    // The long-term objective (ADR 0043) once the shop has a lifetime-value model: loyalty
    // levers pay back over months. Net margin until then.
    defaultObjective: model.ok ? ("longTermValue" as const) : ("netMargin" as const),
    currency: context.currency,
    perMajor: minorUnitsPerMajor(context.currency),
    basis: program.tiers.basis,
    rewards: program.rewards
      .filter((r) => r.active)
      .map((r) => ({ id: r.id, name: r.name, current: r.pointsCost })),
    tiers: program.tiers.levels.slice(1).map((l) => ({ id: l.id, name: l.name, current: l.threshold })),
    objectives: METRIC_KEYS.filter((k) => METRICS[k].kind === "mean" && METRICS[k].higherIsBetter).map(
      (key) => ({ key, label: METRIC_LABELS[key] }),
    ),
    counts: { min: MIN_CANDIDATES, max: MAX_CANDIDATES },
  };
}

const number = z
  .string()
  .trim()
  .transform((s) => (s === "" ? Number.NaN : Number(s)));

const formSchema = z.object({
  intent: z.enum(["preview", "launch"]),
  kind: z.string(),
  targetId: z.string(),
  min: number,
  max: number,
  count: number,
  objective: z.string(),
  trafficPercent: number,
});

export type OptimizeAnswer =
  | { ok: true; intent: "preview"; preview: OptimizerPreview }
  | { ok: true; intent: "launch"; id: string; message: string }
  | { ok: false; status: 400 | 404 | 409 | 422; message: string; fieldErrors: Record<string, string> };

export async function optimizeFromForm(
  db: PrismaClient,
  shop: string,
  form: FormData,
  staffId: string | null,
  now = new Date(),
): Promise<OptimizeAnswer> {
  const parsed = formSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return unreadableForm();
  const f = parsed.data;
  const { program } = (await shopContext(db, shop)).live;
  // Spend thresholds are typed in the currency's major units; the search runs in minor units.
  const scale =
    f.kind === "tierThreshold" && program.tiers.basis === "spend" ? minorUnitsPerMajor(program.currency) : 1;
  const input = {
    kind: f.kind,
    targetId: f.targetId,
    min: Math.round(f.min * scale),
    max: Math.round(f.max * scale),
    count: f.count,
    objective: f.objective,
    trafficPercent: f.trafficPercent,
  };
  if (f.intent === "preview") {
    const preview = await previewOptimizer(db, shop, input, now);
    return preview.ok ? { ok: true, intent: "preview", preview: preview.value } : preview;
  }
  const launched = await launchOptimizer(db, shop, input, { staffId, now });
  if (!launched.ok) return launched;
  return { ok: true, intent: "launch", id: launched.value.id, message: "Threshold search launched" };
}
