import { Prisma, type PrismaClient } from "~/db.server";
import { savedConditions } from "~/intelligence/segments/audience.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { BUCKETS, freeRange } from "./assignment";
import {
  banditSettings,
  experimentInputSchema,
  fieldErrors,
  holdoutInputSchema,
  type ExperimentDefinition,
} from "./definition";
import { overrideErrors } from "./levers";
import { sweepAfterLaunch } from "./exposure-sweep.server";
import { forgetRunning } from "./running.server";
import { loadSurrogateModel } from "./long-term.server";

// Creating and editing experiments: every way a definition can be wrong becomes a 422 with
// field errors and writes nothing. The lifecycle (launch, pause, stop, ship) is in
// lifecycle.server.ts.

export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; status: 404 | 409 | 422; message: string; fieldErrors: Record<string, string> };

export const unprocessable = (message: string, errors: Record<string, string> = {}) =>
  ({ ok: false, status: 422, message, fieldErrors: errors }) as const;
export const notFound = () =>
  ({ ok: false, status: 404, message: "No such experiment.", fieldErrors: {} }) as const;
export const conflict = (message: string) => ({ ok: false, status: 409, message, fieldErrors: {} }) as const;

export type ExperimentWithVariants = Prisma.ExperimentGetPayload<{ include: { variants: true } }>;

const withVariants = { variants: { orderBy: { position: "asc" as const } } };

export async function getExperiment(db: PrismaClient | Prisma.TransactionClient, shop: string, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  return db.experiment.findFirst({ where: { shop, id }, include: withVariants });
}

/** The shop's experiments (the holdout included), newest first. */
export async function listExperiments(db: PrismaClient, shop: string): Promise<ExperimentWithVariants[]> {
  // A campaign's experiment is read on its campaign's report (app/campaigns/measure).
  return db.experiment.findMany({
    where: { shop, kind: { not: "campaign" } },
    include: withVariants,
    orderBy: { createdAt: "desc" },
  });
}

/** Parses a definition and checks each variant's override against the live program. */
async function validDefinition(
  db: PrismaClient,
  shop: string,
  input: unknown,
): Promise<Outcome<ExperimentDefinition>> {
  const parsed = experimentInputSchema.safeParse(input);
  if (!parsed.success) return unprocessable("Some settings need a fix.", fieldErrors(parsed.error));
  const { audience } = parsed.data;
  if (audience.kind === "segment" && !(await savedConditions(db, shop, audience.segmentId)))
    return unprocessable("Some settings need a fix.", {
      "audience.segmentId": "That segment no longer exists: choose another.",
    });
  const live = (await currentProgramVersion(db, shop)).program;
  const errors: Record<string, string> = {};
  parsed.data.variants.forEach((v, i) => {
    for (const [path, message] of Object.entries(overrideErrors(live, parsed.data.lever, v.key, v.override)))
      errors[`variants.${i}.override.${path}`] = message;
  });
  if (Object.keys(errors).length) return unprocessable("A variant does not make a valid program.", errors);
  if (parsed.data.primaryMetric === "longTermValue") {
    const model = await loadSurrogateModel(db, shop);
    if (!model.ok) return unprocessable(model.reason, { primaryMetric: model.reason });
  }
  return { ok: true, value: parsed.data };
}

function columns(d: ExperimentDefinition) {
  return {
    name: d.name,
    hypothesis: d.hypothesis,
    lever: d.lever,
    audience: d.audience as Prisma.InputJsonObject,
    exposureTrigger: d.exposureTrigger,
    trafficBps: Math.round((d.trafficPercent * BUCKETS) / 100),
    primaryMetric: d.primaryMetric,
    secondaryMetrics: d.secondaryMetrics,
    guardrails: d.guardrails as unknown as Prisma.InputJsonArray,
    grossMarginBps: Math.round(d.grossMarginPercent * 100),
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    bandit: banditSettings(d.bandit) ?? Prisma.DbNull,
  };
}

const variantRows = (d: ExperimentDefinition) =>
  d.variants.map((v, position) => ({
    key: v.key,
    name: v.name,
    weight: v.weight,
    control: v.control,
    override: v.override as Prisma.InputJsonObject,
    position,
  }));

export async function audit(
  db: PrismaClient | Prisma.TransactionClient,
  shop: string,
  experimentId: string,
  action: string,
  staffId: string | null,
  details?: Record<string, unknown>,
  /** When it happened: the caller's clock (a back-dated seed's too), else the database's. */
  at?: Date,
) {
  await db.experimentAudit.create({
    data: {
      shop,
      experimentId,
      action,
      staffId,
      details: details as Prisma.InputJsonObject | undefined,
      ...(at ? { at } : {}),
    },
  });
}

/** A new draft experiment; 422 (nothing written) for any invalid field, a used key included. */
export async function createExperiment(
  db: PrismaClient,
  shop: string,
  input: unknown,
  staffId: string | null = null,
  /** An optimizer's description, stored in the bandit's settings (earn-rate-optimizer.server.ts builds it). */
  extras: { optimizer?: Prisma.InputJsonObject } = {},
): Promise<Outcome<ExperimentWithVariants>> {
  const valid = await validDefinition(db, shop, input);
  if (!valid.ok) return valid;
  const d = valid.value;
  if (await db.experiment.findUnique({ where: { shop_key: { shop, key: d.key } }, select: { id: true } }))
    return unprocessable("Another experiment has this key.", { key: "Another experiment has this key." });
  const created = await db.$transaction(async (tx) => {
    const row = await tx.experiment.create({
      data: {
        shop,
        key: d.key,
        kind: "test",
        salt: `${d.key}-${crypto.randomUUID().slice(0, 8)}`,
        createdBy: staffId,
        ...columns(d),
        ...(extras.optimizer && d.bandit
          ? { bandit: { ...banditSettings(d.bandit)!, optimizer: extras.optimizer } }
          : {}),
        variants: { create: variantRows(d) },
      },
      include: withVariants,
    });
    await audit(tx, shop, row.id, "create", staffId);
    return row;
  });
  return { ok: true, value: created };
}

/** Replaces a draft's definition. A launched experiment's variants cannot change (422). */
export async function updateDraft(
  db: PrismaClient,
  shop: string,
  id: string,
  input: unknown,
  staffId: string | null = null,
): Promise<Outcome<ExperimentWithVariants>> {
  const existing = await getExperiment(db, shop, id);
  if (!existing) return notFound();
  if (existing.status !== "draft" || existing.kind !== "test")
    return unprocessable(
      "Only a draft can be edited: a launched experiment's variants are what its members got.",
      {
        variants: "This experiment has been launched; its variants cannot change.",
      },
    );
  const valid = await validDefinition(db, shop, { ...(input as object), key: existing.key });
  if (!valid.ok) return valid;
  const d = valid.value;
  const updated = await db.$transaction(async (tx) => {
    const claimed = await tx.experiment.updateMany({
      where: { id, shop, status: "draft" },
      data: columns(d),
    });
    if (!claimed.count) return null;
    await tx.experimentVariant.deleteMany({ where: { experimentId: id } });
    await tx.experimentVariant.createMany({ data: variantRows(d).map((v) => ({ ...v, experimentId: id })) });
    await audit(tx, shop, id, "update", staffId);
    return tx.experiment.findUniqueOrThrow({ where: { id }, include: withVariants });
  });
  if (!updated)
    return unprocessable("The experiment was launched meanwhile; its variants cannot change.", {});
  return { ok: true, value: updated };
}

/**
 * Creates and starts the program holdout: `sharePercent` of customers get no program. One
 * per shop at a time (422 while another runs). Its control arm is the holdout (no program),
 * its treatment the program, so its report's lift is what the program adds.
 */
export async function startHoldout(
  db: PrismaClient,
  shop: string,
  input: unknown,
  options: { staffId?: string | null; now?: Date } = {},
): Promise<Outcome<ExperimentWithVariants>> {
  const parsed = holdoutInputSchema.safeParse(input);
  if (!parsed.success) return unprocessable("Some settings need a fix.", fieldErrors(parsed.error));
  const { sharePercent, grossMarginPercent } = parsed.data;
  const now = options.now ?? new Date();
  const staffId = options.staffId ?? null;
  const result = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`experiments:${shop}`}))`;
    const active = await tx.experiment.findFirst({
      where: { shop, kind: "holdout", status: { in: ["running", "paused"] } },
      select: { id: true },
    });
    if (active) return null;
    const n = (await tx.experiment.count({ where: { shop, kind: "holdout" } })) + 1;
    const key = `holdout-${n}`;
    const row = await tx.experiment.create({
      data: {
        shop,
        key,
        kind: "holdout",
        name: "Program holdout",
        hypothesis: "Members with the program buy more, at a better margin, than customers without it.",
        lever: null,
        salt: `${key}-${crypto.randomUUID().slice(0, 8)}`,
        trafficBps: BUCKETS,
        layerStart: 0,
        layerEnd: BUCKETS,
        primaryMetric: "netMargin",
        secondaryMetrics: ["netRevenue", "orders", "conversion", "rewardCost"],
        grossMarginBps: Math.round(grossMarginPercent * 100),
        status: "running",
        launchedAt: now,
        createdBy: staffId,
        variants: {
          create: [
            { key: "holdout", name: "No program", weight: sharePercent, control: true, position: 0 },
            { key: "program", name: "Program", weight: 100 - sharePercent, control: false, position: 1 },
          ],
        },
      },
      include: withVariants,
    });
    await audit(tx, shop, row.id, "launch", staffId, { sharePercent }, now);
    return row;
  });
  forgetRunning(shop);
  // Every member is exposed at the start (the held-out have their metafields marked then).
  if (result) await sweepAfterLaunch(db, shop, now);
  if (!result)
    return unprocessable("A holdout is already running; end it before starting another.", {
      sharePercent: "A holdout is already running.",
    });
  return { ok: true, value: result };
}

/** The free room of a lever's layer for a launch, or null when running experiments fill it. */
export async function layerRange(
  tx: Prisma.TransactionClient,
  shop: string,
  lever: string,
  id: string,
  width: number,
) {
  const taken = await tx.experiment.findMany({
    where: { shop, lever, kind: "test", status: { in: ["running", "paused"] }, NOT: { id } },
    select: { layerStart: true, layerEnd: true },
  });
  return freeRange(
    taken.map((t) => ({ start: t.layerStart ?? 0, end: t.layerEnd ?? 0 })),
    width,
  );
}
