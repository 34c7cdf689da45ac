import { setPriority } from "node:os";
import { prisma } from "~/db.server";
import { env, EnvError } from "~/env.server";
import { logger, scrubConsole } from "~/logger.server";
import { createRedis } from "~/redis.server";
import { startWorkers } from "./runtime";

// `npm run worker`: processes every queue until SIGTERM/SIGINT, then lets jobs in
// flight finish, closes queues, Redis and the database, and exits 0.

async function main() {
  const config = env();
  scrubConsole();
  const log = logger();
  if (config.WORKER_NICE > 0) {
    // Lowering one's own priority needs no privilege.
    setPriority(config.WORKER_NICE);
    log.info({ nice: config.WORKER_NICE }, "Worker CPU priority lowered");
  }
  const connection = createRedis(config.REDIS_URL);
  const db = prisma();
  // Signal handlers go in before start-up finishes: a SIGTERM that arrives while workers
  // are still starting must shut down cleanly, not kill the process mid-write.
  const started = startWorkers({ connection, db, concurrency: config.WORKER_CONCURRENCY });

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      // A second signal means the operator will not wait; active jobs are retried later.
      log.warn({ signal }, "Second signal; exiting without waiting for jobs");
      process.exit(1);
    }
    log.info({ signal }, "Shutting down");
    started
      .then((runtime) => runtime.stop())
      .then(() => connection.quit())
      .then(() => db.$disconnect())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error({ err }, "Shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
  await started;
}

main().catch((err: unknown) => {
  if (err instanceof EnvError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    logger().fatal({ err }, "Worker failed to start");
  }
  process.exit(1);
});
