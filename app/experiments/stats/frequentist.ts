import { twoSidedCritical, twoSidedPValue } from "./distributions";
import type { Estimate } from "./estimates";
import { DEFAULT_SEQUENTIAL_TUNING, sequentialMultiplier, sequentialPValue } from "./sequential";

// Treatment against control: the absolute difference of means and the relative lift
// (μ_t/μ_c − 1) with the delta method, Welch's t (or z) for a fixed horizon, or an
// always-valid confidence sequence for looking every day.

export type Method = "welch" | "z" | "sequential";

export type TestOptions = {
  alpha?: number;
  method?: Method;
  /** N* for the sequential method (see sequential.ts). */
  sequentialTuning?: number;
};

export type Lift = {
  estimate: number;
  standardError: number;
  lower: number;
  upper: number;
  pValue: number;
  /** The interval excludes zero. */
  significant: boolean;
};

export type Comparison =
  | {
      ok: true;
      method: Method;
      alpha: number;
      /** Welch–Satterthwaite degrees of freedom (Infinity for z and sequential). */
      degreesOfFreedom: number;
      absolute: Lift;
      /** Null when the control mean is zero or negative: relative lift has no meaning then. */
      relative: Lift | null;
      notes: string[];
    }
  | { ok: false; reason: string };

/** Mean and variance of the lift on one scale, by the delta method for "relative". */
export function liftMoments(
  control: Estimate,
  treatment: Estimate,
  scale: "absolute" | "relative",
): { estimate: number; variance: number } | null {
  const mc = control.mean;
  const mt = treatment.mean;
  if (scale === "absolute") {
    return { estimate: mt - mc, variance: treatment.varianceOfMean + control.varianceOfMean };
  }
  // Below zero the ratio reads backwards (−2 → −1 is a gain but "−50%"), so it is left undefined.
  if (mc <= 0) return null;
  return {
    estimate: mt / mc - 1,
    variance: treatment.varianceOfMean / mc ** 2 + (mt ** 2 * control.varianceOfMean) / mc ** 4,
  };
}

/** Welch–Satterthwaite: (v_t + v_c)² / (v_t²/(n_t − 1) + v_c²/(n_c − 1)). */
export function welchDegreesOfFreedom(control: Estimate, treatment: Estimate): number {
  const vc = control.varianceOfMean;
  const vt = treatment.varianceOfMean;
  const denominator = vt ** 2 / (treatment.n - 1) + vc ** 2 / (control.n - 1);
  return denominator > 0 ? (vt + vc) ** 2 / denominator : Infinity;
}

export function compare(control: Estimate, treatment: Estimate, options: TestOptions = {}): Comparison {
  const alpha = options.alpha ?? 0.05;
  const method = options.method ?? "welch";
  const tuning = options.sequentialTuning ?? DEFAULT_SEQUENTIAL_TUNING;
  if (!(alpha > 0 && alpha < 1)) return { ok: false, reason: "alpha must be between 0 and 1" };
  if (!(tuning > 0)) return { ok: false, reason: "the sequential tuning parameter must be positive" };
  if (control.n < 2 || treatment.n < 2) return { ok: false, reason: "each arm needs at least 2 members" };
  if (control.varianceOfMean + treatment.varianceOfMean === 0) {
    return { ok: false, reason: "the metric does not vary in either arm, so there is nothing to test" };
  }
  const df = method === "welch" ? welchDegreesOfFreedom(control, treatment) : Infinity;
  const totalN = control.n + treatment.n;
  const lift = (moments: { estimate: number; variance: number }): Lift => {
    const se = Math.sqrt(moments.variance);
    const z = moments.estimate / se;
    const half =
      method === "sequential"
        ? sequentialMultiplier(totalN, alpha, tuning) * se
        : twoSidedCritical(alpha, df) * se;
    const pValue =
      method === "sequential" ? sequentialPValue(z, totalN, alpha, tuning) : twoSidedPValue(z, df);
    const lower = moments.estimate - half;
    const upper = moments.estimate + half;
    return {
      estimate: moments.estimate,
      standardError: se,
      lower,
      upper,
      pValue,
      significant: lower > 0 || upper < 0,
    };
  };
  const absolute = lift(liftMoments(control, treatment, "absolute")!);
  const relativeMoments = liftMoments(control, treatment, "relative");
  const notes: string[] = [];
  if (!relativeMoments)
    notes.push(
      control.mean === 0
        ? "the control mean is 0, so relative lift is undefined; see the absolute difference"
        : "the control mean is negative, so a relative lift would read backwards; see the absolute difference",
    );
  else if (relativeMoments.variance === 0)
    notes.push("the relative lift has no spread to test; see the absolute difference");
  return {
    ok: true,
    method,
    alpha,
    degreesOfFreedom: df,
    absolute,
    relative: relativeMoments && relativeMoments.variance > 0 ? lift(relativeMoments) : null,
    notes,
  };
}
