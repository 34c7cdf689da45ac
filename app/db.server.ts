import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env.server";

// One Prisma client per process, over node-postgres (no Rust query engine at run time).
// In development the module is re-evaluated on every edit, so the client lives on
// globalThis to avoid exhausting connections.

declare global {
  var __prisma: PrismaClient | undefined;
}

export function createPrisma(databaseUrl: string, max = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max }) });
}

export function prisma(): PrismaClient {
  globalThis.__prisma ??= createPrisma(env().DATABASE_URL);
  return globalThis.__prisma;
}

export type { PrismaClient };
export { Prisma } from "./generated/prisma/client";
