import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { startHoldout } from "~/experiments/experiments.server";
import { loadAssignment } from "~/loyalty/services/assignment.server";
import { action, loader } from "~/routes/app.members.$customerId";
import { adminRequest, storeSessionWithoutShopify } from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";

// The member page's route as the admin calls it: its URL parameters and form body are
// untrusted input, answered with 4xx and never a 500.

const db = prisma();
const SHOP = "member-route.myshopify.com";
const CUSTOMER = 42n;

beforeEach(async () => {
  await resetDatabase(db);
  await storeSessionWithoutShopify(SHOP);
  await db.shop.create({ data: { domain: SHOP } });
  await db.member.create({
    data: { shop: SHOP, customerId: CUSTOMER, availablePoints: 10, lifetimePoints: 10 },
  });
});

const load = (path: string, customerId: string) =>
  loader({ request: adminRequest(SHOP, path), params: { customerId }, context: {} });

async function statusOf(run: () => Promise<unknown>): Promise<number> {
  try {
    const result = await run();
    return result instanceof Response ? result.status : 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

describe("the member route", () => {
  it("reads the first ledger page for a ledgerPage that is no page (1e30 was a 500)", async () => {
    for (const page of ["1e30", "-3", "abc", "2.5", "100001"]) {
      const detail = (await load(`/app/members/42?ledgerPage=${page}`, "42")) as { ledger: { page: number } };
      expect(detail.ledger.page, page).toBe(1);
    }
  });

  it("answers 404 for a customer id beyond bigint (9999999999999999999 was a 500)", async () => {
    expect(await statusOf(() => load("/app/members/9999999999999999999", "9999999999999999999"))).toBe(404);
    expect(await statusOf(() => load("/app/members/9223372036854775807", "9223372036854775807"))).toBe(404);
  });

  it("refuses a form body over the cap with 413 before reading it, and writes nothing", async () => {
    const big = adminRequest(SHOP, "/app/members/42", { points: "5", reason: "x".repeat(2 * 1024 * 1024) });
    expect(await statusOf(() => action({ request: big, params: { customerId: "42" }, context: {} }))).toBe(
      413,
    );
    expect(await db.ledgerEntry.count()).toBe(0);
  });
});

describe("the member's experiments", () => {
  it("shows the holdout status and variants the app's own assignment gives each member", async () => {
    await db.member.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({ shop: SHOP, customerId: BigInt(100 + i) })),
    });
    const started = await startHoldout(db, SHOP, { sharePercent: 50 });
    expect(started.ok).toBe(true);
    const assignment = await loadAssignment(SHOP, new Date());
    const seen = new Set<boolean>();
    for (let i = 0; i < 30; i++) {
      const id = String(100 + i);
      const page = (await load(`/app/members/${id}`, id)) as {
        experiments: { heldOut: boolean; arms: { kind: string; variantName: string }[] };
      };
      const heldOut = assignment.heldOut(BigInt(id));
      expect(page.experiments.heldOut, id).toBe(heldOut);
      expect(page.experiments.arms).toEqual([
        expect.objectContaining({ kind: "holdout", variantName: heldOut ? "No program" : "Program" }),
      ]);
      seen.add(heldOut);
    }
    // Both arms occur among 30 members at 50% (a 2 × 0.5^30 chance of failing by luck).
    expect([...seen].sort()).toEqual([false, true]);
  });
});
