import { existsSync } from "node:fs";
import { z } from "zod";

// The one place that reads process.env. Web and worker processes parse it at boot; a
// missing or malformed setting stops start-up with a message naming it and its fix.

const url = (what: string) => z.url({ message: `must be a URL (${what})` });

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    SHOPIFY_API_KEY: z.string().min(1, "is the app's client id from the Partner Dashboard"),
    SHOPIFY_API_SECRET: z.string().min(1, "is the app's client secret from the Partner Dashboard"),
    SHOPIFY_APP_URL: url("the public https address of this app"),
    SCOPES: z
      .string()
      .default(
        "read_customers,write_customers,read_orders,read_products,write_discounts,read_discounts,write_app_proxy",
      ),
    SHOP_CUSTOM_DOMAIN: z.string().optional(),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection string"),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// connection string"),
    SHOPIFY_API_ORIGIN: url("the Shopify emulator, e.g. http://127.0.0.1:4100").optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    PORT: z.coerce.number().int().positive().default(3000),
    WORKER_CONCURRENCY: z.coerce.number().int().positive().max(256).default(8),
    // The worker process's nice value: on a machine it shares with the web process, a higher
    // one lets storefront and admin requests take a core first (docs/scaling.md, ADR 0061).
    WORKER_NICE: z.coerce.number().int().min(0).max(19).default(0),
    // Connections of the process's Prisma pool (the node-postgres pools beside it are fixed
    // and small: docs/scaling.md counts a process's connections).
    DATABASE_POOL_MAX: z.coerce.number().int().min(2).max(100).default(10),
    // 1: the web server binds its port with SO_REUSEPORT, so several web processes on one
    // machine share one port and the kernel spreads connections over them (docs/scaling.md).
    WEB_REUSE_PORT: z.enum(["0", "1"], { message: "must be 0 or 1" }).default("0"),
    // Per-shop fairness of the webhooks queue and the backfill's yielding to it
    // (docs/decisions/0059-tenant-fair-queues.md); "off" only for bench:tenants' contrast.
    TENANT_FAIRNESS: z.enum(["on", "off"], { message: "must be on or off" }).default("on"),
    // 1: a scoring run prints each step's seconds on stderr (app/intelligence/scoring/timing.ts).
    SCORING_TIMINGS: z.enum(["0", "1"], { message: "must be 0 or 1" }).default("0"),
    // Shopify redelivers a webhook for up to 48 hours; a row must outlive that to dedupe it.
    WEBHOOK_RETENTION_DAYS: z.coerce
      .number()
      .int()
      .min(3, "must be at least 3 days (Shopify retries a delivery for 48 hours)")
      .max(3650)
      .default(14),
    // Campaign providers' API origins (app/campaigns/providers.server.ts); the emulator's in tests and the demo.
    TWILIO_API_BASE_URL: url("Twilio's REST API, or the emulator's /twilio").default(
      "https://api.twilio.com",
    ),
    KLAVIYO_API_BASE_URL: url("Klaviyo's API, or the emulator's /klaviyo").default("https://a.klaviyo.com"),
    OPENAI_API_KEY: z.string().optional(),
    OPENAI_BASE_URL: url("an OpenAI-compatible API").optional(),
    OPENAI_CHAT_MODEL: z.string().min(1).default("gpt-4o-mini"),
    OPENAI_EMBEDDING_MODEL: z.string().min(1).default("text-embedding-3-small"),
    // USD per million tokens "input/output" for OPENAI_CHAT_MODEL, when app/campaigns/writer/prices.ts lacks it.
    OPENAI_CHAT_PRICE: z
      .string()
      .regex(
        /^\s*\d+(\.\d+)?\s*\/\s*\d+(\.\d+)?\s*$/,
        "must be input/output USD per million tokens, e.g. 0.15/0.60",
      )
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.SHOPIFY_API_ORIGIN) {
      ctx.addIssue({
        code: "custom",
        path: ["SHOPIFY_API_ORIGIN"],
        message: "points the app at the Shopify emulator, which is refused in production; unset it",
      });
    }
  });

export type Env = z.infer<typeof schema>;

export class EnvError extends Error {
  override name = "EnvError";
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const problem = source[name] === undefined || source[name] === "" ? "is missing" : "is invalid";
    return `  - ${name} ${problem}: ${issue.message}`;
  });
  throw new EnvError(
    `Configuration error. Fix these settings (see .env.example) and start again:\n${lines.join("\n")}`,
  );
}

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    if (existsSync(".env") && process.env.NODE_ENV !== "test") process.loadEnvFile(".env");
    cached = parseEnv(process.env);
  }
  return cached;
}
