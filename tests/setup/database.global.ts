import pg from "pg";
import type { TestProject } from "vitest/node";
import { ensureDatabase, migrate } from "../../app/db/migrator.server";

// Migrates a template database once per run; each test worker then clones it
// (tests/setup/worker-services.ts), so workers never see each other's rows. Names carry
// a per-run id, so two test runs on one machine never drop each other's databases.

declare module "vitest" {
  export interface ProvidedContext {
    testRunId: string;
  }
}

const SERVER = process.env.TEST_DATABASE_SERVER_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const runId = process.env.LOYALTY_TEST_RUN ?? String(process.pid);
process.env.LOYALTY_TEST_RUN = runId;

export const templateName = (run: string) => `loyalty_test_${run}_template`;

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Databases left by runs that were killed before their teardown.
async function dropDatabases(client: pg.Client, keep: (run: string) => boolean) {
  const { rows } = await client.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname ~ '^loyalty_test_[0-9]+_'",
  );
  for (const { datname } of rows) {
    const run = datname.split("_")[2]!;
    if (!keep(run)) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

export default async function setup(project: TestProject) {
  project.provide("testRunId", runId);
  const url = new URL(SERVER);
  url.pathname = `/${templateName(runId)}`;
  await withAdmin((client) => dropDatabases(client, (run) => run === runId || alive(Number(run))));
  await ensureDatabase(url.href);
  await migrate(url.href);
  // A template must have no open connections when it is cloned.
  await withAdmin((client) =>
    client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [templateName(runId)],
    ),
  );
  return async () => {
    await withAdmin((client) => dropDatabases(client, (run) => run !== runId));
  };
}
