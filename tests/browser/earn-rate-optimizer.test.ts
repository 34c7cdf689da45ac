import { copyFileSync, mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "../../app/db.server";
import { closePgPools } from "../../app/db/pg-pools.server";
import { updateBandit } from "../../app/experiments/bandit.server";
import { tuneEarnRate } from "../../app/experiments/earn-rate-optimizer.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The earn-rate optimizer in the admin: the "Tune earn rate" form's 422s on its fields, and
// the report of a two-week optimizer whose allocations the app's own update wrote as the
// history unfolded (the GP's response curve, the allocation over time). The members' orders
// are seeded by arm: spend per order peaks at 4 points per $1 (no redemptions, so net margin
// is 40% of revenue). The seeded optimizer updates daily (the form's default is hourly) so the
// history takes 14 updates. Real app, emulator, database, Chromium.

const SHOP = "earn-rate-browser.myshopify.com";
const SCREENSHOTS = "test-results/screenshots";
const SHOTS = process.env.EARN_RATE_SHOTS ?? "";
const DAY = 86_400_000;
const FOUNDERS = 500;
const JOINING_A_DAY = 60;
let admin: EmbeddedAdmin;
let experimentId = "";

function noise(i: number, salt: number): number {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

/** Spend per order (minor units) by the arm's rate: a peak at 4 points per $1. */
const spendAt = (rate: number) => Math.round(4000 * (1 + 0.35 * Math.exp(-(Math.log(rate / 4) ** 2) / 1.2)));

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Harbor Coffee", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db, { databaseUrl }) => {
      process.env.DATABASE_URL = databaseUrl;
      try {
        await seed(db);
      } finally {
        await closePgPools("experiments");
      }
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
}, 900_000);

async function seed(db: EmbeddedAdmin["db"]) {
  const now = new Date();
  const launchedAt = new Date(now.getTime() - 14 * DAY - 2 * 3600_000);
  await db.member.createMany({
    data: [
      ...Array.from({ length: FOUNDERS }, (_, i) => ({
        shop: SHOP,
        customerId: BigInt(i + 1),
        createdAt: new Date(launchedAt.getTime() - 30 * DAY),
      })),
      ...Array.from({ length: 14 * JOINING_A_DAY }, (_, j) => ({
        shop: SHOP,
        customerId: BigInt(FOUNDERS + j + 1),
        createdAt: new Date(launchedAt.getTime() + (j / JOINING_A_DAY) * DAY + 3600_000),
      })),
    ],
  });
  const tuned = await tuneEarnRate(db, SHOP, { min: "0.5", max: "8", count: "5" }, null, launchedAt);
  if (!tuned.ok) throw new Error(`${tuned.message} ${JSON.stringify(tuned.fieldErrors)}`);
  experimentId = tuned.value.id;
  const e = await db.experiment.findUniqueOrThrow({ where: { id: experimentId } });
  await db.experiment.update({
    where: { id: experimentId },
    data: {
      bandit: {
        ...(e.bandit as Prisma.JsonObject),
        cadenceMinutes: 1440,
        burnInPeriods: 3,
        minMembersPerArm: 30,
      },
    },
  });
  const variants = await db.experimentVariant.findMany({ where: { experimentId } });
  const rateOf = new Map(
    variants.map((v) => [
      `${e.key}:${v.key}`,
      (v.override as { earning?: { pointsPerCurrencyUnit: number } }).earning?.pointsPerCurrencyUnit ?? 1,
    ]),
  );
  const ordered = new Set<bigint>();
  let orderId = 1;
  const ordersFor = async () => {
    const exposures = await db.experimentExposure.findMany({ where: { shop: SHOP, experimentId } });
    const orders: Prisma.OrderCreateManyInput[] = [];
    for (const x of exposures) {
      if (ordered.has(x.customerId)) continue;
      ordered.add(x.customerId);
      const i = Number(x.customerId);
      const spend = spendAt(rateOf.get(x.variantKey)!);
      const count = Math.floor(2.4 * noise(i, 1) + 0.5);
      for (let k = 0; k < count; k++) {
        const placed = new Date(x.exposedAt.getTime() + (0.2 + 3 * noise(i, 2 + k)) * DAY);
        if (placed >= now) continue;
        const total = Math.round(spend * (0.5 + noise(i, 10 + k)));
        orders.push({
          shop: SHOP,
          id: BigInt(orderId++),
          customerId: x.customerId,
          name: `#${1000 + orderId}`,
          currencyCode: "USD",
          subtotalMinor: BigInt(total),
          totalMinor: BigInt(total),
          financialStatus: "paid",
          shopifyCreatedAt: placed,
          processedAt: placed,
        });
      }
    }
    if (orders.length) await db.order.createMany({ data: orders });
  };
  await ordersFor();
  for (let p = 1; p <= 14; p++) {
    const at = new Date(launchedAt.getTime() + p * DAY + 60_000);
    if (at > now) break;
    await updateBandit(db, SHOP, experimentId, at);
    await ordersFor();
  }
  await db.$executeRawUnsafe("ANALYZE");
}

afterAll(async () => {
  await admin?.close();
});

async function shot(name: string, full = true) {
  const path = `${SCREENSHOTS}/${name}.png`;
  await admin.page.screenshot({ path, fullPage: full });
  if (SHOTS) copyFileSync(path, `${SHOTS}/${name}.png`);
}

describe("the earn-rate optimizer in the admin", () => {
  it("refuses a zero rate and 100× the live rate on their fields", async () => {
    const { frame, openNav } = admin;
    await openNav("Experiments");
    // Exact names: the running experiment's link ("Tune earn rate: 0.5 to 8 …") and its report's
    // heading would match a substring, and which comes first depends on how Polaris lays out the
    // page actions.
    await frame
      .getByRole("button", { name: "Tune earn rate", exact: true })
      .or(frame.getByRole("link", { name: "Tune earn rate", exact: true }))
      .first()
      .click();
    await frame.getByRole("heading", { name: "Tune earn rate", exact: true, level: 1 }).waitFor();
    await frame.getByLabel(/Lowest rate/).fill("0");
    await frame.getByLabel(/Highest rate/).fill("100");
    await frame.getByRole("button", { name: "Start tuning" }).click();
    await frame.getByText(/The lowest rate must be above zero/).waitFor();
    await frame
      .getByText(/Below 100× the live rate/)
      .first()
      .waitFor();
    await shot("tune-earn-rate-422");
    expect(await admin.db.experiment.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("shows the optimizer's report: the response curve over the range and the allocation over time", async () => {
    const { frame, page, openNav } = admin;
    await openNav("Experiments");
    await frame.getByRole("link", { name: /Tune earn rate: 0.5 to 8/ }).click();
    await frame.getByRole("heading", { name: /Net incremental margin per member by earn rate/ }).waitFor();
    await frame
      .getByTestId("response-curve-chart")
      .locator("svg")
      .first()
      .waitFor({ state: "attached", timeout: 30_000 });
    const rates = await frame.getByTestId("response-curve-rates").innerText();
    expect(rates).toMatch(/4 points per USD/);
    expect(rates).toMatch(/\$\d+\.\d{2} to \$\d+\.\d{2}/);
    await frame.getByText(/^Best so far: /).waitFor();
    await page.setViewportSize({ width: 1440, height: 3600 });
    await page.waitForTimeout(2_500);
    await shot("earn-rate-optimizer-report");
    await page.setViewportSize({ width: 1440, height: 1100 });
    const allocations = await admin.db.experimentAllocation.findMany({
      where: { shop: SHOP, experimentId },
      orderBy: { period: "asc" },
    });
    console.info(allocations.map((w) => `${w.period} ${w.phase} ${JSON.stringify(w.weights)}`).join("\n"));
    expect(admin.pageErrors).toEqual([]);
  });
});
