import { copyFileSync, mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "../../app/db.server";
import { closePgPools } from "../../app/db/pg-pools.server";
import { createExperiment } from "../../app/experiments/experiments.server";
import { sweepExposures } from "../../app/experiments/exposure-sweep.server";
import { launchExperiment } from "../../app/experiments/lifecycle.server";
import { loadSurrogateModel, surrogateChanges } from "../../app/experiments/long-term.server";
import { saveProgram } from "../../app/loyalty/services/program.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The long-term objective in the admin: the create flow explains it and answers 422 on the
// primary metric while the shop has no lifetime-value model; with a model, the report of an
// experiment on it says what it measures and shows it beside net revenue and net margin.
// Real app, emulator, database, Chromium.

const SHOP = "long-term-browser.myshopify.com";
const SCREENSHOTS = "test-results/screenshots";
const SHOTS = process.env.LONG_TERM_SHOTS ?? "";
const DAY = 86_400_000;
const MEMBERS = 400;
let admin: EmbeddedAdmin;
let experimentId = "";

function noise(i: number, salt: number): number {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Harbor Coffee", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db, { databaseUrl }) => {
      // The running set (running.server.ts), which the launch's sweep reads, uses the process's
      // database: the owned one (read once, on first use, by env()).
      process.env.DATABASE_URL = databaseUrl;
      try {
        await saveProgram(db, SHOP, { currency: "USD" }, { basedOn: 1, note: "Launch" });
        await seedExperiment(db);
        // No usable model until the second test: the fit is recorded as failed.
        await db.lifetimeValueFit.updateMany({ where: { shop: SHOP }, data: { status: "failed" } });
      } finally {
        await closePgPools("experiments");
      }
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await admin?.close();
});

async function shot(name: string, full = true) {
  const path = `${SCREENSHOTS}/${name}.png`;
  await admin.page.screenshot({ path, fullPage: full });
  if (SHOTS) copyFileSync(path, `${SHOTS}/${name}.png`);
}

/** A fitted model, an experiment on long-term value launched 30 days ago, its members' orders before and after. */
async function seedExperiment(db: EmbeddedAdmin["db"]) {
  const now = Date.now();
  const launchedAt = new Date(now - 30 * DAY);
  await db.lifetimeValueFit.create({
    data: {
      shop: SHOP,
      trigger: "test",
      status: "fitted",
      currencyCode: "USD",
      purchaseParams: { r: 1.33, alpha: 180, a: 1.74, b: 5.84 },
      spendParams: { p: 8.1, q: 4.5, gamma: 34.6 },
    },
  });
  await db.member.createMany({
    data: Array.from({ length: MEMBERS }, (_, i) => ({
      shop: SHOP,
      customerId: BigInt(i + 1),
      createdAt: new Date(launchedAt.getTime() - 200 * DAY),
    })),
  });
  const created = await createExperiment(db, SHOP, {
    key: "deep-discount",
    name: "Deep discount vs standard",
    lever: "earnRate",
    primaryMetric: "longTermValue",
    secondaryMetrics: ["netRevenue", "netMargin"],
    variants: [
      { key: "control", name: "Standard", weight: 50, control: true },
      {
        key: "double",
        name: "Double points",
        weight: 50,
        override: { earning: { pointsPerCurrencyUnit: 2 } },
      },
    ],
  });
  if (!created.ok) throw new Error(`${created.message} ${JSON.stringify(created.fieldErrors)}`);
  experimentId = created.value.id;
  const launched = await launchExperiment(db, SHOP, experimentId, { now: launchedAt });
  if (!launched.ok) throw new Error(launched.message);
  await sweepExposures(db, SHOP, new Date(now));
  const exposures = await db.experimentExposure.findMany({ where: { shop: SHOP, experimentId } });
  const orders: Prisma.OrderCreateManyInput[] = [];
  let id = 1;
  const order = (customerId: bigint, at: number, total: number) =>
    orders.push({
      shop: SHOP,
      id: BigInt(id++),
      customerId,
      name: `#${1000 + id}`,
      currencyCode: "USD",
      subtotalMinor: BigInt(total),
      totalMinor: BigInt(total),
      financialStatus: "paid",
      shopifyCreatedAt: new Date(at),
      processedAt: new Date(at),
    });
  for (const x of exposures) {
    const i = Number(x.customerId);
    // Two orders in the 150 days before exposure; after it, the "double" arm buys more often.
    order(
      x.customerId,
      x.exposedAt.getTime() - (60 + 90 * noise(i, 1)) * DAY,
      4000 + Math.round(4000 * noise(i, 2)),
    );
    order(
      x.customerId,
      x.exposedAt.getTime() - (5 + 50 * noise(i, 3)) * DAY,
      4000 + Math.round(4000 * noise(i, 4)),
    );
    const buys = noise(i, 5) < (x.variantKey.endsWith(":double") ? 0.45 : 0.3);
    if (buys)
      order(
        x.customerId,
        x.exposedAt.getTime() + 25 * noise(i, 6) * DAY,
        4000 + Math.round(4000 * noise(i, 7)),
      );
  }
  await db.order.createMany({ data: orders });
  await db.$executeRawUnsafe("ANALYZE");
}

describe("the long-term objective in the admin", () => {
  it("is explained in the create flow and refused (422 on the primary metric) without a lifetime-value model", async () => {
    const { frame, openNav } = admin;
    await openNav("Experiments");
    await frame.getByRole("link", { name: "Create experiment" }).first().click();
    await frame.getByRole("heading", { name: "New experiment", level: 1 }).waitFor();
    await frame.getByLabel("Name", { exact: true }).fill("Deep discount 2");
    await frame
      .getByText(/^Earn rate/)
      .first()
      .click();
    await frame.getByRole("tab", { name: /Metrics/ }).click();
    await frame.getByLabel("Primary metric").selectOption("longTermValue");
    await frame.getByText(/plus how much the shop's lifetime-value model/).waitFor();
    await shot("long-term-create-metric");
    await frame.getByRole("tab", { name: /Review/ }).click();
    await frame.getByRole("button", { name: "Create and launch" }).click();
    await frame
      .getByText(/none has been fitted yet/)
      .first()
      .waitFor();
    await shot("long-term-create-422");
    expect(await admin.db.experiment.count({ where: { shop: SHOP, key: "deep-discount-2" } })).toBe(0);
  });

  it("reports the long-term value with what it measures", async () => {
    await admin.db.lifetimeValueFit.updateMany({ where: { shop: SHOP }, data: { status: "fitted" } });
    const { frame, page, openNav } = admin;
    await openNav("Experiments");
    await frame.getByRole("link", { name: "Deep discount vs standard" }).click();
    await frame.getByRole("heading", { name: "Deep discount vs standard", level: 1 }).waitFor();
    await frame.getByText("The primary metric is long-term value").waitFor();
    await frame
      .getByText(/Long-term value: net margin \+ change in predicted lifetime value/)
      .first()
      .waitFor();
    await page.setViewportSize({ width: 1440, height: 2400 });
    await page.waitForTimeout(2_000);
    await shot("long-term-report");
    await page.setViewportSize({ width: 1440, height: 1100 });
    expect(admin.pageErrors).toEqual([]);
    const model = await loadSurrogateModel(admin.db, SHOP);
    if (!model.ok) throw new Error(model.reason);
    const changes = await surrogateChanges(admin.db, SHOP, experimentId, new Date(), model.model);
    const exposures = await admin.db.experimentExposure.findMany({ where: { shop: SHOP, experimentId } });
    const armOf = new Map(exposures.map((x) => [x.customerId.toString(), x.variantKey]));
    const byArm = new Map<string, number[]>();
    changes.customerIds.forEach((id, k) =>
      byArm.set(armOf.get(id)!, [...(byArm.get(armOf.get(id)!) ?? []), changes.changes[k]!]),
    );
    // The arm that buys more often after exposure gains predicted value against the control.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(byArm.get("deep-discount:double")!)).toBeGreaterThan(
      mean(byArm.get("deep-discount:control")!),
    );
    for (const [arm, xs] of byArm)
      console.info(
        `DCLV ${arm}: ${xs.length} members, mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2)}, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}`,
      );
  });
});
