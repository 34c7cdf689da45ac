import { copyFileSync, mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "../../app/db.server";
import { closePgPools } from "../../app/db/pg-pools.server";
import { updateBandit } from "../../app/experiments/bandit.server";
import { createExperiment } from "../../app/experiments/experiments.server";
import { launchExperiment } from "../../app/experiments/lifecycle.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// A contextual bandit's report: an earn-rate bandit allocating by new vs returning members,
// whose segment allocations were written by the app's own daily update as the history
// unfolded (members joining every day are new, the members from before launch with an order
// are returning; new members buy more on double points, returning ones do not). The card
// shows the best arm per segment, how sure, and each segment's allocation. Real app,
// emulator, database, Chromium.

const SHOP = "contextual-browser.myshopify.com";
const SCREENSHOTS = "test-results/screenshots";
const SHOTS = process.env.CONTEXTUAL_SHOTS ?? "";
const DAY = 86_400_000;
const FOUNDERS = 400;
const JOINING_A_DAY = 40;
let admin: EmbeddedAdmin;

function noise(i: number, salt: number): number {
  const x = Math.sin(i * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

/** Orders per member by arm and context: double points win for new members and not for returning ones. */
const ORDERS: Record<string, Record<string, number>> = {
  "earn-by-context:control": { new: 0.6, returning: 1.4 },
  "earn-by-context:double": { new: 1.4, returning: 0.7 },
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

async function seed(db: EmbeddedAdmin["db"]) {
  const now = new Date();
  const launchedAt = new Date(now.getTime() - 14 * DAY - 2 * 3600_000);
  await db.member.createMany({
    data: [
      ...Array.from({ length: FOUNDERS }, (_, i) => ({
        shop: SHOP,
        customerId: BigInt(i + 1),
        createdAt: new Date(launchedAt.getTime() - 60 * DAY),
      })),
      ...Array.from({ length: 14 * JOINING_A_DAY }, (_, j) => ({
        shop: SHOP,
        customerId: BigInt(FOUNDERS + j + 1),
        createdAt: new Date(launchedAt.getTime() + (j / JOINING_A_DAY) * DAY + 3600_000),
      })),
    ],
  });
  let orderId = 1;
  const order = (customerId: bigint, placed: Date, total: number): Prisma.OrderCreateManyInput => ({
    shop: SHOP,
    id: BigInt(orderId++),
    customerId,
    name: `#${1000 + orderId}`,
    currencyCode: "USD",
    subtotalMinor: BigInt(total),
    totalMinor: BigInt(total),
    financialStatus: "paid",
    shopifyCreatedAt: placed,
    processedAt: placed,
  });
  // The founders bought before launch: they are returning members.
  await db.order.createMany({
    data: Array.from({ length: FOUNDERS }, (_, i) =>
      order(BigInt(i + 1), new Date(launchedAt.getTime() - (10 + 30 * noise(i, 0)) * DAY), 4800),
    ),
  });
  const created = await createExperiment(db, SHOP, {
    key: "earn-by-context",
    name: "Double points by member type",
    hypothesis: "Double points bring new members back; returning members come back anyway.",
    lever: "earnRate",
    primaryMetric: "orders",
    variants: [
      { key: "control", name: "Points as they are", weight: 50, control: true },
      {
        key: "double",
        name: "Double points",
        weight: 50,
        override: { earning: { pointsPerCurrencyUnit: 2 } },
      },
    ],
    bandit: { cadenceMinutes: 1440, burnInPeriods: 3, minMembersPerArm: 30, context: "newVsReturning" },
  });
  if (!created.ok) throw new Error(`${created.message} ${JSON.stringify(created.fieldErrors)}`);
  const id = created.value.id;
  const launched = await launchExperiment(db, SHOP, id, { now: launchedAt });
  if (!launched.ok) throw new Error(launched.message);
  const ordered = new Set<bigint>();
  const ordersFor = async () => {
    const exposures = await db.experimentExposure.findMany({ where: { shop: SHOP, experimentId: id } });
    const orders: Prisma.OrderCreateManyInput[] = [];
    for (const x of exposures) {
      if (ordered.has(x.customerId) || !x.context) continue;
      ordered.add(x.customerId);
      const i = Number(x.customerId);
      const count = Math.floor(ORDERS[x.variantKey]![x.context]! * 2 * noise(i, 1) + 0.5);
      for (let k = 0; k < count; k++) {
        const placed = new Date(x.exposedAt.getTime() + (0.2 + 3 * noise(i, 2 + k)) * DAY);
        if (placed < now)
          orders.push(order(x.customerId, placed, Math.round(5000 * (0.5 + noise(i, 10 + k)))));
      }
    }
    if (orders.length) await db.order.createMany({ data: orders });
  };
  await ordersFor();
  for (let p = 1; p <= 14; p++) {
    const at = new Date(launchedAt.getTime() + p * DAY + 60_000);
    if (at > now) break;
    await updateBandit(db, SHOP, id, at);
    await ordersFor();
  }
  await db.$executeRawUnsafe("ANALYZE");
  console.info(
    `seeded: ${await db.experimentExposure.count()} exposures, ${await db.experimentSegmentAllocation.count()} segment allocations, ${orderId - 1} orders`,
  );
}

afterAll(async () => {
  await admin?.close();
});

describe("a contextual bandit in the admin", () => {
  it("shows the best arm per segment, how sure, members and each segment's allocation", async () => {
    const { frame, page, openNav } = admin;
    await openNav("Experiments");
    await frame.getByRole("link", { name: "Double points by member type" }).click();
    await frame.getByRole("heading", { name: "Best arm by segment: New vs returning" }).waitFor();
    const card = await frame.getByTestId("bandit-segments").innerText();
    expect(card).toMatch(/New members/);
    expect(card).toMatch(/Returning members/);
    const rows = await admin.db.experimentSegmentAllocation.findMany({
      where: { shop: SHOP },
      orderBy: [{ period: "desc" }, { segment: "asc" }],
      take: 2,
    });
    console.info(
      rows.map((r) => `${r.period} ${r.segment} ${r.members} ${JSON.stringify(r.weights)}`).join("\n"),
    );
    const best = (segment: string) => {
      const arms = (
        rows.find((r) => r.segment === segment)!.posterior as { arms: { probabilityBest: number }[] }
      ).arms;
      return arms[1]!.probabilityBest > arms[0]!.probabilityBest ? "Double points" : "Points as they are";
    };
    expect(best("new")).toBe("Double points");
    expect(best("returning")).toBe("Points as they are");
    // The sample-ratio check follows the segments' allocations, not the pooled one.
    expect(await frame.getByText("Sample ratio mismatch").count()).toBe(0);
    await page.setViewportSize({ width: 1440, height: 3400 });
    await page.waitForTimeout(2_500);
    await frame.getByTestId("bandit-segments").scrollIntoViewIfNeeded();
    const path = `${SCREENSHOTS}/contextual-bandit-report.png`;
    await page.screenshot({ path, fullPage: true });
    if (SHOTS) copyFileSync(path, `${SHOTS}/contextual-bandit-report.png`);
    const cardPath = `${SCREENSHOTS}/contextual-bandit-segments-card.png`;
    await frame
      .getByTestId("bandit-segments")
      .locator("xpath=ancestor::div[contains(@class,'Polaris-ShadowBevel')][1]")
      .screenshot({ path: cardPath });
    if (SHOTS) copyFileSync(cardPath, `${SHOTS}/contextual-bandit-segments-card.png`);
    expect(admin.pageErrors).toEqual([]);
  });
});
