// Pure presentation of the status page's state: the status badges and the date texts.
// Computed on the server with one clock and the shop's time zone, so the page reads
// the same after hydration and in every test.

export { formatDateTime } from "~/admin/components/time";
import type { QueueHealth } from "~/jobs/health.server";
import type { WorkerHeartbeat } from "~/jobs/heartbeat.server";

export type Tone = "success" | "attention" | "warning" | "critical" | "info";
export type Status = { tone: Tone; label: string };

export type SyncCounts = {
  customers: number;
  orders: number;
  products: number;
  backlog: number;
  failed: number;
  lastProcessedAt: string | null;
};

export type QueueCounts = QueueHealth;
export type Heartbeat = WorkerHeartbeat;
export type JobsState =
  { ok: true; queues: QueueCounts[]; workers: Heartbeat[] } | { ok: false; reason: string };

/** Workers beat every 10 s; a beat older than this means the process is stuck or dying. */
export const LATE_HEARTBEAT_MS = 25_000;

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

export function syncStatus(sync: SyncCounts): Status {
  if (sync.failed > 0) return { tone: "critical", label: `${plural(sync.failed, "event")} failed` };
  if (sync.backlog > 0) return { tone: "attention", label: `${plural(sync.backlog, "event")} waiting` };
  return { tone: "success", label: "Up to date" };
}

export function isLate(worker: Heartbeat, now: Date): boolean {
  return now.getTime() - Date.parse(worker.lastBeatAt) > LATE_HEARTBEAT_MS;
}

export function workerStatus(jobs: JobsState, now: Date): Status {
  if (!jobs.ok) return { tone: "critical", label: "Queue status unavailable" };
  if (jobs.workers.length === 0) return { tone: "critical", label: "No worker running" };
  const late = jobs.workers.filter((w) => isLate(w, now)).length;
  if (late > 0) return { tone: "warning", label: `${plural(late, "worker")} not responding` };
  return { tone: "success", label: `${plural(jobs.workers.length, "worker")} running` };
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];

export function formatRelative(iso: string, now: Date): string {
  const diff = Date.parse(iso) - now.getTime();
  const format = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });
  if (Math.abs(diff) < 5000) return "just now";
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return format.format(Math.round(diff / ms), unit);
  }
  return "just now";
}
