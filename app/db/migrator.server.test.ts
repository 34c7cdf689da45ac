import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "../env.server";
import { ensureDatabase, migrate, readMigrations } from "./migrator.server";

const url = new URL(env().DATABASE_URL);
url.pathname = `/${url.pathname.slice(1)}_migrator`;
const scratch = url.href;

function folder(migrations: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "migrations-"));
  for (const [name, sql] of Object.entries(migrations)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: scratch });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe("migrator", () => {
  beforeAll(async () => {
    const admin = new URL(scratch);
    admin.pathname = "/postgres";
    const c = new pg.Client({ connectionString: admin.href });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
    await c.end();
    await ensureDatabase(scratch);
  });
  afterAll(async () => {
    const admin = new URL(scratch);
    admin.pathname = "/postgres";
    const c = new pg.Client({ connectionString: admin.href });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
    await c.end();
  });

  it("applies pending migrations once, in order, with Prisma's bookkeeping", async () => {
    const dir = folder({
      "20260101000000_a": `CREATE TABLE "A" (id INT PRIMARY KEY);`,
      "20260102000000_b": `ALTER TABLE "A" ADD COLUMN name TEXT;`,
    });
    expect(await migrate(scratch, { dir })).toEqual(["20260101000000_a", "20260102000000_b"]);
    expect(await migrate(scratch, { dir })).toEqual([]);
    const [first] = await readMigrations(dir);
    const rows = await withClient((c) =>
      c.query(
        `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
      ),
    );
    expect(rows.rows).toHaveLength(2);
    expect(rows.rows[0]).toMatchObject({
      migration_name: "20260101000000_a",
      checksum: first!.checksum,
      applied_steps_count: 1,
    });
    expect(rows.rows[0].finished_at).toBeInstanceOf(Date);
  });

  it("rolls back a failing migration, records it, and refuses to continue until resolved", async () => {
    const dir = folder({
      "20260101000000_a": `CREATE TABLE "A" (id INT PRIMARY KEY);`,
      "20260102000000_b": `ALTER TABLE "A" ADD COLUMN name TEXT;`,
      "20260103000000_bad": `CREATE TABLE "Half" (id INT); SELECT no_such_function();`,
    });
    await expect(migrate(scratch, { dir })).rejects.toThrow(/20260103000000_bad failed/);
    const half = await withClient((c) => c.query(`SELECT to_regclass('"Half"') AS t`));
    expect(half.rows[0].t).toBeNull();
    await expect(migrate(scratch, { dir })).rejects.toThrow(/resolved by hand/);
  });
});
