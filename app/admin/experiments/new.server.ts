import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { createExperiment } from "~/experiments/experiments.server";
import { launchExperiment } from "~/experiments/lifecycle.server";
import { LEVERS, LEVER_KEYS } from "~/experiments/levers";
import { METRIC_KEYS } from "~/experiments/metric-keys";
import { shopContext } from "./context.server";
import { METRIC_LABELS } from "./present";
import { shopTraffic } from "./traffic.server";
import { parseJsonField, unreadableForm } from "../form-answers";

// The create flow: what the steps need (the live program for the variants' fields and the
// earning preview, the shop's traffic for the power calculator, the levers and metrics),
// and the create action, which hands the domain's service the experiment the form built
// and answers its 422 field errors as they come (dotted paths the page puts on its fields).

export async function loadNewExperiment(db: PrismaClient, shop: string, now: Date) {
  const [context, traffic] = await Promise.all([shopContext(db, shop), shopTraffic(db, shop, now)]);
  return {
    timeZone: context.timeZone,
    shopName: context.shopName,
    currency: context.currency,
    program: context.live.program,
    programVersion: context.live.version,
    traffic,
    levers: LEVER_KEYS.map((key) => ({ key, label: LEVERS[key].label })),
    metrics: METRIC_KEYS.map((key) => ({ key, label: METRIC_LABELS[key] })),
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
