import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import pino from "pino";
import { env } from "./env.server";

// The one logger: JSON lines in production, readable lines in development, and the
// current request or job id on every line written inside its context.

const context = new AsyncLocalStorage<Record<string, string>>();

function build() {
  const { NODE_ENV, LOG_LEVEL } = env();
  return pino({
    level: LOG_LEVEL,
    base: undefined,
    redact: {
      paths: [
        "accessToken",
        "*.accessToken",
        "refreshToken",
        "*.refreshToken",
        "secret",
        "*.secret",
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
