import type { Prisma, PrismaClient } from "~/db.server";
import type { ExperimentStatus } from "~/generated/prisma/enums";
import { applyOverrides } from "~/loyalty/member-program";
import { currentProgramVersion, programAtVersion, saveProgram } from "~/loyalty/services/program.server";
import { qualifiedKey } from "./assignment";
import {
  audit,
  conflict,
  getExperiment,
  layerRange,
  notFound,
  unprocessable,
  type ExperimentWithVariants,
  type Outcome,
} from "./experiments.server";
import { metafieldArms, sweepAfterLaunch, tolerateRedis } from "./exposure-sweep.server";
import { loadSurrogateModel } from "./long-term.server";
import { forgetRunning } from "./running.server";
import { enqueueMetafieldSync } from "~/jobs/producers.server";

// Launch, pause, stop and ship. Each is conditional on the status it expects (an update
// WHERE status IN ...), so two clicks or two staff never act twice, and asking for the
// state an experiment is already in answers ok without writing: every step is idempotent.
// A launch or resume records the exposures due at once (exposure-sweep.server.ts). When the
// holdout or an experiment on tiers changes state, the members whose tier perk changes with
// it have their metafields (what the checkout's discount function reads) marked and the
// sync job enqueued; Shopify is never called from the request.

type Options = {
  staffId?: string | null;
  now?: Date;
  /** Recorded with the step's audit entry (the optimizer's rule and statistics, auto-apply.server.ts). */
  details?: Record<string, unknown>;
};

const changesPerks = (e: { kind: string; lever: string | null }) =>
  e.kind === "holdout" || e.lever === "tiers";

/**
 * Marks the metafields of the members whose perks change with `e`'s state: its exposed
 * members in the arms that differ from the live program (the held-out, a tiers variant's).
 * Members exposed later are marked by the sweep that exposes them.
 */
async function markMetafields(tx: Prisma.TransactionClient, e: ExperimentWithVariants) {
  if (!changesPerks(e)) return;
  const arms = [...metafieldArms({ ...e, variants: e.variants.map(toAssignable) })];
  await tx.$executeRaw`
    UPDATE "Member" m SET "metafieldsDirty" = true
    FROM "ExperimentExposure" x
    WHERE x."shop" = ${e.shop} AND x."experimentId" = ${e.id}::uuid AND x."variantKey" = ANY(${arms}::text[])
      AND m."shop" = x."shop" AND m."customerId" = x."customerId"`;
}

const toAssignable = (v: ExperimentWithVariants["variants"][number]) => ({
  ...v,
  override: (v.override ?? {}) as Record<string, unknown>,
});

/** Every member's metafields: a shipped or reverted tiers variant changes the live tiers. */
async function markAllMetafields(db: PrismaClient, e: ExperimentWithVariants) {
  if (e.lever !== "tiers") return;
  await db.member.updateMany({ where: { shop: e.shop }, data: { metafieldsDirty: true } });
  await tolerateRedis(e.shop, () => enqueueMetafieldSync(e.shop));
}

async function transition(
  db: PrismaClient,
  shop: string,
  id: string,
  from: ExperimentStatus[],
  to: ExperimentStatus,
  options: Options,
  extra: (
    tx: Prisma.TransactionClient,
    e: ExperimentWithVariants,
  ) => Promise<Outcome<Prisma.ExperimentUpdateManyMutationInput>>,
): Promise<Outcome<ExperimentWithVariants>> {
  let changed = false;
  const outcome = await db.$transaction(async (tx): Promise<Outcome<ExperimentWithVariants>> => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`experiments:${shop}`}))`;
    const e = await getExperiment(tx, shop, id);
    if (!e) return notFound();
    if (e.status === to) return { ok: true, value: e };
    if (!from.includes(e.status)) return conflict(`The experiment is ${e.status}; it cannot be ${verb[to]}.`);
    const data = await extra(tx, e);
    if (!data.ok) return data;
    await tx.experiment.updateMany({
      where: { id, shop, status: { in: from } },
      data: { ...data.value, status: to },
    });
    await audit(tx, shop, id, verb[to]!, options.staffId ?? null, options.details, options.now);
    await markMetafields(tx, e);
    changed = true;
    return { ok: true, value: (await getExperiment(tx, shop, id))! };
  });
  forgetRunning(shop);
  if (changed && outcome.ok) {
    if (to === "running") await sweepAfterLaunch(db, shop, options.now ?? new Date());
    if (changesPerks(outcome.value)) await tolerateRedis(shop, () => enqueueMetafieldSync(shop));
  }
  return outcome;
}

const verb: Record<ExperimentStatus, string> = {
  draft: "drafted",
  running: "launched",
  paused: "paused",
  stopped: "stopped",
  shipped: "shipped",
};

/**
 * Starts a draft (or resumes a paused experiment). 422 without a primary metric, with the
 * long-term value as primary metric while the shop has no lifetime-value model, or when
 * the running experiments on its lever leave too little of the layer's traffic.
 */
export function launchExperiment(db: PrismaClient, shop: string, id: string, options: Options = {}) {
  return transition(db, shop, id, ["draft", "paused"], "running", options, async (tx, e) => {
    if (e.kind === "test" && !e.primaryMetric)
      return unprocessable("Choose a primary metric before launching.", {
        primaryMetric: "Choose a primary metric.",
      });
    if (e.primaryMetric === "longTermValue") {
      const model = await loadSurrogateModel(tx, shop);
      if (!model.ok) return unprocessable(model.reason, { primaryMetric: model.reason });
    }
    if (e.status === "paused" || e.kind === "holdout") return { ok: true, value: {} };
    const range = await layerRange(tx, shop, e.lever!, e.id, e.trafficBps);
    if (!range)
      return unprocessable(
        "Running experiments on this lever leave too little traffic: they would overlap.",
        {
          trafficPercent: "Running experiments on this lever already take this traffic.",
        },
      );
    return {
      ok: true,
      value: { layerStart: range.start, layerEnd: range.end, launchedAt: options.now ?? new Date() },
    };
  });
}

/** Freezes a running experiment: its members get the live program until it resumes. */
export function pauseExperiment(db: PrismaClient, shop: string, id: string, options: Options = {}) {
  return transition(db, shop, id, ["running"], "paused", options, async () => ({ ok: true, value: {} }));
}

/** Ends an experiment (or the holdout): everyone gets the live program again. */
export function stopExperiment(db: PrismaClient, shop: string, id: string, options: Options = {}) {
  return transition(db, shop, id, ["running", "paused"], "stopped", options, async () => ({
    ok: true,
    value: { stoppedAt: options.now ?? new Date() },
  }));
}

const shipNote = (e: { key: string }, variant: string) => `Shipped experiment ${e.key}, variant ${variant}`;

/**
 * Ends a test and saves its variant's override as the next program version (audited: the
 * version names the staff member and the experiment; revert with `revertShip`). Shipping
 * the same variant again answers the same version; a crash between the two writes is
 * completed by the next call, which finds the version by its note.
 */
export async function shipExperiment(
  db: PrismaClient,
  shop: string,
  id: string,
  variantKey: string,
  options: Options = {},
): Promise<Outcome<ExperimentWithVariants>> {
  const e = await getExperiment(db, shop, id);
  if (!e) return notFound();
  const variant = e.variants.find((v) => v.key === variantKey);
  if (e.kind !== "test" || !variant)
    return unprocessable("Choose one of the experiment's variants to ship.", {
      variant: "Choose a variant.",
    });
  if (e.status === "shipped" && e.shippedVariant !== variantKey)
    return conflict(`Variant ${e.shippedVariant} was shipped already.`);
  if (e.status === "shipped" && e.shippedVersion !== null) return { ok: true, value: e };
  const claimed = await transition(
    db,
    shop,
    id,
    ["running", "paused", "stopped"],
    "shipped",
    options,
    async () => ({
      ok: true,
      value: { shippedVariant: variantKey, stoppedAt: e.stoppedAt ?? options.now ?? new Date() },
    }),
  );
  if (!claimed.ok) return claimed;
  const note = shipNote(e, variantKey);
  const existing = await db.programVersion.findFirst({ where: { shop, note }, select: { version: true } });
  let version = existing?.version;
  if (version === undefined) {
    const live = await currentProgramVersion(db, shop);
    const program = applyOverrides(live.program, [
      { variantKey: qualifiedKey(e.key, variantKey), patch: variant.override as Record<string, unknown> },
    ]);
    version = (
      await saveProgram(db, shop, program, {
        basedOn: live.version,
        createdBy: options.staffId ?? null,
        note,
      })
    ).version;
    await markAllMetafields(db, e);
  }
  await db.experiment.updateMany({
    where: { id, shop, status: "shipped" },
    data: { shippedVersion: version },
  });
  return { ok: true, value: (await getExperiment(db, shop, id))! };
}

/** Saves the program as it was before a shipped experiment's version as the next version. */
export async function revertShip(
  db: PrismaClient,
  shop: string,
  id: string,
  options: Options = {},
): Promise<Outcome<number>> {
  const e = await getExperiment(db, shop, id);
  if (!e) return notFound();
  if (e.status !== "shipped" || e.shippedVersion === null)
    return conflict("Only a shipped experiment can be reverted.");
  const note = `Reverted ${shipNote(e, e.shippedVariant ?? "")}`;
  const done = await db.programVersion.findFirst({ where: { shop, note }, select: { version: true } });
  if (done) return { ok: true, value: done.version };
  const before = await programAtVersion(db, shop, e.shippedVersion - 1);
  if (!before) return conflict("The version before the shipped one is gone.");
  const live = await currentProgramVersion(db, shop);
  const saved = await saveProgram(db, shop, before, {
    basedOn: live.version,
    createdBy: options.staffId ?? null,
    note,
  });
  await markAllMetafields(db, e);
  await audit(db, shop, id, "revert", options.staffId ?? null, { version: saved.version });
  return { ok: true, value: saved.version };
}
