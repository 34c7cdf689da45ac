import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { downloadDataExport, listDataExports } from "./exports.server";

const db = prisma();
const SHOP = "privacy-test.myshopify.com";
const OTHER = "privacy-other.myshopify.com";

async function seed(shop: string, customerId: bigint, requestedAt: string) {
  return db.dataExport.create({
    data: {
      shop,
      customerId,
      customerEmail: `c${customerId}@example.com`,
      ordersRequested: [7n],
      requestedAt: new Date(requestedAt),
      data: { customers: [{ id: customerId.toString() }] },
    },
  });
}

beforeEach(async () => {
  await resetDatabase(db);
});

describe("data exports for the Privacy page", () => {
  it("lists only the shop's own exports, newest first, as plain JSON", async () => {
    await seed(SHOP, 1n, "2025-11-01T00:00:00Z");
    await seed(SHOP, 2n, "2025-11-03T00:00:00Z");
    await seed(OTHER, 3n, "2025-11-02T00:00:00Z");
    const list = await listDataExports(db, SHOP);
    expect(list.map((e) => e.customerId)).toEqual(["2", "1"]);
    expect(list[0]).toMatchObject({
      customerEmail: "c2@example.com",
      ordersRequested: ["7"],
      status: "ready",
      deliveredAt: null,
    });
  });

  it("serves the export as a file and marks it delivered once", async () => {
    const row = await seed(SHOP, 1n, "2025-11-01T00:00:00Z");
    const first = await downloadDataExport(db, SHOP, row.id, () => new Date("2025-11-05T00:00:00Z"));
    expect(first?.filename).toBe("customer-data-1.json");
    expect(JSON.parse(first!.json)).toEqual({ customers: [{ id: "1" }] });
    await downloadDataExport(db, SHOP, row.id, () => new Date("2025-11-09T00:00:00Z"));
    expect(await db.dataExport.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: "delivered",
      deliveredAt: new Date("2025-11-05T00:00:00Z"),
    });
  });

  it("does not serve another shop's export or a malformed id", async () => {
    const theirs = await seed(OTHER, 3n, "2025-11-02T00:00:00Z");
    expect(await downloadDataExport(db, SHOP, theirs.id)).toBeNull();
    expect(await downloadDataExport(db, SHOP, "../../etc/passwd")).toBeNull();
    expect((await db.dataExport.findUniqueOrThrow({ where: { id: theirs.id } })).status).toBe("ready");
  });
});
