import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import { format } from "node:util";
import pino from "pino";
import { env } from "./env.server";

// The one logger: JSON lines in production, readable lines in development, and the
// current request or job id on every line written inside its context.
//
// No line carries a credential. Known fields are redacted by name (below); and because
// credentials also travel inside free text (an error's message and stack quote the URL
// that failed, with its ?id_token=…; a library line quotes the session token it checks),
// every string of every line is scrubbed too: session tokens (JWTs), Shopify access and
// refresh tokens, signed query parameters, and the app secret itself.

const context = new AsyncLocalStorage<Record<string, string>>();

const SCRUBS: Array<[RegExp, string]> = [
  [
    /([?&](?:id_token|session|hmac|signature|access_token|refresh_token|code|token)=)[^&\s"'#]*/gi,
    "$1[redacted]",
  ],
  [/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, "[session token]"],
  [/\bshp[a-z]{2}_[A-Za-z0-9]+/g, "[access token]"],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, "[api key]"],
  // Klaviyo private keys, and the Authorization headers of Klaviyo and Twilio requests.
  [/\bpk_[A-Za-z0-9]{20,}/g, "[api key]"],
  [/\b(Klaviyo-API-Key|Basic)\s+[A-Za-z0-9+/=_-]{8,}/g, "$1 [redacted]"],
];

/** `text` with every credential the logger knows how to spot replaced by its kind. */
export function scrubSecrets(text: string, secrets: readonly string[] = appSecrets()): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.replaceAll(secret, "[app secret]");
  for (const [pattern, replacement] of SCRUBS) out = out.replace(pattern, replacement);
  return out;
}

function appSecrets(): string[] {
  let secrets: Array<string | undefined>;
  try {
    secrets = [env().SHOPIFY_API_SECRET, env().OPENAI_API_KEY];
  } catch {
    return []; // settings that do not parse: the error saying so must still print
  }
  // A short placeholder secret would mask ordinary words.
  return secrets.filter((secret): secret is string => !!secret && secret.length >= 12);
}

function scrubDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === "string") return scrubSecrets(value, secrets);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets, depth + 1));
  // pino's serialized error has its own prototype: copied into a plain object to be scrubbed.
  if (value instanceof Error) return scrubDeep({ ...pino.stdSerializers.err(value) }, secrets, depth + 1);
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = scrubDeep(v, secrets, depth + 1);
  return out;
}

function build() {
  const { NODE_ENV, LOG_LEVEL } = env();
  const secrets = appSecrets();
  return pino({
    level: LOG_LEVEL,
    base: undefined,
    serializers: { err: (error: unknown) => scrubDeep(error, secrets) },
    formatters: { log: (object) => scrubDeep(object, secrets) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === "string" ? scrubSecrets(a, secrets) : a));
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
    redact: {
      paths: [
        "accessToken",
        "*.accessToken",
        "refreshToken",
        "*.refreshToken",
        "secret",
        "*.secret",
        "password",
        "*.password",
        "*.pass",
        "authToken",
        "*.authToken",
        "apiKey",
        "*.apiKey",
        "authorization",
        "*.authorization",
        "headers.authorization",
      ],
      censor: "[redacted]",
    },
    // A copy: pino merges each line's own fields into the object the mixin returns, which
    // would otherwise leak them onto every later line of the same request or job.
    mixin: () => ({ ...logContext() }),
    transport:
      NODE_ENV === "development"
        ? {
            // A path, not the package name: pino resolves a name from its callers' files,
            // and under Vite's dev server (npm run local) the app's modules have none, so
            // the first line logged from a loader failed with "unable to determine
            // transport target".
            target: createRequire(import.meta.url).resolve("pino-pretty"),
            options: { colorize: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname" },
          }
        : undefined,
  });
}

const CONSOLE_SCRUBBED = Symbol.for("loyalty.consoleScrubbed");

/**
 * Libraries that write to the console rather than through this logger (React Router warns
 * "No routes matched location …" with the whole URL, session token included) are
 * scrubbed the same way: the server and the worker call this once at start.
 */
export function scrubConsole(): void {
  const marked = console as unknown as Record<symbol, boolean>;
  if (marked[CONSOLE_SCRUBBED]) return;
  marked[CONSOLE_SCRUBBED] = true;
  for (const level of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => original(scrubSecrets(format(...args)));
  }
}

let instance: pino.Logger | undefined;

export function logger(): pino.Logger {
  instance ??= build();
  return instance;
}

export function withLogContext<T>(fields: Record<string, string>, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** The fields the current context adds to every line (the request or job it belongs to). */
export function logContext(): Readonly<Record<string, string>> {
  return context.getStore() ?? {};
}
