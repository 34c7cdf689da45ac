import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { loader as downloadLoader } from "~/routes/app.privacy.$id";
import { loader as listLoader } from "~/routes/app.privacy";
import { adminEmulator, adminRequest, routeArgs, storeOfflineSession } from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../../emulator/server";

// /app/privacy and /app/privacy/:id through their routes: the signed-in shop sees and
// downloads its own customer data exports only.

const db = prisma();
const SHOP = "privacy-route.myshopify.com";
const OTHER = "privacy-route-other.myshopify.com";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await adminEmulator(SHOP);
});
afterAll(() => emulator.close());

beforeEach(async () => {
  await resetDatabase(db);
  await storeOfflineSession(emulator, SHOP);
});

const seed = (shop: string, customerId: bigint) =>
  db.dataExport.create({
    data: {
      shop,
      customerId,
      customerEmail: `c${customerId}@example.com`,
      ordersRequested: [],
      requestedAt: new Date("2025-11-01T00:00:00Z"),
      data: { customers: [{ id: customerId.toString() }] },
    },
  });

describe("/app/privacy", () => {
  it("lists the shop's exports only", async () => {
    await seed(SHOP, 1n);
    await seed(OTHER, 2n);
    const { exports } = await listLoader(routeArgs(adminRequest(SHOP, "/app/privacy")));
    expect(exports.map((e) => e.customerId)).toEqual(["1"]);
  });

  it("downloads the shop's export as a JSON attachment", async () => {
    const row = await seed(SHOP, 1n);
    const response = await downloadLoader(
      routeArgs(adminRequest(SHOP, `/app/privacy/${row.id}`), { id: row.id }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="customer-data-1.json"');
    expect(await response.json()).toMatchObject({ customers: [{ id: "1" }] });
  });

  it("answers 404 for another shop's export", async () => {
    const row = await seed(OTHER, 2n);
    const response = await downloadLoader(
      routeArgs(adminRequest(SHOP, `/app/privacy/${row.id}`), { id: row.id }),
    );
    expect(response.status).toBe(404);
  });
});
