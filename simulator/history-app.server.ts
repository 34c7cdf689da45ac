// The app's side of the simulation, shared by `npm run demo` and its end-to-end tests: erase
// a previous demo shop with the app's own shop redaction, give it the demo program, create
// the backfill run (history earns points), follow the run's progress as the admin card
// words it, and read the member state live mode responds to. Running the run is the app's
// job: the worker in the demo, `runBackfill` in tests.
import type { PrismaClient } from "../app/db.server";
import type { BackfillRun } from "../app/generated/prisma/client";
import { createBackfillRun } from "../app/backfill/run.server";
import { presentBackfill } from "../app/admin/status/backfill-present";
import { memberPrograms } from "../app/loyalty/services/member-program.server";
import { currentProgramVersion, saveProgram } from "../app/loyalty/services/program.server";
import { shopRedact } from "../app/webhooks/handlers/shop-redact.server";
import { demoProgram } from "./history";
import type { AppState } from "./live";
import type { GeneratedShop } from "./shop";

/** Removes everything the app holds for the shop (the shop/redact handler, in one transaction). */
export async function eraseShop(db: PrismaClient, shop: string): Promise<void> {
  await db.$transaction(
    (tx) =>
      shopRedact({
        tx,
        event: {
          id: "demo-reset",
          shop,
          topic: "shop/redact",
          payload: { shop_domain: shop },
          triggeredAt: null,
          receivedAt: new Date(),
        },
        now: new Date(),
      }),
    { timeout: 120_000 },
  );
}

/** The shop row and the demo program, before the first admin load installs the app. */
export async function prepareShop(db: PrismaClient, generated: GeneratedShop): Promise<void> {
  const { shop } = generated;
  await db.shop.upsert({
    where: { domain: shop.domain },
    create: {
      domain: shop.domain,
      name: shop.name ?? null,
      email: shop.email ?? null,
      currencyCode: shop.currencyCode ?? "USD",
      ianaTimezone: shop.ianaTimezone ?? "UTC",
    },
    update: {},
  });
  const { version } = await currentProgramVersion(db, shop.domain);
  await saveProgram(db, shop.domain, demoProgram(shop.currencyCode ?? "USD"), {
    basedOn: version,
    createdBy: "demo",
    note: "Demo program",
  });
}

/**
 * A run that credits history with points (the demo's dashboard needs balances and tiers).
 * `generated` names the shop's past loyalty program, if it had one: its reward codes'
 * prefix is given to the run, as a merchant switching apps would, so past redemptions come in.
 */
export async function createHistoryRun(
  db: PrismaClient,
  shop: string,
  generated?: Pick<GeneratedShop, "params">,
): Promise<BackfillRun> {
  const prefix = generated?.params.pastLoyalty?.codePrefix;
  const { run } = await createBackfillRun(db, shop, {
    historyEarnsPoints: true,
    trigger: "merchant",
    redemptionCodePrefixes: prefix ? [prefix] : [],
  });
  return run;
}

/** Polls the run until it ends, reporting the admin card's step and percentage on each change. */
export async function followBackfill(
  db: PrismaClient,
  runId: string,
  onProgress: (line: string) => void,
  options: { intervalMs?: number; timeoutMs?: number } = {},
): Promise<BackfillRun> {
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  let last = "";
  for (;;) {
    const run = await db.backfillRun.findUniqueOrThrow({ where: { id: runId } });
    const view = presentBackfill(run);
    const line = view
      ? `${view.statusLabel}: ${view.step} (${view.progress}%) ${view.counts.map((c) => `${c.label} ${c.value}`).join(", ")}`
      : run.status;
    if (line !== last) onProgress(line);
    last = line;
    if (run.status === "completed") return run;
    if (run.status === "failed") throw new Error(`The backfill failed: ${run.error ?? "unknown error"}`);
    if (Date.now() > deadline) throw new Error(`The backfill did not finish in time (${line})`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
  }
}

/** What live mode's customers respond to each day: their program (variants included) and member row. */
export async function readAppState(db: PrismaClient, shop: string, now: Date): Promise<AppState> {
  const [programOf, members] = await Promise.all([
    memberPrograms(db, shop, now),
    db.member.findMany({
      where: { shop },
      select: { customerId: true, status: true, availablePoints: true, tierId: true, tierValue: true },
    }),
  ]);
  return {
    programOf: (customerId) => programOf(BigInt(customerId)).program,
    heldOut: (customerId) => programOf(BigInt(customerId)).heldOut === true,
    members: new Map(
      members.map((m) => [
        String(m.customerId),
        {
          active: m.status === "active",
          availablePoints: m.availablePoints,
          tierId: m.tierId,
          tierValue: Number(m.tierValue),
        },
      ]),
    ),
  };
}
