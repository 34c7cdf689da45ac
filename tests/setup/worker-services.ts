import pg from "pg";
import { inject } from "vitest";

// Gives this test worker its own database (a clone of the run's migrated template) and
// its own Redis logical database, before any app module reads the environment.
const run = inject("testRunId");
const worker = Number(process.env.VITEST_POOL_ID ?? "1");
const server = new URL(
  process.env.TEST_DATABASE_SERVER_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
);
const name = `loyalty_test_${run}_w${worker}`;

if (process.env.__TEST_DB_READY !== name) {
  const admin = new pg.Client({ connectionString: server.href });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "loyalty_test_${run}_template"`);
  await admin.end();
  process.env.__TEST_DB_READY = name;
}
const url = new URL(server);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.href;
// Redis has 16 logical databases; 0 is left for local runs.
process.env.REDIS_URL = `redis://127.0.0.1:6379/${1 + ((Number(run) * 7 + worker) % 15)}`;
