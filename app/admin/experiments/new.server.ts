import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { createExperiment } from "~/experiments/experiments.server";
import { launchExperiment } from "~/experiments/lifecycle.server";
import { LEVERS, LEVER_KEYS } from "~/experiments/levers";
import { METRIC_KEYS } from "~/experiments/metric-keys";
import { listSavedSegments } from "~/intelligence/segments/saved.server";
import { shopContext } from "./context.server";
import type { Prefill } from "./form";
import { METRIC_LABELS } from "./present";
import { shopTraffic } from "./traffic.server";
import { parseJsonField, unreadableForm } from "../form-answers";

// The create flow: what the steps need (the live program for the variants' fields and the
// earning preview, the shop's traffic for the power calculator, the levers and metrics),
// and the create action, which hands the domain's service the experiment the form built
// and answers its 422 field errors as they come (dotted paths the page puts on its fields).

const prefillSchema = z.object({
  lever: z.enum(LEVER_KEYS),
  treatment: z
    .object({
      pointsPerCurrencyUnit: z.string(),
      signupBonus: z.string(),
      rewardCosts: z.record(z.string(), z.string()),
      tierThresholds: z.record(z.string(), z.string()),
      tierMultipliers: z.record(z.string(), z.string()),
      expiryPolicy: z.enum(["none", "inactivity", "fixedAge"]),
      expiryDays: z.string(),
    })
    .partial(),
});

/** `?lever=…&treatment=<json>` from the program pages, or null when absent or unreadable. */
export function prefillFrom(url: URL): Prefill | null {
  const lever = url.searchParams.get("lever");
  if (!lever) return null;
  const parsed = prefillSchema.safeParse({
    lever,
    treatment: parseJsonField(url.searchParams.get("treatment") ?? "{}") ?? {},
  });
  return parsed.success ? parsed.data : null;
}

export async function loadNewExperiment(db: PrismaClient, shop: string, now: Date, url?: URL) {
  const [context, traffic, segments] = await Promise.all([
    shopContext(db, shop),
    shopTraffic(db, shop, now),
    listSavedSegments(db, shop),
  ]);
  return {
    timeZone: context.timeZone,
    shopName: context.shopName,
    currency: context.currency,
    program: context.live.program,
    programVersion: context.live.version,
    traffic,
    segments: segments
      .filter((s) => s.conditions)
      .map((s) => ({ id: s.id, name: s.name, matching: s.matching })),
    levers: LEVER_KEYS.map((key) => ({ key, label: LEVERS[key].label })),
    metrics: METRIC_KEYS.map((key) => ({ key, label: METRIC_LABELS[key] })),
    prefill: url ? prefillFrom(url) : null,
  };
}

const submission = z.object({
  intent: z.enum(["draft", "launch"]),
  experiment: z.string().max(200_000),
});

export type CreateAnswer =
  | { ok: true; id: string; launched: boolean; message: string }
  | { ok: false; status: 400 | 404 | 409 | 422; message: string; fieldErrors: Record<string, string> };

export async function createFromForm(
  db: PrismaClient,
  shop: string,
  form: FormData,
  staffId: string | null,
  now = new Date(),
): Promise<CreateAnswer> {
  const parsed = submission.safeParse(Object.fromEntries(form));
  const input = parsed.success ? parseJsonField(parsed.data.experiment) : undefined;
  if (!parsed.success || input === undefined) return unreadableForm();
  const created = await createExperiment(db, shop, input, staffId);
  if (!created.ok) return created;
  const id = created.value.id;
  if (parsed.data.intent === "draft")
    return { ok: true, id, launched: false, message: "Experiment saved as a draft" };
  const launched = await launchExperiment(db, shop, id, { staffId, now });
  return launched.ok
    ? { ok: true, id, launched: true, message: "Experiment launched" }
    : { ok: true, id, launched: false, message: `Saved as a draft, not launched: ${launched.message}` };
}
