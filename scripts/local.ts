// npm run local — the app, the worker and the Shopify emulator together on this machine,
// with no Shopify account: checks services, migrates, starts all three and prints the
// address of the emulator's admin frame. A crashed worker is restarted; Ctrl-C stops everything.
import { ensureServices } from "./services";
import { loadLocalEnv, prepareDatabase, SERVICE_ARGS, Supervisor } from "./processes";

loadLocalEnv();
const { env } = await import("../app/env.server");
const settings = env();
if (!settings.SHOPIFY_API_ORIGIN) {
  throw new Error(
    "npm run local drives the Shopify emulator: set SHOPIFY_API_ORIGIN in .env (see .env.example).",
  );
}

const supervisor = new Supervisor("app, worker and emulator");
await ensureServices();
await prepareDatabase();

const emulatorPort = new URL(settings.SHOPIFY_API_ORIGIN).port || "4100";
supervisor.start("emulator", SERVICE_ARGS.emulator, { EMULATOR_PORT: emulatorPort });
// A crashed worker comes back (with backoff); the app and the emulator stop everything.
supervisor.start("worker", SERVICE_ARGS.worker, {}, { restart: true });
supervisor.start("web", SERVICE_ARGS.web(settings.PORT));

console.log(`
  Loyalty Optimizer is starting.
  Open the Shopify admin (emulated):  ${settings.SHOPIFY_API_ORIGIN}/admin-frame
  App health:                         ${settings.SHOPIFY_APP_URL}/healthz (live), /readyz (ready)
  Ctrl-C stops everything.
`);
