import pg from "pg";

// Gives this test worker its own database (a clone of the migrated template) and its
// own Redis logical database, before any app module reads the environment.
const template = process.env.TEST_DATABASE_TEMPLATE_URL ?? "postgresql://postgres@127.0.0.1:5432/loyalty_test_template";
const worker = Number(process.env.VITEST_POOL_ID ?? "1");
const url = new URL(template);
const templateName = url.pathname.slice(1);
const name = `loyalty_test_w${worker}`;

if (process.env.__TEST_DB_READY !== name) {
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.href });
  await admin.connect();
  await admin.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    [name],
  );
  await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
  await admin.end();
  process.env.__TEST_DB_READY = name;
}
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.href;
process.env.REDIS_URL = `redis://127.0.0.1:6379/${1 + (worker % 15)}`;
