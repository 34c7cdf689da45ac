// Preloaded into the app's and the worker's processes by `npm run soak`
// (node --import ./scripts/soak/runtime-metrics.mjs …): every RUNTIME_METRICS_INTERVAL_MS
// (default 10 s) it appends one JSON line to RUNTIME_METRICS_FILE with the process's memory
// its event-loop delay over the interval (p50, p99, max in ms) and its CPU over the interval
// (percent of one core), then starts the next interval. Nothing in the app imports it; without RUNTIME_METRICS_FILE it does nothing.
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";

const file = process.env.RUNTIME_METRICS_FILE;
if (file) {
  const role = process.env.RUNTIME_METRICS_ROLE ?? "process";
  const intervalMs = Number(process.env.RUNTIME_METRICS_INTERVAL_MS ?? 10_000);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
  let cpu = process.cpuUsage();
  let cpuAt = performance.now();
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    const used = process.cpuUsage(cpu);
    const now = performance.now();
    const cpuPct = Math.round(((used.user + used.system) / 1000 / (now - cpuAt)) * 1000) / 10;
    cpu = process.cpuUsage();
    cpuAt = now;
    const line = {
      role,
      pid: process.pid,
      at: new Date().toISOString(),
      rssMb: Math.round((memory.rss / 1048576) * 10) / 10,
      heapUsedMb: Math.round((memory.heapUsed / 1048576) * 10) / 10,
      lagP50Ms: ms(delay.percentile(50)),
      lagP99Ms: ms(delay.percentile(99)),
      lagMaxMs: ms(delay.max),
      cpuPct,
    };
    delay.reset();
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // The soak went away: nothing to report to.
    }
  }, intervalMs);
  timer.unref();
}
