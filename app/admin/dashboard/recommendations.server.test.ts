import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { createExperiment } from "~/experiments/experiments.server";
import { launchExperiment } from "~/experiments/lifecycle.server";
import { saveProgram } from "~/loyalty/services/program.server";
import { forgetBusinessFigures } from "~/stats/business.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { loadRecommendations } from "./recommendations.server";

// The dashboard's recommendations from a real shop's data: a test whose treatment clearly
// wins is offered to apply; a reward nobody can afford and one everybody holds are offered
// to test; the earn rate, never tested, is offered to tune; nothing leaks from another shop.

const db = prisma();
const SHOP = "recommendations.myshopify.com";
const OTHER = "recommendations-other.myshopify.com";
const NOW = new Date();
const DAY = 86_400_000;
const MEMBERS = 400;

const reward = (id: string, name: string, pointsCost: number, amountMinor: number) => ({
  id,
  name,
  value: { kind: "fixedAmount" as const, amount: { amountMinor, currency: "USD" } },
  pointsCost,
});

beforeEach(async () => {
  await resetDatabase(db);
  forgetBusinessFigures();
  await db.shop.createMany({
    data: [{ domain: SHOP, ianaTimezone: "America/New_York", currencyCode: "USD" }],
  });
  await saveProgram(
    db,
    SHOP,
    {
      currency: "USD",
      rewards: [
        reward("far", "$50 off", 50_000, 5000),
        reward("easy", "$1 off", 10, 100),
        reward("fine", "$5 off", 500, 500),
      ],
    },
    { basedOn: 1, note: "Launch" },
  );
  // 400 members, each with 300 lifetime points over a year and a balance between 0 and 799.
  await db.member.createMany({
    data: Array.from({ length: MEMBERS }, (_, i) => ({
      shop: SHOP,
      customerId: BigInt(i + 1),
      enrolledAt: new Date(NOW.getTime() - 365 * DAY),
      createdAt: new Date(NOW.getTime() - 365 * DAY),
      lifetimePoints: 300,
      availablePoints: (i * 2) % 800,
    })),
  });
  // The other shop's members all hold the far reward's cost: they must not count here.
  await db.member.createMany({
    data: Array.from({ length: 50 }, (_, i) => ({
      shop: OTHER,
      customerId: BigInt(i + 1),
      availablePoints: 60_000,
    })),
  });
});

async function winningExperiment() {
  const created = await createExperiment(db, SHOP, {
    key: "double-points",
    name: "Double points",
    lever: "earnRate",
    primaryMetric: "netRevenue",
    variants: [
      { key: "control", name: "One point", weight: 50, control: true },
      { key: "double", name: "Two points", weight: 50, override: { earning: { pointsPerCurrencyUnit: 2 } } },
    ],
  });
  if (!created.ok) throw new Error(created.message);
  const id = created.value.id;
  const launchedAt = new Date(NOW.getTime() - 20 * DAY);
  expect((await launchExperiment(db, SHOP, id, { now: launchedAt })).ok).toBe(true);
  const exposures = await db.experimentExposure.findMany({ where: { shop: SHOP, experimentId: id } });
  // The treatment's members buy 80–100 dollars, the control's 50–70.
  await db.order.createMany({
    data: exposures.map((x, i) => ({
      shop: SHOP,
      id: BigInt(i + 1),
      customerId: x.customerId,
      name: `#${1000 + i}`,
      currencyCode: "USD",
      subtotalMinor: 0n,
      totalMinor: BigInt((x.variantKey.endsWith(":double") ? 8000 : 5000) + (i % 5) * 500),
      financialStatus: "paid",
      shopifyCreatedAt: new Date(launchedAt.getTime() + 2 * DAY),
      processedAt: new Date(launchedAt.getTime() + 2 * DAY),
    })),
  });
  return id;
}

describe("dashboard recommendations", () => {
  it("offers the winner to apply first, then the rewards to test", async () => {
    const id = await winningExperiment();
    const list = await loadRecommendations(db, SHOP, NOW);
    // The earn rate is under test: not suggested again.
    expect(list.map((r) => r.id)).toEqual([`ship:${id}`, "reward:far", "reward:easy"]);
    const ship = list[0]!;
    expect(ship.action).toEqual({
      kind: "ship",
      label: "Apply Two points",
      experimentId: id,
      variant: "double",
    });
    expect(ship.evidence[0]).toMatch(
      /^Net revenue per member: \+\d+\.\d% \(\+\d+\.\d% to \+\d+\.\d%\) with 95% confidence/,
    );
    expect(ship.evidence.at(-1)).toBe("400 members exposed over 20 days.");
    const far = list[1]!;
    // Nobody holds 50,000 points; 300 lifetime points over a year is 74 in 90 days.
    expect(far.evidence[0]).toBe(
      "0% of active members (0 of 400) hold 50,000 points today; the median member earned 74 points in the last 90 days.",
    );
    expect(far.action).toMatchObject({ kind: "link", url: "/app/experiments/optimize?reward=far" });
    // Balances 0–798 in steps of 2: 395 of 400 hold at least 10.
    expect(list[2]!.evidence[0]).toMatch(/^98\.8% of active members \(395 of 400\) hold 10 points today/);
  });

  it("suggests an earn rate never tested, and not once a test of it ran in the last 180 days", async () => {
    await db.order.create({
      data: {
        shop: SHOP,
        id: 9999n,
        customerId: 1n,
        name: "#9999",
        currencyCode: "USD",
        subtotalMinor: 0n,
        totalMinor: 12_000n,
        financialStatus: "paid",
        shopifyCreatedAt: new Date(NOW.getTime() - 10 * DAY),
        processedAt: new Date(NOW.getTime() - 10 * DAY),
      },
    });
    const list = await loadRecommendations(db, SHOP, NOW);
    expect(list.map((r) => r.id)).toEqual(["reward:far", "reward:easy", "earn-rate"]);
    expect(list[2]!.evidence[1]).toBe("Rewards cost $0.00 in the last 90 days, 0% of $120.00 net revenue.");
    const id = await winningExperiment();
    await db.experiment.update({
      where: { id },
      data: { status: "shipped", shippedVariant: "double", stoppedAt: new Date(NOW.getTime() - 5 * DAY) },
    });
    // Shipped: no longer offered to apply; tested 5 days ago: the earn rate waits.
    expect((await loadRecommendations(db, SHOP, NOW)).map((r) => r.id)).toEqual([
      "reward:far",
      "reward:easy",
    ]);
  });

  it("has nothing to say about a shop without members", async () => {
    expect(await loadRecommendations(db, OTHER, NOW)).toEqual([]);
  });
});
