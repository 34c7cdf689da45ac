import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { processCpuMs } from "./services";

// What a scale-out figure needs beside the rate: whether the machine had a core to spare.
// Two processes can only double a rate when the cores they need are idle; on a shared
// 2-core host they rarely are, so the benchmarks print the whole machine's CPU use and each
// process's CPU seconds beside the ratio, and a reader sees which limit the ratio hit.

/** Jiffies of the whole machine so far (all cores): busy and total, from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice: idle and iowait are not busy;
  // guest time is already counted in user.
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = fields[3]! + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** Share of every core that was busy between two readings (0–1), whoever used it. */
export function machineBusy(before: ReturnType<typeof machineCpu>, after: ReturnType<typeof machineCpu>) {
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : 0;
}

/** CPU milliseconds of a process, or 0 when it has ended (a backend that closed meanwhile). */
export function cpuMsOr0(pid: number): number {
  try {
    return processCpuMs(pid);
  } catch {
    return 0;
  }
}

/** The direct children of a process (a cluster primary's workers), from /proc. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export const CORES = availableParallelism();

/** "machine 2 cores, 97% busy during the phase (this run's processes 1.62 cores), load average 3.4". */
export function describeMachine(busy: number, ownCpuMs: number, seconds: number): string {
  return (
    `machine ${CORES} cores, ${(busy * 100).toFixed(0)}% busy during the phase ` +
    `(this run's measured processes ${(ownCpuMs / 1000 / seconds).toFixed(2)} cores, ` +
    `everything else ${Math.max(0, busy * CORES - ownCpuMs / 1000 / seconds).toFixed(2)}), ` +
    `load average ${loadavg()[0]!.toFixed(1)}`
  );
}

/** The scale-out target: N processes give at least this share of N times one process's rate. */
export const SCALE_TARGET = 0.9;

/** "credit 2 workers / 1 worker: 1.43× (target >= 1.8×)" and whether it is met. */
export function scaleLine(
  what: string,
  [unit, units]: [string, string],
  n: number,
  one: number,
  many: number,
  /** How the processes were held (bench/support/cpu-limit.ts), when they were. */
  held?: string,
) {
  const ratio = many / one;
  const target = n * SCALE_TARGET;
  return {
    ok: ratio >= target,
    line:
      `${what} ${n} ${units} / 1 ${unit}${held ? `, ${held}` : ""}: ` +
      `${ratio.toFixed(2)}× (target >= ${target.toFixed(1)}×)`,
  };
}
