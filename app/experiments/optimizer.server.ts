import { Prisma, type PrismaClient } from "~/db.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import type { Program } from "~/loyalty/program";
import { fieldErrors } from "./definition";
import {
  createExperiment,
  unprocessable,
  type ExperimentWithVariants,
  type Outcome,
} from "./experiments.server";
import { launchExperiment } from "./lifecycle.server";
import { METRICS } from "./metrics";
import {
  OPTIMIZER_BANDIT,
  optimizerInputSchema,
  optimizerVariants,
  proposeCandidates,
  rangeErrors,
  targetBounds,
  thresholdFormatter,
  type OptimizerRequest,
  type OptimizerSettings,
} from "./optimizer";

// The threshold optimizer's service (optimizer.ts decides): it reads the shop's own
// distribution of what members earn or spend per period and its largest order, proposes the
// candidates, and creates and launches them as a bandit experiment on the primary metric
// (the objective). Every bad range is a 422 that writes nothing.

const DAY_MS = 86_400_000;
/** The period the distribution covers: a year, for a reward's cost and a tier's threshold alike. */
const WINDOW_DAYS = 365;

export type OptimizerPreview = {
  request: OptimizerRequest;
  target: {
    name: string;
    current: number;
    lower: number;
    upper: number;
    unit: "points" | "money" | "orders";
  };
  candidates: { value: number; label: string; reachedBy: number }[];
  rule: OptimizerSettings["rule"];
  membersInRange: number;
  members: number;
  /** What the distribution is, in words (the rule is explained beside it). */
  distribution: string;
  warnings: string[];
};

/**
 * Per member, the value the target is measured against over the last 12 months: points earned
 * (a reward cost: a reward is a goal members save for over months), or what the tier's basis
 * counts (a tier threshold), zeros
 * left out (members who earn nothing cannot inform where a threshold should sit).
 */
async function memberValues(
  db: PrismaClient,
  shop: string,
  kind: OptimizerRequest["kind"],
  live: Program,
  asOf: Date,
): Promise<{ values: number[]; distribution: string }> {
  const basis = kind === "rewardCost" ? "points" : live.tiers.basis;
  if (basis === "points") {
    const rows = await db.$queryRaw<{ v: number }[]>`
      SELECT sum(points)::float8 AS v FROM "LedgerEntry"
      WHERE shop = ${shop} AND kind IN ('earn', 'bonus') AND points > 0
        AND "occurredAt" > ${new Date(asOf.getTime() - WINDOW_DAYS * DAY_MS)} AND "occurredAt" <= ${asOf}
      GROUP BY "customerId"`;
    return {
      values: rows.map((r) => Math.round(r.v)),
      distribution: "points each member earned over the last 12 months",
    };
  }
  const since = new Date(asOf.getTime() - WINDOW_DAYS * DAY_MS);
  const rows = await db.$queryRaw<{ v: number }[]>`
    SELECT (${basis === "spend" ? Prisma.sql`sum("totalMinor")` : Prisma.sql`count(*)`})::float8 AS v
    FROM "Order"
    WHERE shop = ${shop} AND "customerId" IS NOT NULL AND NOT test AND "cancelledAt" IS NULL
      AND coalesce("processedAt", "shopifyCreatedAt") > ${since}
      AND coalesce("processedAt", "shopifyCreatedAt") <= ${asOf}
    GROUP BY "customerId"`;
  return {
    values: rows.map((r) => Math.round(r.v)),
    distribution:
      basis === "spend"
        ? "what each member spent over the last 12 months"
        : "orders each member placed over the last 12 months",
  };
}

/** The largest order any customer placed (minor units), or null without orders. */
async function largestOrderMinor(db: PrismaClient, shop: string): Promise<number | null> {
  const [row] = await db.$queryRaw<{ v: number | null }[]>`
    SELECT max("totalMinor")::float8 AS v FROM "Order" WHERE shop = ${shop} AND NOT test AND "cancelledAt" IS NULL`;
  return row?.v ?? null;
}

/** The candidates the optimizer would test, with the rule and warnings; 422 for a bad range. */
export async function previewOptimizer(
  db: PrismaClient,
  shop: string,
  input: unknown,
  asOf = new Date(),
): Promise<Outcome<OptimizerPreview>> {
  const parsed = optimizerInputSchema.safeParse(input);
  if (!parsed.success) return unprocessable("Some settings need a fix.", fieldErrors(parsed.error));
  const request = parsed.data;
  const live = (await currentProgramVersion(db, shop)).program;
  const bounds = targetBounds(live, request.kind, request.targetId);
  if (!bounds.ok) return unprocessable(bounds.message, { targetId: bounds.message });
  const format = thresholdFormatter(bounds.unit, live.currency);
  const errors = rangeErrors(bounds, request, format);
  if (Object.keys(errors).length)
    return unprocessable("The range is outside what this threshold allows.", errors);

  const { values, distribution } = await memberValues(db, shop, request.kind, live, asOf);
  const proposal = proposeCandidates(values, request.min, request.max, request.count);
  const reachedBy = (c: number) => (values.length ? values.filter((v) => v >= c).length / values.length : 0);
  const warnings: string[] = [];
  const largest = await largestOrderMinor(db, shop);
  // The largest order in the target's unit: its value, or the points it earned at the live rate.
  const largestInUnit =
    largest === null
      ? null
      : bounds.unit === "money"
        ? largest
        : bounds.unit === "points"
          ? Math.floor((largest / 100) * live.earning.pointsPerCurrencyUnit)
          : null;
  const above = largestInUnit === null ? [] : proposal.candidates.filter((c) => c > largestInUnit);
  if (above.length)
    warnings.push(
      `${above.map(format).join(", ")} ${above.length === 1 ? "is" : "are"} above the largest order a customer ever placed ` +
        `(${bounds.unit === "money" ? format(largest!) : `${format(largestInUnit!)}, what that order earned`}): no single order reaches ${above.length === 1 ? "it" : "them"}.`,
    );
  if (proposal.rule === "even")
    warnings.push(
      `Only ${proposal.membersInRange} members fall inside the range, too few for quantiles: the candidates are evenly spaced.`,
    );
  return {
    ok: true,
    value: {
      request,
      target: {
        name: bounds.name,
        current: bounds.current,
        lower: bounds.lower,
        upper: bounds.upper,
        unit: bounds.unit,
      },
      candidates: proposal.candidates.map((value) => ({
        value,
        label: format(value),
        reachedBy: reachedBy(value),
      })),
      rule: proposal.rule,
      membersInRange: proposal.membersInRange,
      members: values.length,
      distribution,
      warnings,
    },
  };
}

/** The bandit experiment's definition for a previewed search. */
export function optimizerExperimentInput(live: Program, preview: OptimizerPreview, suffix: string) {
  const { request, target } = preview;
  const format = thresholdFormatter(target.unit, live.currency);
  const candidates = preview.candidates.map((c) => c.value);
  const optimizer: OptimizerSettings =
    request.kind === "rewardCost"
      ? {
          kind: "rewardCost",
          rewardId: request.targetId,
          min: request.min,
          max: request.max,
          current: target.current,
          candidates,
          rule: preview.rule,
        }
      : {
          kind: "tierThreshold",
          tierId: request.targetId,
          min: request.min,
          max: request.max,
          current: target.current,
          candidates,
          rule: preview.rule,
        };
  const what = request.kind === "rewardCost" ? `${target.name} cost` : `${target.name} threshold`;
  const slug = request.targetId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 20);
  return {
    key: `optimize-${slug || "target"}-${suffix}`.slice(0, 40),
    name: `Optimise the ${what}`,
    hypothesis: `Searches ${format(request.min)} to ${format(request.max)} for the ${what} that earns most ${METRICS[request.objective].name.toLowerCase()} per member.`,
    lever: request.kind === "rewardCost" ? ("rewards" as const) : ("tiers" as const),
    trafficPercent: request.trafficPercent,
    primaryMetric: request.objective,
    secondaryMetrics: (["netRevenue", "rewardCost", "orders"] as const).filter(
      (m) => m !== request.objective,
    ),
    variants: optimizerVariants(
      live,
      { kind: request.kind, targetId: request.targetId, current: target.current },
      candidates,
      format,
    ),
    bandit: { ...OPTIMIZER_BANDIT, cadenceMinutes: request.cadenceMinutes, optimizer },
  };
}

/** Creates and launches the search as a bandit; a launch that fails removes the draft again. */
export async function launchOptimizer(
  db: PrismaClient,
  shop: string,
  input: unknown,
  options: { staffId?: string | null; now?: Date } = {},
): Promise<Outcome<ExperimentWithVariants>> {
  const now = options.now ?? new Date();
  const preview = await previewOptimizer(db, shop, input, now);
  if (!preview.ok) return preview;
  const live = (await currentProgramVersion(db, shop)).program;
  const suffix = crypto.randomUUID().slice(0, 6);
  const created = await createExperiment(
    db,
    shop,
    optimizerExperimentInput(live, preview.value, suffix),
    options.staffId ?? null,
  );
  if (!created.ok) return created;
  const launched = await launchExperiment(db, shop, created.value.id, {
    staffId: options.staffId ?? undefined,
    now,
  });
  if (!launched.ok) {
    await db.$transaction([
      db.experimentAudit.deleteMany({ where: { shop, experimentId: created.value.id } }),
      db.experiment.deleteMany({ where: { shop, id: created.value.id, status: "draft" } }),
    ]);
    return launched;
  }
  return launched;
}
