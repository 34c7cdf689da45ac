import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { saveProgram } from "~/loyalty/services/program.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { loadOptimizePage } from "./optimize.server";

// The threshold optimizer's screen as the dashboard's recommendations open it: `?reward=` chooses
// the reward (another shop's or an unknown id is ignored), and the objective defaults to the
// long-term value only once the shop has a lifetime-value model.

const db = prisma();
const SHOP = "optimize-page.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP, currencyCode: "USD" } });
  await saveProgram(
    db,
    SHOP,
    {
      currency: "USD",
      rewards: [
        {
          id: "five",
          name: "$5 off",
          value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
          pointsCost: 500,
        },
        {
          id: "ten",
          name: "$10 off",
          value: { kind: "fixedAmount", amount: { amountMinor: 1000, currency: "USD" } },
          pointsCost: 1000,
        },
      ],
    },
    { basedOn: 1, note: "Launch" },
  );
});

const page = (query = "") =>
  loadOptimizePage(db, SHOP, new URL(`http://app/app/experiments/optimize${query}`));

describe("the threshold optimizer's screen", () => {
  it("opens on the reward the URL names, and ignores an unknown one", async () => {
    expect((await page("?reward=ten")).prefill).toEqual({ kind: "rewardCost", targetId: "ten" });
    expect((await page("?reward=nope")).prefill).toBeNull();
    expect((await page()).prefill).toBeNull();
  });

  it("maximises net margin until the shop has a lifetime-value model, then the long-term value", async () => {
    expect((await page()).defaultObjective).toBe("netMargin");
    await db.lifetimeValueFit.create({
      data: {
        shop: SHOP,
        trigger: "merchant",
        status: "fitted",
        currencyCode: "USD",
        purchaseParams: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 },
        spendParams: { p: 6.25, q: 3.74, gamma: 15.44 },
      },
    });
    const loaded = await page();
    expect(loaded.defaultObjective).toBe("longTermValue");
    expect(loaded.objectives.map((o) => o.key)).toContain("longTermValue");
  });
});
