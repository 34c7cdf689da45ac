// npm run db:migrate — applies prisma/migrations. Uses Prisma's CLI when its schema
// engine is installed, and the project's migrator (same bookkeeping) otherwise.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { env } from "../app/env.server";
import { ensureDatabase, migrate } from "../app/db/migrator.server";

function schemaEngine(): string | undefined {
  const configured = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  if (configured && existsSync(configured) && /schema-engine/.test(configured)) return configured;
  const dir = "node_modules/@prisma/engines";
  return readdirSync(dir).find((f) => f.startsWith("schema-engine"));
}

const { DATABASE_URL } = env();
await ensureDatabase(DATABASE_URL);
if (schemaEngine()) {
  const result = spawnSync(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "deploy"], {
    stdio: "inherit",
  });
  process.exit(result.status ?? 1);
}
const applied = await migrate(DATABASE_URL, { log: (line) => console.log(line) });
console.log(applied.length ? `${applied.length} migration(s) applied.` : "Database is up to date.");
