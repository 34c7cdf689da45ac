import { env } from "./env.server";

/** What server.js needs at boot, read (and validated) through the one settings schema. */
export function serverSettings(): {
  port: number;
  mode: "development" | "test" | "production";
  reusePort: boolean;
} {
  const { PORT, NODE_ENV, WEB_REUSE_PORT } = env();
  return { port: PORT, mode: NODE_ENV, reusePort: WEB_REUSE_PORT === "1" };
}
