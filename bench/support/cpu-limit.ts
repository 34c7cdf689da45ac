import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CORES } from "./scale";

// Holding each of a benchmark's app processes to a fixed share of a core, as if each ran on a
// machine of its own with that much CPU, so a scale-out ratio can be measured on a host with
// fewer idle cores than the processes need (ADR 0062). The kernel's CPU controller does it: a
// control group per process with a quota of `cores` × 10 ms of CPU every 10 ms (cgroup v2's
// cpu.max, v1's cpu.cfs_quota_us; short periods, so a throttled process stalls for a few
// milliseconds at a time, not tens). PostgreSQL, Redis and the load generator stay outside,
// sharing the host as a managed database and cache would be shared. Needs Linux, root and a
// mounted CPU controller; `cpuLimiter` says which is missing otherwise.

const PERIOD_US = 10_000;

interface Controller {
  /** Directory new groups are made in. */
  root: string;
  /** Writes the quota into a group's directory. */
  setQuota(dir: string, quotaUs: number): void;
}

function controller(): Controller | string {
  if (process.platform !== "linux") return "CPU limits need Linux control groups";
  const v2 = "/sys/fs/cgroup";
  if (existsSync(join(v2, "cgroup.controllers"))) {
    if (!readFileSync(join(v2, "cgroup.controllers"), "utf8").split(/\s+/).includes("cpu"))
      return "the cgroup v2 hierarchy at /sys/fs/cgroup has no cpu controller";
    return {
      root: v2,
      setQuota(dir, quotaUs) {
        writeFileSync(join(v2, "cgroup.subtree_control"), "+cpu");
        writeFileSync(join(dir, "cpu.max"), `${quotaUs} ${PERIOD_US}`);
      },
    };
  }
  const v1 = "/sys/fs/cgroup/cpu";
  if (existsSync(join(v1, "cpu.cfs_quota_us")))
    return {
      root: v1,
      setQuota(dir, quotaUs) {
        writeFileSync(join(dir, "cpu.cfs_period_us"), String(PERIOD_US));
        writeFileSync(join(dir, "cpu.cfs_quota_us"), String(quotaUs));
      },
    };
  return "no CPU control group is mounted (neither /sys/fs/cgroup/cgroup.controllers nor /sys/fs/cgroup/cpu)";
}

export interface CpuLimiter {
  cores: number;
  /** Moves a running process (and every thread and child it starts later) into a group of its own. */
  hold(pid: number, name: string): void;
  /** Removes the groups (their processes must have ended). */
  release(): void;
}

/** Parses `--cpu-limit`: a share of a core from 0.05 to the host's cores, or an error message. */
export function parseCpuLimit(value: string | undefined): number | null | string {
  if (value === undefined) return null;
  const cores = Number(value);
  if (!Number.isFinite(cores) || cores < 0.05 || cores > CORES)
    return `must be a number of cores from 0.05 to ${CORES} (e.g. 0.4)`;
  return cores;
}

/** A limiter holding each process it is given to `cores` of CPU, or a message saying why it cannot. */
export function cpuLimiter(cores: number): CpuLimiter | string {
  const found = controller();
  if (typeof found === "string") return found;
  const groups: string[] = [];
  const probe = join(found.root, `loyalty-bench-${process.pid}-probe`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
  } catch (error) {
    return `cannot create a control group in ${found.root} (${(error as Error).message}); run as root`;
  }
  process.once("exit", () => release());
  function release() {
    for (const dir of groups.splice(0))
      try {
        rmdirSync(dir);
      } catch {
        // A process still inside (a child that outlived its stop): the kernel keeps the group.
      }
  }
  return {
    cores,
    hold(pid, name) {
      const dir = join(found.root, `loyalty-bench-${process.pid}-${name}`);
      mkdirSync(dir, { recursive: true });
      groups.push(dir);
      found.setQuota(dir, Math.round(cores * PERIOD_US));
      writeFileSync(join(dir, "cgroup.procs"), String(pid));
    },
    release,
  };
}

/** The limiter `--cpu-limit` asks for (null without it); says why and exits 2 when it cannot be had. */
export function cpuLimitOption(value: string | undefined): CpuLimiter | null {
  const cores = parseCpuLimit(value);
  if (cores === null) return null;
  const limiter = typeof cores === "string" ? cores : cpuLimiter(cores);
  if (typeof limiter !== "string") return limiter;
  console.error(`--cpu-limit: ${limiter}`);
  process.exit(2);
}

/** "held to 0.40 of a core each (a control group per process, ADR 0062)". */
export const describeCpuLimit = (cores: number) =>
  `held to ${cores.toFixed(2)} of a core each (a control group per process, ADR 0062)`;
