import { existsSync } from "node:fs";
import { DEFAULT_SCOPES, emulatorConfig } from "./config";
import { createEmulator } from "./server";

// `npm run emulator`: a local stand-in for the Shopify Admin API. Point the app at it with
// SHOPIFY_API_ORIGIN=<the address it logs>. It holds synthetic shops and must never face real traffic,
// so it refuses to start in production.

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(
      `Configuration error: ${name} is missing. The emulator needs the app's ${name} to sign and verify tokens.`,
    );
    process.exit(1);
  }
  return value;
}

// Same rule as app/env.server.ts: a local .env supplies what the environment does not.
if (existsSync(".env") && process.env.NODE_ENV !== "test") process.loadEnvFile(".env");
if (process.env.NODE_ENV === "production") {
  console.error("The Shopify emulator refuses to run with NODE_ENV=production.");
  process.exit(1);
}

const port = Number(process.env.EMULATOR_PORT ?? 4100);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(
    `Configuration error: EMULATOR_PORT must be a port number, got ${process.env.EMULATOR_PORT}.`,
  );
  process.exit(1);
}

function optionalNumber(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`Configuration error: ${name} must be a positive number, got ${raw}.`);
    process.exit(1);
  }
  return value;
}

const defaults = emulatorConfig({ apiKey: "", apiSecret: "", appUrl: "" }).throttle;
const throttle = {
  ...defaults,
  maximumAvailable: optionalNumber("EMULATOR_BUCKET_SIZE") ?? defaults.maximumAvailable,
  restoreRate: optionalNumber("EMULATOR_RESTORE_RATE") ?? defaults.restoreRate,
};

const emulator = await createEmulator(
  emulatorConfig({
    port,
    host: process.env.EMULATOR_HOST ?? "127.0.0.1",
    apiKey: required("SHOPIFY_API_KEY"),
    apiSecret: required("SHOPIFY_API_SECRET"),
    appUrl: required("SHOPIFY_APP_URL"),
    defaultShop: process.env.EMULATOR_SHOP ?? "demo-loyalty.myshopify.com",
    scopes: process.env.SCOPES ?? DEFAULT_SCOPES,
    throttle,
  }),
);
console.log(`Shopify emulator listening on ${emulator.url} (shop ${emulator.store.listShops()[0]?.domain})`);
console.log(
  `Point the app at it with SHOPIFY_API_ORIGIN=${emulator.url}; admin frame at ${emulator.url}/admin-frame`,
);

let closing = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("emulator did not close cleanly", error);
        process.exit(1);
      },
    );
  });
}
