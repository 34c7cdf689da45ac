import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env.server";

// One Prisma client per process, over node-postgres (no Rust query engine at run time).
// In development the module is re-evaluated on every edit, so the client lives on
// globalThis to avoid exhausting connections.

declare global {
  var __prisma: PrismaClient | undefined;
}

const urls = new WeakMap<PrismaClient, string>();

export function createPrisma(databaseUrl: string, max = 10): PrismaClient {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max }) });
  urls.set(client, databaseUrl);
  return client;
}

/** The database a client made by `createPrisma` talks to (for node-postgres work beside it: COPY). */
export function databaseUrlOf(db: PrismaClient): string | undefined {
  return urls.get(db);
}

export function prisma(): PrismaClient {
  globalThis.__prisma ??= createPrisma(env().DATABASE_URL, env().DATABASE_POOL_MAX);
  return globalThis.__prisma;
}

export type { PrismaClient };
export { Prisma } from "./generated/prisma/client";
