import { copyFileSync, mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "../../app/db.server";
import { closePgPools } from "../../app/db/pg-pools.server";
import { evaluateAutoApply, setAutoApply } from "../../app/experiments/auto-apply.server";
import { createExperiment } from "../../app/experiments/experiments.server";
import { launchExperiment } from "../../app/experiments/lifecycle.server";
import { saveProgram } from "../../app/loyalty/services/program.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// Auto-apply in the admin (ADR 0045): an earn-rate test that the optimizer shipped
// (its evaluation run by the app's own code over seeded orders), a rewards test it paused for
// a reward-cost breach, and a draft whose card turns auto-apply on (a 422 on its field first).
// The experiments list carries both notices; the shipped report reverts in one click.

const SHOP = "auto-apply-browser.myshopify.com";
const SCREENSHOTS = "test-results/screenshots";
const SHOTS = process.env.AUTO_APPLY_SHOTS ?? "";
const DAY = 86_400_000;
let admin: EmbeddedAdmin;
const ids = { shipped: "", paused: "", draft: "" };

const noise = (i: number, salt: number) => {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
};

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
}, 300_000);

afterAll(async () => {
  await admin?.close();
});

type Db = EmbeddedAdmin["db"];

/** 300 members per arm exposed at launch, each with an order, a used reward and points; the variant's revenue and reward cost scaled. */
async function members(
  db: Db,
  id: string,
  key: string,
  from: number,
  launchedAt: Date,
  lift: { revenue: number; cost: number },
) {
  const orders: Prisma.OrderCreateManyInput[] = [];
  const redemptions: Prisma.RedemptionCreateManyInput[] = [];
  const ledger: Prisma.LedgerEntryCreateManyInput[] = [];
  const exposures: Prisma.ExperimentExposureCreateManyInput[] = [];
  for (let i = 0; i < 600; i++) {
    const customerId = BigInt(from + i);
    const variant = i % 2 === 0 ? "control" : "variant";
    const on = variant === "variant" ? 1 : 0;
    const placed = new Date(launchedAt.getTime() + DAY + i * 60_000);
    const total = Math.round((4000 + noise(i, 1) * 4000) * (1 + on * lift.revenue));
    orders.push({
      shop: SHOP,
      id: customerId,
      customerId,
      name: `#${customerId}`,
      currencyCode: "USD",
      subtotalMinor: BigInt(total),
      totalMinor: BigInt(total),
      financialStatus: "paid",
      shopifyCreatedAt: placed,
      processedAt: placed,
    });
    const amount = Math.round((300 + noise(i, 2) * 400) * (1 + on * lift.cost));
    redemptions.push({
      shop: SHOP,
      customerId,
      rewardId: "five",
      reward: { value: { kind: "fixedAmount", amount: { amountMinor: amount, currency: "USD" } } },
      pointsCost: 500,
      programVersion: 1,
      status: "used",
      usedOrderId: customerId,
      createdAt: placed,
    });
    ledger.push({
      shop: SHOP,
      customerId,
      key: `${SHOP}:${customerId}:earn`,
      kind: "adjustment",
      points: Math.round(40 + noise(i, 3) * 40),
      bucket: "available",
      occurredAt: placed,
      programVersion: 1,
    });
    exposures.push({
      shop: SHOP,
      experimentId: id,
      customerId,
      variantKey: `${key}:${variant}`,
      exposedAt: launchedAt,
      trigger: "assignment",
    });
  }
  await db.member.createMany({
    data: orders.map((o) => ({
      shop: SHOP,
      customerId: o.customerId!,
      createdAt: new Date(launchedAt.getTime() - 30 * DAY),
    })),
  });
  await db.order.createMany({ data: orders });
  await db.redemption.createMany({ data: redemptions });
  await db.ledgerEntry.createMany({ data: ledger });
  await db.experimentExposure.createMany({ data: exposures });
}

async function seed(db: Db) {
  const now = new Date();
  const launchedAt = new Date(now.getTime() - 10 * DAY);
  const reward = (id: string, name: string, amountMinor: number, pointsCost: number) => ({
    id,
    name,
    value: { kind: "fixedAmount" as const, amount: { amountMinor, currency: "USD" } },
    pointsCost,
  });
  await saveProgram(
    db,
    SHOP,
    { currency: "USD", rewards: [reward("five", "$5 off", 500, 500), reward("ten", "$10 off", 1000, 900)] },
    { basedOn: 1, note: "Launch" },
  );
  const test = async (
    key: string,
    name: string,
    lever: string,
    override: Record<string, unknown>,
    variantName: string,
  ) => {
    const created = await createExperiment(db, SHOP, {
      key,
      name,
      lever,
      primaryMetric: "netRevenue",
      variants: [
        { key: "control", name: "As it is", weight: 50, control: true },
        { key: "variant", name: variantName, weight: 50, override },
      ],
    });
    if (!created.ok) throw new Error(`${created.message} ${JSON.stringify(created.fieldErrors)}`);
    return created.value.id;
  };
  ids.shipped = await test(
    "double-points",
    "Double points",
    "earnRate",
    { earning: { pointsPerCurrencyUnit: 2 } },
    "Double points",
  );
  ids.paused = await test(
    "cheaper-rewards",
    "Cheaper rewards",
    "rewards",
    { rewards: [reward("five", "$5 off", 500, 300), reward("ten", "$10 off", 1000, 600)] },
    "Rewards 40% closer",
  );
  ids.draft = await test(
    "signup-bonus",
    "Bigger signup bonus",
    "bonuses",
    { earning: { bonuses: { signup: 200 } } },
    "200 points at signup",
  );
  for (const id of [ids.shipped, ids.paused]) {
    const launched = await launchExperiment(db, SHOP, id, { now: launchedAt });
    if (!launched.ok) throw new Error(launched.message);
  }
  await members(db, ids.shipped, "double-points", 1, launchedAt, { revenue: 0.4, cost: 0 });
  await members(db, ids.paused, "cheaper-rewards", 10_001, launchedAt, { revenue: 0.4, cost: 1 });
  await db.$executeRawUnsafe("ANALYZE");
  for (const id of [ids.shipped, ids.paused]) {
    await setAutoApply(db, SHOP, id, { enabled: true }, { now: new Date(launchedAt.getTime() + 60_000) });
    const outcome = await evaluateAutoApply(db, SHOP, id, now);
    console.info(JSON.stringify(outcome.status === "evaluated" ? outcome.decision.action : outcome.status));
  }
}

async function shot(name: string) {
  const path = `${SCREENSHOTS}/${name}.png`;
  await admin.page.screenshot({ path, fullPage: true });
  if (SHOTS) copyFileSync(path, `${SHOTS}/${name}.png`);
}

describe("auto-apply in the admin", () => {
  it("lists what the optimizer shipped and what it paused", async () => {
    const { frame, openNav } = admin;
    await openNav("Experiments");
    await frame.getByText("Auto-apply shipped a winner").waitFor();
    await frame
      .getByText(/The optimizer shipped Double points of “Double points” as program version \d+\./)
      .waitFor();
    await frame
      .getByText(
        /The optimizer paused “Cheaper rewards”: Rewards 40% closer: guardrail Reward cost per member is worse/,
      )
      .waitFor();
    await shot("auto-apply-list");
  });

  it("shows the shipped report's card and reverts in one click", async () => {
    const { frame, page, openNav } = admin;
    await openNav("Experiments");
    await frame.getByRole("link", { name: "Double points" }).click();
    const card = frame.getByTestId("auto-apply-card");
    await card.waitFor();
    const text = await card.innerText();
    expect(text).toMatch(/The optimizer shipped Double points as program version \d+/);
    expect(text).toMatch(/earn rate, to the winning variant's setting/);
    expect(text).toMatch(/Double points: Earn rate: 1 → 2 points per USD/);
    expect(text).toMatch(/Reward cost per member may not rise by more than 25%/);
    expect(text).toMatch(/Shipped Double points \(rule: sequential test\)/);
    await page.setViewportSize({ width: 1440, height: 2600 });
    await page.waitForTimeout(1_500);
    await shot("auto-apply-shipped-report");
    await card.getByRole("button", { name: "Revert" }).click();
    await card.getByText(/Ship reverted by/).waitFor();
    await page.setViewportSize({ width: 1440, height: 1100 });
    const program = await admin.db.programVersion.findFirst({
      where: { shop: SHOP },
      orderBy: { version: "desc" },
    });
    expect(program?.note).toMatch(/^Reverted Shipped experiment double-points/);
  });

  it("shows why the optimizer paused the rewards test", async () => {
    const { frame, page, openNav } = admin;
    await openNav("Experiments");
    await frame.getByRole("link", { name: "Cheaper rewards" }).click();
    const card = frame.getByTestId("auto-apply-card");
    await card.getByText("Blocked: the optimizer paused this experiment").waitFor();
    expect(await card.innerText()).toMatch(
      /Paused the experiment: Rewards 40% closer: guardrail Reward cost per member is worse by more than its 25.0% limit/,
    );
    await page.setViewportSize({ width: 1440, height: 2600 });
    await page.waitForTimeout(1_500);
    await shot("auto-apply-blocked-report");
    await page.setViewportSize({ width: 1440, height: 1100 });
  });

  it("turns auto-apply on for a draft, with a 422 on a setting first", async () => {
    const { frame, openNav } = admin;
    await openNav("Experiments");
    await frame.getByRole("link", { name: "Bigger signup bonus" }).click();
    const card = frame.getByTestId("auto-apply-card");
    await card.getByText("Nothing is applied without you.").waitFor();
    await card.getByLabel("Members per variant, at least").fill("5");
    await card.getByRole("button", { name: "Turn on auto-apply" }).click();
    await card.getByText("At least 30 members per variant.").first().waitFor();
    await shot("auto-apply-422");
    await card.getByLabel("Members per variant, at least").fill("200");
    await card.getByRole("button", { name: "Turn on auto-apply" }).click();
    await card.getByRole("button", { name: "Turn off auto-apply" }).waitFor();
    await card.getByText(/Turned on by .*at least 200 members per variant/).waitFor();
    await shot("auto-apply-on");
    const row = await admin.db.experiment.findFirst({ where: { id: ids.draft } });
    expect(row?.autoApply).toMatchObject({ minMembersPerArm: 200, probabilityBest: 0.95 });
    expect(admin.pageErrors).toEqual([]);
  });
});
