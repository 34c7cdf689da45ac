import { copyFileSync, mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "../../app/db.server";
import { closePgPools } from "../../app/db/pg-pools.server";
import { updateBandit } from "../../app/experiments/bandit.server";
import { createExperiment } from "../../app/experiments/experiments.server";
import { launchExperiment } from "../../app/experiments/lifecycle.server";
import { saveProgram } from "../../app/loyalty/services/program.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// A bandit in the admin: the create flow's "Audience & split" step with the bandit's settings
// (a 422 on its field) and the review's sentence, and a 14-day reward-threshold bandit's report
// whose allocations were written by the app's own daily update as the history unfolded (members
// joining every day get the allocation in force when they join; each arm's members then buy as
// that arm makes them). Real app, emulator, database, Chromium.

const SHOP = "bandit-browser.myshopify.com";
const SCREENSHOTS = "test-results/screenshots";
const SHOTS = process.env.BANDIT_SHOTS ?? "";
const DAY = 86_400_000;
const FOUNDERS = 450;
const JOINING_A_DAY = 40;
let admin: EmbeddedAdmin;
let banditId = "";

function noise(i: number, salt: number): number {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

/** What a member of each arm spends per order (minor units) and how many orders they place. */
const ARM = {
  "reward-thresholds:control": { spend: 5200, orders: 1.0 },
  "reward-thresholds:minus-25": { spend: 5600, orders: 1.5 },
  "reward-thresholds:minus-40": { spend: 5400, orders: 1.25 },
} as const;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Harbor Coffee", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db, { databaseUrl }) => {
      // The running set (running.server.ts), which the sweep and the update read, uses the
      // process's database: the owned one (read once, on first use, by env()).
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
}, 300_000);

async function seed(db: EmbeddedAdmin["db"]) {
  const now = new Date();
  const reward = (id: string, name: string, amountMinor: number, pointsCost: number) => ({
    id,
    name,
    value: { kind: "fixedAmount" as const, amount: { amountMinor, currency: "USD" } },
    pointsCost,
  });
  await saveProgram(
    db,
    SHOP,
    {
      currency: "USD",
      rewards: [reward("five", "$5 off", 500, 500), reward("ten", "$10 off", 1000, 900)],
    },
    { basedOn: 1, note: "Launch" },
  );
  const launchedAt = new Date(now.getTime() - 14 * DAY - 2 * 3600_000);
  await db.member.createMany({
    data: [
      ...Array.from({ length: FOUNDERS }, (_, i) => ({
        shop: SHOP,
        customerId: BigInt(i + 1),
        createdAt: new Date(launchedAt.getTime() - 30 * DAY),
      })),
      // New members every day since launch: each gets the allocation in force when they join.
      ...Array.from({ length: 14 * JOINING_A_DAY }, (_, j) => ({
        shop: SHOP,
        customerId: BigInt(FOUNDERS + j + 1),
        createdAt: new Date(launchedAt.getTime() + (j / JOINING_A_DAY) * DAY + 3600_000),
      })),
    ],
  });
  const cheaper = (factor: number) => ({
    rewards: [reward("five", "$5 off", 500, 500 * factor), reward("ten", "$10 off", 1000, 900 * factor)],
  });
  const created = await createExperiment(db, SHOP, {
    key: "reward-thresholds",
    name: "Reward thresholds",
    hypothesis: "Rewards within closer reach bring members back for the next order.",
    lever: "rewards",
    primaryMetric: "netRevenue",
    secondaryMetrics: ["orders"],
    variants: [
      { key: "control", name: "Reward costs as they are", weight: 34, control: true },
      { key: "minus-25", name: "Rewards 25% closer", weight: 33, override: cheaper(0.75) },
      { key: "minus-40", name: "Rewards 40% closer", weight: 33, override: cheaper(0.6) },
    ],
    bandit: { cadenceMinutes: 1440, burnInPeriods: 3, minMembersPerArm: 30 },
  });
  if (!created.ok) throw new Error(`${created.message} ${JSON.stringify(created.fieldErrors)}`);
  banditId = created.value.id;
  const launched = await launchExperiment(db, SHOP, banditId, { now: launchedAt });
  if (!launched.ok) throw new Error(launched.message);
  // Each day: the app's update at the day's start (it sweeps who joined by then), then the
  // orders of the members it exposed, by their arm, placed after their exposure.
  const ordered = new Set<bigint>();
  let orderId = 1;
  const ordersFor = async () => {
    const exposures = await db.experimentExposure.findMany({
      where: { shop: SHOP, experimentId: banditId },
    });
    const orders: Prisma.OrderCreateManyInput[] = [];
    for (const x of exposures) {
      if (ordered.has(x.customerId)) continue;
      ordered.add(x.customerId);
      const i = Number(x.customerId);
      const arm = ARM[x.variantKey as keyof typeof ARM];
      const count = Math.floor(arm.orders * 2 * noise(i, 1) + 0.5);
      for (let k = 0; k < count; k++) {
        const placed = new Date(x.exposedAt.getTime() + (0.2 + 3 * noise(i, 2 + k)) * DAY);
        if (placed >= now) continue;
        const total = Math.round(arm.spend * (0.5 + noise(i, 10 + k)));
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
    await updateBandit(db, SHOP, banditId, at);
    await ordersFor();
  }
  await db.$executeRawUnsafe("ANALYZE");
  console.info(
    `seeded: ${await db.experimentExposure.count()} exposures, ${await db.experimentAllocation.count()} allocations, ${orderId - 1} orders`,
  );
}

afterAll(async () => {
  await admin?.close();
});

async function shot(name: string, full = true) {
  const path = `${SCREENSHOTS}/${name}.png`;
  await admin.page.screenshot({ path, fullPage: full });
  if (SHOTS) copyFileSync(path, `${SHOTS}/${name}.png`);
}

describe("a bandit in the admin", () => {
  it("offers the bandit in the create flow, puts a 422 on its field, and says in the review what it will do", async () => {
    const { frame, openNav } = admin;
    await openNav("Experiments");
    await frame.getByRole("link", { name: "Create experiment" }).first().click();
    await frame.getByRole("heading", { name: "New experiment", level: 1 }).waitFor();
    await frame.getByLabel("Name", { exact: true }).fill("Closer rewards");
    await frame.getByText("Rewards: the set, their cost and value", { exact: true }).click();
    await frame.getByRole("button", { name: "Next: Variants" }).click();
    await frame.getByLabel("$5 off: cost").first().fill("350");
    await frame.getByRole("tab", { name: /Audience & split/ }).click();
    await frame.getByText("Bandit (moves traffic to the better arm)").click();
    await frame.getByLabel("Minimum share per variant").waitFor();
    // The defaults are filled in, with their plain-words help.
    expect(await frame.getByLabel("Burn-in").inputValue()).toBe("24");
    await frame.getByText(/Updates at equal shares before the results may move traffic \(1 day\)/).waitFor();
    await shot("create-bandit-step");
    await frame.getByLabel("Minimum share per variant").fill("60");
    await frame.getByRole("tab", { name: /Review/ }).click();
    await frame
      .getByTestId("review-allocation")
      .getByText(/every hour the bandit gives new members/)
      .waitFor();
    await frame.getByRole("button", { name: "Create and launch" }).click();
    // The server's 422 opens the step of the field and puts the message on it.
    await frame.getByText("At most 50%.").waitFor();
    await shot("create-bandit-422");
    await frame.getByLabel("Minimum share per variant").fill("5");
    await frame.getByRole("tab", { name: /Review/ }).click();
    const review = await frame.getByTestId("review-allocation").innerText();
    expect(review).toMatch(
      /^Bandit: For the first 24 updates \(1 day\) every variant gets an equal share \(50% each\)\. After that, every hour/,
    );
    await shot("create-bandit-review");
    expect(await admin.db.experiment.count({ where: { shop: SHOP, key: "closer-rewards" } })).toBe(0);
  });

  it("shows the bandit's report: allocation over time, posteriors, chance of being best, expected loss", async () => {
    const { frame, page, openNav } = admin;
    await openNav("Experiments");
    await frame.getByRole("link", { name: "Reward thresholds" }).click();
    await frame.getByRole("heading", { name: "Reward thresholds", level: 1 }).waitFor();
    await frame.getByRole("heading", { name: "Allocation over time" }).waitFor();
    await frame
      .getByTestId("allocation-chart")
      .locator("svg")
      .first()
      .waitFor({ state: "attached", timeout: 30_000 });
    const arms = await frame.getByTestId("bandit-arms").innerText();
    expect(arms).toMatch(/Rewards 25% closer/);
    expect(arms).toMatch(/\$\d+\.\d{2} to \$\d+\.\d{2}/);
    expect(arms).toMatch(/%/);
    await frame.getByText(/Next update due .+ E[SD]T\./).waitFor();
    await frame.getByText("The fixed-split analysis below pools every period").waitFor();
    // The admin frame is as tall as the window: a tall window shows the whole report.
    await page.setViewportSize({ width: 1440, height: 3000 });
    await page.waitForTimeout(2_500);
    await shot("bandit-report");
    await page.setViewportSize({ width: 1440, height: 1100 });
    const weights = await admin.db.experimentAllocation.findMany({
      where: { shop: SHOP, experimentId: banditId },
      orderBy: { period: "asc" },
    });
    console.info(weights.map((w) => `${w.period} ${w.phase} ${JSON.stringify(w.weights)}`).join("\n"));
    expect(admin.pageErrors).toEqual([]);
  });
});
