import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { startHoldout } from "~/experiments/experiments.server";
import { SIMULATOR_STAFF_ID } from "~/experiments/simulated";
import { resetDatabase } from "~tests/support/webhooks.server";
import { loadIncrementalCard } from "./incremental.server";

// The dashboard's first card: an invitation without a holdout, the live exposure while the
// holdout's figures are not computed, scoped by shop.

const db = prisma();
const SHOP = "incremental-card.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP } });
});

describe("the incremental-value card", () => {
  it("invites the merchant to start a holdout, with the reason no precision can be shown yet", async () => {
    const card = await loadIncrementalCard(db, SHOP, new Date());
    expect(card.state).toBe("none");
    if (card.state !== "none") return;
    expect(card.options.map((o) => o.share)).toEqual([5, 10]);
    expect(card.options[0]!.reason).toMatch(/Fewer than 2 members/);
  });

  it("shows the running holdout's share and exposure per arm, never numbers it has not computed", async () => {
    const started = await startHoldout(db, SHOP, { sharePercent: 10 });
    if (!started.ok) throw new Error(started.message);
    await db.experimentExposure.createMany({
      data: [1n, 2n, 3n].map((customerId, i) => ({
        shop: SHOP,
        experimentId: started.value.id,
        customerId,
        variantKey: `${started.value.key}:${i === 0 ? "holdout" : "program"}`,
        exposedAt: new Date(),
        trigger: "assignment",
      })),
    });
    const card = await loadIncrementalCard(db, "another.myshopify.com", new Date());
    expect(card.state).toBe("none");
    const ours = await loadIncrementalCard(db, SHOP, new Date());
    expect(ours).toMatchObject({
      state: "measuring",
      holdout: { id: started.value.id, sharePercent: 10, days: 0, heldOut: 1, inProgram: 2, ended: false },
    });
    expect(ours.state !== "none" && ours.value).toBeFalsy();
    expect(ours.state !== "none" && ours.notice).toBeNull();
  });

  it("says the numbers come from the simulated store when the simulator made the holdout", async () => {
    await startHoldout(db, SHOP, { sharePercent: 10 }, { staffId: SIMULATOR_STAFF_ID });
    const card = await loadIncrementalCard(db, SHOP, new Date());
    expect(card.state !== "none" && card.notice).toMatch(/simulated store/);
  });
});
