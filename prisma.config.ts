import { defineConfig } from "prisma/config";

// Prisma's CLI reads the connection from here; the app and workers connect through the
// node-postgres driver adapter in app/db.server.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/loyalty" },
});
