import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { memberSummaries } from "./summaries.server";

// What counts as a purchase and how (x, t_x, T, spend) are measured, on hand-made orders.

const db = prisma();
const SHOP = "clv-summaries.myshopify.com";
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1, 10);
const at = (days: number, hours = 0) => new Date(START + days * DAY + hours * 3_600_000);
let nextId = 1n;

async function order(
  customerId: bigint,
  placed: Date,
  totalMinor: number,
  extra: Record<string, unknown> = {},
) {
  const id = nextId++;
  await db.order.create({
    data: {
      shop: SHOP,
      id,
      customerId,
      name: `#${id}`,
      currencyCode: "USD",
      subtotalMinor: BigInt(totalMinor),
      totalMinor: BigInt(totalMinor),
      financialStatus: "paid",
      processedAt: placed,
      shopifyCreatedAt: placed,
      ...extra,
    },
  });
  return id;
}
const refund = (orderId: bigint, totalMinor: number, processedAt: Date) =>
  db.refund.create({
    data: { shop: SHOP, id: nextId++, orderId, totalMinor: BigInt(totalMinor), processedAt },
  });

beforeEach(async () => {
  await resetDatabase(db);
});

describe("memberSummaries", () => {
  it("merges same-day orders in the shop's zone, nets refunds and skips what did not sell", async () => {
    await order(1n, at(0), 5_000);
    await order(1n, at(0, 5), 3_000); // same New York day
    const partly = await order(1n, at(10), 4_000);
    await refund(partly, 1_000, at(12));
    const whole = await order(1n, at(20), 10_000);
    await refund(whole, 10_000, at(21));
    await order(1n, at(22), 9_000, { cancelledAt: at(22) });
    await order(1n, at(23), 9_000, { test: true });
    await order(1n, at(24), 9_000, { currencyCode: "EUR" });
    await order(1n, at(25), 9_000, { financialStatus: "pending" });
    // 23:00 and 01:00 UTC: the same evening in New York, one purchase.
    await order(2n, at(5, 13), 2_000);
    await order(2n, at(5, 15), 2_000);
    await order(3n, at(16), 6_000);
    await order(3n, at(18), 6_000);

    const window = { shop: SHOP, currencyCode: "USD", timeZone: "America/New_York" };
    const full = await memberSummaries(db, { ...window, cutoff: at(30), end: at(30) });
    expect(full.map((s) => ({ ...s, customerId: Number(s.customerId) }))).toEqual([
      { customerId: 1, x: 1, tx: 10, T: 30, spendMinor: 3_000, holdout: 0 },
      { customerId: 2, x: 0, tx: 0, T: 25 - 13 / 24, spendMinor: 0, holdout: 0 },
      { customerId: 3, x: 1, tx: 2, T: 14, spendMinor: 6_000, holdout: 0 },
    ]);

    // Calibration to day 15, holdout to day 30: customer 3 started after the cut-off.
    const split = await memberSummaries(db, { ...window, cutoff: at(15), end: at(30) });
    expect(split.map((s) => [Number(s.customerId), s.x, s.T, s.holdout])).toEqual([
      [1, 1, 15, 0],
      [2, 0, 10 - 13 / 24, 0],
    ]);
    // A refund processed after the end is not known at the end.
    const early = await memberSummaries(db, { ...window, cutoff: at(11), end: at(11) });
    expect(early.find((s) => s.customerId === 1n)).toMatchObject({ x: 1, spendMinor: 4_000 });
  });
});
