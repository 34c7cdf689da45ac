import pg from "pg";
import { inject } from "vitest";
import { startPrivateRedis } from "../../../scripts/private-redis";

// The browser test owns its PostgreSQL database and its Redis server, so no other test
// run on the machine (sharing the per-worker databases or Redis db numbers) can add
// rows, truncate tables or show its own workers' heartbeats on the dashboard under test.

// The run's migrated template (tests/setup/database.global.ts).
const TEMPLATE_URL = `postgresql://postgres@127.0.0.1:5432/loyalty_test_${inject("testRunId")}_template`;

export type OwnedService = { url: string; stop: () => Promise<void> };

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(TEMPLATE_URL);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createOwnedDatabase(): Promise<OwnedService> {
  const templateName = new URL(TEMPLATE_URL).pathname.slice(1);
  const name = `loyalty_browser_${process.pid}`;
  await withAdmin(async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    // Cloning fails while anyone is connected to the template; other runs connect briefly.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
        return;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  });
  const url = new URL(TEMPLATE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    stop: () =>
      withAdmin(async (admin) => void (await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}

export const startOwnedRedis: () => Promise<OwnedService> = startPrivateRedis;
