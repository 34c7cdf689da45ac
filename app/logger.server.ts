import { AsyncLocalStorage } from "node:async_hooks";
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
    mixin: logContext,
    transport:
      NODE_ENV === "development"
        ? {
            target: "pino-pretty",
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
