import { env } from "./env.server";

/** What server.js needs at boot, read (and validated) through the one settings schema. */
export function serverSettings(): { port: number; mode: "development" | "test" | "production" } {
  const { PORT, NODE_ENV } = env();
  return { port: PORT, mode: NODE_ENV };
}
