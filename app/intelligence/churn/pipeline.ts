// From customers' events to an evaluated model and today's scores, with a time-based split:
//   evaluate: train on features as of now − 2N (labels from the N days after), test on now − N;
//   deploy:   refit on now − N (the latest fully labelled cutoff) and score features as of now.
// The deployed model's threshold is the one chosen on its own training rows.
import { timedSync } from "../scoring/timing";
import { buildDataset, type ChurnCustomer } from "./features";
import {
  evaluateChurn,
  fitChurnModel,
  scoreChurn,
  type ChurnEvaluation,
  type ChurnModel,
  type ChurnOptions,
  type Driver,
} from "./model";

export type MemberRisk = { id: string; risk: number; atRisk: boolean; drivers: Driver[] };

export type ChurnRun =
  | { ok: true; horizon: number; evaluation: ChurnEvaluation; model: ChurnModel; members: MemberRisk[] }
  | { ok: false; problem: string; reason: string };

/** The cutoffs `runChurn` computes features at: training, test (= deployed training), scoring. */
export const churnCutoffs = (now: number, horizon: number) => [now - 2 * horizon, now - horizon, now];

export function runChurn(
  customers: readonly ChurnCustomer[],
  now: number,
  horizon = 90,
  options: ChurnOptions = {},
): ChurnRun {
  const train = timedSync("churn dataset (training)", () =>
    buildDataset(customers, now - 2 * horizon, horizon),
  );
  const holdoutFit = timedSync("churn fit (holdout)", () => fitChurnModel(train, options));
  if (!holdoutFit.ok) return holdoutFit;
  // The test rows of the evaluation are the training rows of the deployed model: built once.
  const latest = timedSync("churn dataset (latest)", () => buildDataset(customers, now - horizon, horizon));
  const evaluation = timedSync("churn evaluation", () => evaluateChurn(holdoutFit.model, latest));
  const deployed = timedSync("churn fit (deployed)", () => fitChurnModel(latest, options));
  if (!deployed.ok) return deployed;
  const model = deployed.model;
  // Labels are unknown as of now; buildDataset's label column is ignored here.
  const current = timedSync("churn dataset (current)", () => buildDataset(customers, now, horizon));
  const members = timedSync("churn scores", () =>
    current.X.map((x, i) => {
      const { risk, drivers } = scoreChurn(model, x);
      return { id: current.ids[i]!, risk, atRisk: risk >= model.threshold, drivers };
    }),
  );
  return { ok: true, horizon, evaluation, model, members };
}
