import type { PrismaClient } from "~/db.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import {
  DEFAULT_CANDIDATES,
  earnRateCandidates,
  earnRateRangeSchema,
  MAX_CANDIDATES,
  MIN_CANDIDATES,
  RATE_FACTOR_LIMIT,
  type EarnRateOptimizer,
} from "./earn-rate-optimizer";
import { fieldErrors } from "./definition";
import { createExperiment, unprocessable, type Outcome } from "./experiments.server";
import { launchExperiment } from "./lifecycle.server";

// "Tune earn rate" (ADR 0041): the merchant names a range of earn rates, the
// optimizer spreads candidates over it (earn-rate-optimizer.ts) and launches them as a
// bandit on net margin whose settings carry `optimizer: { kind: "earnRate", … }`, so the
// update job scores the arms with the Gaussian-process curve (bandit.server.ts). The live
// rate is the control. A bad range is a 422 with field errors and writes nothing.

export const OPTIMIZER_METRIC = "netMargin";

const points = (rate: number) => `${rate} point${rate === 1 ? "" : "s"}`;

const rateKey = (rate: number) => `rate-${rate.toFixed(2).replace(".", "-")}`;

/** Equal whole percents summing to 100 (the bandit ignores them; the schema requires them). */
const equalPercents = (n: number) =>
  Array.from({ length: n }, (_, i) => Math.floor(100 / n) + (i < 100 % n ? 1 : 0));

export async function tuneEarnRate(
  db: PrismaClient,
  shop: string,
  input: Record<string, unknown>,
  staffId: string | null,
  now = new Date(),
): Promise<Outcome<{ id: string; launched: boolean; message: string }>> {
  const { program } = await currentProgramVersion(db, shop);
  const live = program.earning.pointsPerCurrencyUnit;
  if (!(live > 0))
    return unprocessable("The live earn rate is zero: set one on the Earning page before tuning it.", {
      min: "The live earn rate is zero.",
    });
  const parsed = earnRateRangeSchema(live).safeParse(input);
  if (!parsed.success) return unprocessable("The range needs a fix.", fieldErrors(parsed.error));
  const { min, max, count } = parsed.data;
  const { rates, control } = earnRateCandidates(min, max, live, count);
  // Control first (the analysis lists it first), then the other rates in ascending order.
  const ordered = [rates[control]!, ...rates.filter((_, i) => i !== control)];
  const weights = equalPercents(ordered.length);
  const unit = program.currency;
  const optimizer: EarnRateOptimizer = {
    kind: "earnRate",
    min,
    max,
    candidates: ordered,
    method: "gp-thompson",
  };
  const created = await createExperiment(
    db,
    shop,
    {
      key: `earn-rate-${now.getTime().toString(36)}`,
      name: `Tune earn rate: ${min} to ${max} points per ${unit}`,
      hypothesis:
        "Net margin per member peaks at some earn rate: more points bring more orders, and cost more in rewards.",
      lever: "earnRate",
      primaryMetric: OPTIMIZER_METRIC,
      variants: ordered.map((rate, i) => ({
        key: i === 0 ? "live" : rateKey(rate),
        name: `${points(rate)} per ${unit}${i === 0 ? " (live)" : ""}`,
        weight: weights[i]!,
        control: i === 0,
        override: i === 0 ? {} : { earning: { pointsPerCurrencyUnit: rate } },
      })),
      // A 1% floor: with six arms the default 5% would hold 30% of members on rates the curve
      // already rules out (ADR 0041; the validation runs with 1%).
      bandit: { minSharePercent: 1 },
    },
    staffId,
    { optimizer: { ...optimizer } },
  );
  if (!created.ok) return created;
  const id = created.value.id;
  const launched = await launchExperiment(db, shop, id, { staffId, now });
  return {
    ok: true,
    value: launched.ok
      ? { id, launched: true, message: `Tuning the earn rate over ${ordered.length} rates` }
      : { id, launched: false, message: `Saved as a draft, not launched: ${launched.message}` },
  };
}

/** What the "Tune earn rate" form starts from: the live rate and a range around it (½× to 4×). */
export async function loadTuneEarnRate(db: PrismaClient, shop: string) {
  const { program } = await currentProgramVersion(db, shop);
  const live = program.earning.pointsPerCurrencyUnit;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    live,
    currency: program.currency,
    suggested: { min: round(live / 2) || 0.5, max: round(live * 4) || 4, count: DEFAULT_CANDIDATES },
    limits: { factor: RATE_FACTOR_LIMIT, minCount: MIN_CANDIDATES, maxCount: MAX_CANDIDATES },
  };
}
