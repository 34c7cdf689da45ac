// A scenario run through the app's experiments (`npm run sim`): the scenario's variants become
// the app's program holdout and one experiment on the lever they differ in, created and
// launched through the experiments service; each buyer gets the program the app's own
// resolution gives them (memberPrograms: the live version, their variant's override, or
// held out) and lives the simulated days under it (app-life.ts); the outcome is analysed
// with the app's statistics, and every variant's measured lift and interval is put next to
// the simulator's true lift.
//
// The true lift is counterfactual: every buyer (not only those assigned to it) lives the same
// days once under each arm's program with the same random numbers, and the metric is computed
// exactly as the analysis does (members exposed in that world, from their exposure on). So it
// is the lift the randomized comparison estimates, on this shop's customers, with Monte Carlo
// noise far below the experiment's own.
import type { PrismaClient } from "../app/db.server";
import { createExperiment, startHoldout } from "../app/experiments/experiments.server";
import { recordExposures } from "../app/experiments/exposure.server";
import { launchExperiment } from "../app/experiments/lifecycle.server";
import { SIMULATOR_STAFF_ID } from "../app/experiments/simulated";
import { analyseExperiment, type MetricInput } from "../app/experiments/stats/analysis";
import type { MeanStats } from "../app/experiments/stats/estimates";
import { memberPrograms } from "../app/loyalty/services/member-program.server";
import { currentProgramVersion, saveProgram } from "../app/loyalty/services/program.server";
import { liveUnderProgram, type LifeContext, type MemberLife, type SimMember } from "./app-life";
import { eraseExperiments } from "./demo-experiments.server";
import { eraseShop } from "./history-app.server";
import { DAY_MS } from "./model/calendar";
import { Rng, hashString } from "./random/rng";
import { customerState } from "./scenario/ground-truth";
import { responder } from "./scenario/respond";
import type { Scenario } from "./scenario/schema";
import { customerBatches, defineShop } from "./shop";
import { appDesign, type AppDesign } from "./app-design";

export interface AppRunOptions {
  days?: number;
  seed?: number;
  /** The shop the experiment is created in (erased first); default `sim-<scenario>.myshopify.com`. */
  shop?: string;
}

export interface ArmSummary {
  key: string;
  /** Buyers the app assigned to the arm, their share and the share the weights promise. */
  assigned: number;
  share: number;
  expectedShare: number;
  exposed: number;
  orders: number;
  netRevenueMinor: number;
  pointsIssued: number;
  redemptions: number;
  rewardCostMinor: number;
}

export interface LiftRow {
  /** `holdout` (the program against no program) or the experiment's key. */
  report: string;
  variant: string;
  control: string;
  metric: string;
  measuredLift: number | null;
  lower: number | null;
  upper: number | null;
  pValue: number | null;
  trueLift: number | null;
  truthInsideInterval: boolean | null;
}

export interface AppExperimentReport {
  scenario: { name: string; seed: number; days: number };
  shop: { domain: string; buyers: number; simulated: number; historyEnd: string };
  design: { holdoutSharePercent: number | null; experiment: { key: string; lever: string } | null };
  arms: ArmSummary[];
  lifts: LiftRow[];
  srm: Array<{ report: string; pValue: number; warning: boolean }>;
  decisions: Array<{ report: string; verdict: string; reasons: string[] }>;
  truthMethod: string;
  elapsedMs: number;
}

const METRICS = [
  { key: "netRevenue", name: "Net revenue per member", of: (l: MemberLife) => l.netRevenueMinor / 100 },
  { key: "orders", name: "Orders per member", of: (l: MemberLife) => l.orders },
] as const;

export async function runScenarioThroughApp(
  db: PrismaClient,
  input: Scenario,
  options: AppRunOptions = {},
): Promise<AppExperimentReport> {
  const started = performance.now();
  const scenario: Scenario =
    options.seed === undefined ? input : { ...input, shop: { ...input.shop, seed: options.seed } };
  const days = options.days ?? scenario.truth.horizonDays;
  const definition = defineShop({ ...scenario.shop, horizonDays: Math.max(scenario.shop.horizonDays, days) });
  const { params, calendar } = definition;
  const seed = params.seed;
  const domain = options.shop ?? `sim-${scenario.name}.myshopify.com`;

  const members: SimMember[] = [];
  let buyers = 0;
  for (const batch of customerBatches(definition)) {
    batch.customers.forEach((c, i) => {
      if (!c.latent.buyer) return;
      buyers += 1;
      if (members.length < scenario.truth.maxCustomers)
        members.push({ index: c.index, id: String(c.id), state: customerState(c, batch.histories[i]!) });
    });
  }

  const design = appDesign(scenario, params.currency);
  const start = new Date(calendar.endMs);
  await createInApp(db, domain, design, start);

  // The app decides who gets what: its assignment and program resolution at the start.
  const resolve = await memberPrograms(db, domain, start);
  const armOf = (customerId: string) => {
    const resolved = resolve(BigInt(customerId));
    if (resolved.heldOut) return { arm: design.holdout!.key, program: resolved.program, heldOut: true };
    const variant = design.experiment
      ? resolved.variants
          .map((q) => design.experiment!.armByQualifiedKey.get(q))
          .find((key) => key !== undefined)
      : undefined;
    return { arm: variant ?? design.control.key, program: resolved.program, heldOut: false };
  };

  const ctx: LifeContext = {
    calendar,
    days,
    seed,
    respond: responder(scenario.response),
    rng: new Rng((seed ^ hashString(`sim:${scenario.name}`)) | 0),
  };
  const messageOf = new Map(scenario.variants.map((v) => [v.key, v.message]));
  const observed = new Map<string, MemberLife[]>(design.arms.map((a) => [a.key, []]));
  const exposures: { customerId: bigint; at: Date }[] = [];
  for (const m of members) {
    const { arm, program, heldOut } = armOf(m.id);
    const life = liveUnderProgram(ctx, m, program, { heldOut, message: messageOf.get(arm) });
    observed.get(arm)!.push(life);
    if (life.firstOrderDay !== null)
      exposures.push({
        customerId: BigInt(m.id),
        at: new Date(start.getTime() + life.firstOrderDay * DAY_MS),
      });
  }
  // The app's exposure on the first order after launch, in each experiment the buyer is in.
  await recordExposures((sql, params) => db.$executeRawUnsafe(sql, ...params), domain, exposures, "order");

  // The truth: every buyer under every arm's program, same random numbers.
  const truth = new Map<string, MemberLife[]>();
  for (const a of design.arms)
    truth.set(
      a.key,
      members.map((m) =>
        liveUnderProgram(ctx, m, a.program, { heldOut: a.heldOut, message: messageOf.get(a.key) }),
      ),
    );

  const lifts: LiftRow[] = [];
  const srm: AppExperimentReport["srm"] = [];
  const decisions: AppExperimentReport["decisions"] = [];
  for (const comparison of design.comparisons) {
    const arms = comparison.arms.map((a) => a.keys.flatMap((k) => observed.get(k)!));
    const exposedOnly = arms.map((lives) => lives.filter((l) => l.firstOrderDay !== null));
    const metrics: MetricInput[] = METRICS.map((metric, i) => ({
      kind: "mean",
      key: metric.key,
      name: metric.name,
      role: i === 0 ? "primary" : "secondary",
      higherIsBetter: true,
      arms: exposedOnly.map((lives) => meanStats(lives.map(metric.of))),
    }));
    const analysis = analyseExperiment({
      variants: comparison.arms.map((a) => a.name),
      weights: comparison.arms.map((a) => a.weight),
      exposed: exposedOnly.map((l) => l.length),
      metrics,
      reachedPlannedEnd: true,
    });
    srm.push({ report: comparison.report, pValue: analysis.srm.pValue, warning: analysis.srm.warning });
    decisions.push({
      report: comparison.report,
      verdict: analysis.decision.verdict,
      reasons: analysis.decision.reasons,
    });
    METRICS.forEach((metric, mi) => {
      const trueMeans = comparison.arms.map((a) => trueMean(a.keys, a.mix, truth, metric.of));
      analysis.metrics[mi]!.variants.forEach((v, vi) => {
        const lift = v.frequentist.ok ? v.frequentist.relative : null;
        const trueLift = trueMeans[0]! > 0 ? trueMeans[vi + 1]! / trueMeans[0]! - 1 : null;
        lifts.push({
          report: comparison.report,
          variant: v.variant,
          control: comparison.arms[0]!.name,
          metric: metric.key,
          measuredLift: lift?.estimate ?? null,
          lower: lift?.lower ?? null,
          upper: lift?.upper ?? null,
          pValue: lift?.pValue ?? null,
          trueLift,
          truthInsideInterval:
            lift && trueLift !== null ? lift.lower <= trueLift && trueLift <= lift.upper : null,
        });
      });
    });
  }

  const simulated = members.length;
  return {
    scenario: { name: scenario.name, seed, days },
    shop: { domain, buyers, simulated, historyEnd: start.toISOString() },
    design: {
      holdoutSharePercent: design.holdout?.sharePercent ?? null,
      experiment: design.experiment
        ? { key: design.experiment.input.key, lever: design.experiment.input.lever }
        : null,
    },
    arms: design.arms.map((a) => {
      const lives = observed.get(a.key)!;
      const sum = (f: (l: MemberLife) => number) => lives.reduce((s, l) => s + f(l), 0);
      return {
        key: a.key,
        assigned: lives.length,
        share: lives.length / Math.max(1, simulated),
        expectedShare: a.share,
        exposed: sum((l) => (l.firstOrderDay === null ? 0 : 1)),
        orders: sum((l) => l.orders),
        netRevenueMinor: sum((l) => l.netRevenueMinor),
        pointsIssued: sum((l) => l.pointsIssued),
        redemptions: sum((l) => l.redemptions),
        rewardCostMinor: sum((l) => l.rewardCostMinor),
      };
    }),
    lifts,
    srm,
    decisions,
    truthMethod:
      "counterfactual: every buyer lives the same days under each arm's program with common random numbers; " +
      "true mean = Σ metric / Σ exposed in that world (a mixed arm mixes its variants by weight)",
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** Erases the shop, saves the control's program as live, starts the holdout and launches the experiment. */
async function createInApp(db: PrismaClient, shop: string, design: AppDesign, start: Date): Promise<void> {
  await eraseExperiments(db, shop);
  if (await db.shop.findUnique({ where: { domain: shop }, select: { domain: true } }))
    await eraseShop(db, shop);
  await db.shop.create({
    data: { domain: shop, name: shop, currencyCode: design.live.currency, ianaTimezone: "UTC" },
  });
  const { version } = await currentProgramVersion(db, shop);
  await saveProgram(db, shop, design.live, {
    basedOn: version,
    createdBy: SIMULATOR_STAFF_ID,
    note: "Scenario control",
  });
  const options = { staffId: SIMULATOR_STAFF_ID, now: start };
  if (design.holdout) {
    const held = await startHoldout(db, shop, { sharePercent: design.holdout.sharePercent }, options);
    if (!held.ok) throw new Error(`startHoldout: ${held.message} ${JSON.stringify(held.fieldErrors)}`);
  }
  if (design.experiment) {
    const created = await createExperiment(db, shop, design.experiment.input, SIMULATOR_STAFF_ID);
    if (!created.ok)
      throw new Error(`createExperiment: ${created.message} ${JSON.stringify(created.fieldErrors)}`);
    const launched = await launchExperiment(db, shop, created.value.id, options);
    if (!launched.ok) throw new Error(`launchExperiment: ${launched.message}`);
  }
}

function meanStats(values: readonly number[]): MeanStats {
  let sum = 0;
  let sumSquares = 0;
  for (const x of values) {
    sum += x;
    sumSquares += x * x;
  }
  return { n: values.length, sum, sumSquares };
}

/** Σ metric / Σ exposed over every buyer in the arm's world; a mixed arm weighs its variants. */
function trueMean(
  keys: readonly string[],
  mix: readonly number[],
  truth: Map<string, MemberLife[]>,
  of: (l: MemberLife) => number,
): number {
  let total = 0;
  let exposed = 0;
  keys.forEach((key, i) => {
    for (const life of truth.get(key)!) {
      if (life.firstOrderDay === null) continue;
      total += mix[i]! * of(life);
      exposed += mix[i]!;
    }
  });
  return exposed > 0 ? total / exposed : 0;
}
