import type { AssignableExperiment } from "./assignment";

// When each experiment was in force, for what happened in the past: the backfill credits
// an order under the experiments running when it was placed, not those running now. An
// experiment is in force from its launch to its stop, less the pauses its audit trail
// records (a pause ends at the next launch, which is how a resume is recorded).

/** [from, to) in epoch milliseconds; `to` is Infinity while it runs. */
export type Interval = readonly [number, number];

export interface AuditMark {
  action: string;
  at: Date;
}

export interface PastExperiment extends AssignableExperiment {
  inForce: readonly Interval[];
}

/** The intervals an experiment was in force: launch to stop, less its recorded pauses. */
export function inForceIntervals(
  e: { launchedAt?: Date | null; stoppedAt?: Date | null },
  marks: readonly AuditMark[],
): Interval[] {
  if (!e.launchedAt) return [];
  const launched = e.launchedAt.getTime();
  const end = e.stoppedAt?.getTime() ?? Infinity;
  const out: Interval[] = [];
  let from: number | null = launched;
  for (const mark of [...marks].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const t = mark.at.getTime();
    if (mark.action === "paused" && from !== null) {
      if (Math.min(t, end) > from) out.push([from, Math.min(t, end)]);
      from = null;
    } else if (mark.action === "launched" && from === null && t < end) from = Math.max(t, launched);
  }
  if (from !== null && end > from) out.push([from, end]);
  return out;
}

/** The experiments in force at `at` (the running set of that instant), in the order given. */
export function inForceAt<E extends PastExperiment>(experiments: readonly E[], at: number): E[] {
  return experiments.filter((e) => e.inForce.some(([from, to]) => from <= at && at < to));
}

/** Every instant at which the set in force, or a schedule's window, changes: ascending, finite. */
export function changeInstants(experiments: readonly PastExperiment[]): number[] {
  const out = new Set<number>();
  for (const e of experiments) {
    for (const [from, to] of e.inForce) {
      out.add(from);
      if (Number.isFinite(to)) out.add(to);
    }
    if (e.startsAt) out.add(e.startsAt.getTime());
    if (e.endsAt) out.add(e.endsAt.getTime());
  }
  return [...out].sort((a, b) => a - b);
}
