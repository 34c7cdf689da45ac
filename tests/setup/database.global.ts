import pg from "pg";
import { ensureDatabase, migrate } from "../../app/db/migrator.server";

// Migrates a template database once per run; each test worker then clones it
// (tests/setup/worker-services.ts), so workers never see each other's rows.
export const TEMPLATE_URL = process.env.TEST_DATABASE_TEMPLATE_URL ?? "postgresql://postgres@127.0.0.1:5432/loyalty_test_template";

export default async function setup() {
  await ensureDatabase(TEMPLATE_URL);
  await migrate(TEMPLATE_URL);
  // A template must have no open connections when it is cloned.
  const url = new URL(TEMPLATE_URL);
  const name = url.pathname.slice(1);
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.href });
  await admin.connect();
  await admin.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    [name],
  );
  await admin.end();
}
