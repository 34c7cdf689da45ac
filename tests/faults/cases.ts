import { burstWithFault, judge, runCase, type Suite } from "./harness";
import { snapshot, waitProcessed, type Row, type Snapshot } from "./outcome";
import { shopifyCase } from "./shopify-case";
import { sleep, type Stack } from "./stack";

// The cases. Each starts from a fresh stack, sends the same burst, breaks one thing
// part-way through, and is judged against the fault-free run (baseline) of the same burst.

export type CaseOptions = {
  /** Worker kills in the SIGKILL case. */
  kills: number;
  /** How long Redis stays down in the outage case, and PostgreSQL in its case. */
  redisDownMs: number;
  postgresDownMs: number;
};

export type Case = {
  name: string;
  what: string;
  run: (suite: Suite, baseline: Snapshot, options: CaseOptions) => Promise<Row>;
};

// The sweeper re-enqueues rows left `received` after SWEEP_AFTER_MINUTES (5) and runs every
// minute, so cases whose jobs are lost get that long plus slack to recover.
const SWEEPER_DEADLINE_MS = 8 * 60_000;
const DEADLINE_MS = 120_000;
const GRACE_MS = 30_000;

/** The fault-free run: its ledger and balances are what every case must end with. */
export async function baseline(suite: Suite): Promise<{ row: Row; snapshot: Snapshot | null }> {
  let result: Snapshot | null = null;
  const row = await runCase(suite, "baseline", async (stack) => {
    const burst = await burstWithFault(suite, stack, null);
    const processedAt = await waitProcessed(stack, burst.logs, Date.now() + DEADLINE_MS, () => false);
    if (processedAt === null) throw new Error("the fault-free run did not finish processing");
    result = await snapshot(stack, { withRedemptions: false });
    // Judged against itself: this still checks every acknowledgement, ledger:verify and crashes.
    return judge({
      name: "baseline",
      stack,
      burst,
      baseline: result,
      deadlineMs: DEADLINE_MS,
      problems: [],
      notes: [],
    });
  });
  return { row, snapshot: result };
}

export const CASES: Case[] = [
  {
    name: "worker-sigkill",
    what: "the worker is SIGKILLed mid-burst and restarted at once (as a supervisor would)",
    run: (suite, base, options) =>
      runCase(suite, "worker-sigkill", async (stack) => {
        let activeJobs = 0;
        const burst = await burstWithFault(suite, stack, async () => {
          for (let k = 0; k < options.kills; k++) {
            if (k > 0) await sleep(1_000);
            // Killed while it holds jobs: they stay locked until BullMQ's stalled-job check.
            activeJobs = Math.max(activeJobs, await waitForActiveJobs(stack));
            await stack.signal("worker", "SIGKILL");
            await stack.startWorker();
          }
        });
        return judge({
          name: "worker-sigkill",
          stack,
          burst,
          baseline: base,
          deadlineMs: DEADLINE_MS,
          problems: [],
          notes: [`${options.kills} kill(s), up to ${activeJobs} webhook jobs active at a kill`],
        });
      }),
  },
  {
    name: "redis-flushed",
    what: "Redis is SIGKILLed mid-burst and restarted empty (jobs, locks and schedules gone)",
    run: (suite, base) =>
      runCase(suite, "redis-flushed", async (stack) => {
        const burst = await burstWithFault(
          suite,
          stack,
          async () => {
            await stack.redis.kill();
            await stack.redis.up();
          },
          { retryForMs: SWEEPER_DEADLINE_MS },
        );
        return judge({
          name: "redis-flushed",
          stack,
          burst,
          baseline: base,
          deadlineMs: SWEEPER_DEADLINE_MS,
          problems: [],
          notes: [],
        });
      }),
  },
  {
    name: "redis-down",
    what: "Redis is down mid-burst (shut down with its data, back after the outage): acks within 1 s",
    run: (suite, base, options) =>
      runCase(suite, "redis-down", async (stack) => {
        let downFrom = 0;
        let downUntil = 0;
        const burst = await burstWithFault(
          suite,
          stack,
          async () => {
            await stack.redis.shutdownSaving();
            downFrom = Date.now();
            await sleep(options.redisDownMs);
            await stack.redis.up();
            downUntil = Date.now();
          },
          { retryForMs: SWEEPER_DEADLINE_MS },
        );
        // Attempts started while Redis was down: each must be acknowledged within 1 s.
        const during = burst.logs
          .flatMap((l) => l.attempts)
          .filter((a) => a.at >= downFrom && a.at < downUntil);
        const slow = during.filter((a) => a.status !== 200 || a.ms > 1_000);
        const slowest = Math.max(0, ...during.map((a) => a.ms));
        const problems = slow.length
          ? [
              `${slow.length} of ${during.length} deliveries during the outage not acknowledged within 1 s (slowest ${Math.round(slowest)} ms)`,
            ]
          : [];
        return judge({
          name: "redis-down",
          stack,
          burst,
          baseline: base,
          deadlineMs: SWEEPER_DEADLINE_MS,
          problems,
          notes: [`down ${Math.round(options.redisDownMs / 1000)} s, ${during.length} deliveries during it`],
        });
      }),
  },
  {
    name: "postgres-stopped",
    what: "PostgreSQL is stopped mid-burst and started again: no crash, everything completes",
    run: (suite, base, options) =>
      runCase(suite, "postgres-stopped", async (stack) => {
        let crashedDuring = 0;
        const burst = await burstWithFault(suite, stack, async () => {
          suite.cluster.stopServer();
          await sleep(options.postgresDownMs);
          suite.cluster.startServer();
          // A crashed process is a failure of this case; restart it so the rest of the
          // accounting still says whether anything was lost besides.
          await sleep(2_000);
          crashedDuring = stack.crashes().length;
          if (stack.worker?.exitCode !== null) await stack.startWorker();
          if (stack.server?.exitCode !== null) await stack.startServer();
        });
        return judge({
          name: "postgres-stopped",
          stack,
          burst,
          baseline: base,
          deadlineMs: DEADLINE_MS,
          problems: crashedDuring ? ["restarted the crashed process(es) to finish the accounting"] : [],
          notes: [`down ${Math.round(options.postgresDownMs / 1000)} s`],
        });
      }),
  },
  {
    name: "shopify-faults",
    what: "Shopify throttles, times out and fails discount and metafield mutations during redemptions and syncs",
    run: (suite, base) => runCase(suite, "shopify-faults", (stack) => shopifyCase(suite, stack, base)),
  },
  {
    name: "sigterm",
    what: "server and worker get SIGTERM under traffic: in-flight work finishes, both exit 0, then restart",
    run: (suite, base) =>
      runCase(suite, "sigterm", async (stack) => {
        const problems: string[] = [];
        const notes: string[] = [];
        let termAt = 0;
        const burst = await burstWithFault(suite, stack, async () => {
          termAt = Date.now();
          const [server, worker] = await Promise.all([
            stack.signal("server", "SIGTERM"),
            stack.signal("worker", "SIGTERM"),
          ]);
          for (const exit of [server, worker]) {
            notes.push(`${exit.name} exited ${exit.signal ?? exit.code} after ${exit.at - termAt} ms`);
            if (exit.code !== 0)
              problems.push(`${exit.name} did not exit cleanly (${exit.signal ?? exit.code})`);
            // An orchestrator's grace period (Kubernetes: 30 s) ends in SIGKILL.
            if (exit.at - termAt > GRACE_MS)
              problems.push(`${exit.name} took over ${GRACE_MS / 1000} s to exit`);
          }
          problems.push(...(await leftActive(stack)));
          await Promise.all([stack.startServer(), stack.startWorker()]);
        });
        // A request already being answered when SIGTERM came must still get its answer.
        const cut = burst.logs
          .flatMap((l) => l.attempts)
          .filter((a) => a.at < termAt && a.at + a.ms > termAt && a.status !== 200);
        if (cut.length) problems.push(`${cut.length} requests in flight at SIGTERM got no 200`);
        return judge({
          name: "sigterm",
          stack,
          burst,
          baseline: base,
          deadlineMs: DEADLINE_MS,
          problems,
          notes,
        });
      }),
  },
];

/** Waits (up to 5 s) until the worker holds webhook jobs; returns how many. */
async function waitForActiveJobs(stack: Stack): Promise<number> {
  const { Redis } = await import("ioredis");
  const client = new Redis(stack.redis.url, { maxRetriesPerRequest: 1 });
  try {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const active = await client.llen("bull:webhooks:active");
      if (active > 0 || Date.now() > deadline) return active;
      await sleep(5);
    }
  } finally {
    client.disconnect();
  }
}

/** Jobs a cleanly stopped worker left `active` in Redis (they would wait for the stalled-job check). */
async function leftActive(stack: Stack): Promise<string[]> {
  const { Redis } = await import("ioredis");
  const client = new Redis(stack.redis.url, { maxRetriesPerRequest: 1 });
  try {
    const keys = await client.keys("bull:*:active");
    const counts = await Promise.all(keys.map(async (k) => [k, await client.llen(k)] as const));
    return counts
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} jobs left active in ${k} after the worker's clean exit`);
  } finally {
    client.disconnect();
  }
}
