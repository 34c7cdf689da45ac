import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { action as memberAction, loader as memberLoader } from "~/routes/app.members.$customerId";
import { action as listAction, loader as listLoader } from "~/routes/app.members._index";
import { loader as exportLoader } from "~/routes/app.members.export";
import {
  adminEmulator,
  adminRequest,
  answer,
  routeArgs,
  STAFF_ID,
  storeOfflineSession,
} from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { encodeCursor } from "./list-cursor.server";
import type { Emulator } from "../../../emulator/server";

// /app/members and /app/members/:id through their routes, authenticated by session token:
// the list and the detail read only the signed-in shop's members; the adjustment action
// applies a valid form as the signed-in staff and answers 422 with field errors otherwise.

const db = prisma();
const SHOP = "members-route.myshopify.com";
const OTHER = "members-route-other.myshopify.com";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await adminEmulator(SHOP);
});
afterAll(() => emulator.close());

beforeEach(async () => {
  await resetDatabase(db);
  await storeOfflineSession(emulator, SHOP);
  await db.shop.createMany({ data: [{ domain: SHOP, ianaTimezone: "Europe/Paris" }, { domain: OTHER }] });
  await db.customer.createMany({
    data: [
      { shop: SHOP, id: 1n, firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" },
      { shop: OTHER, id: 2n, firstName: "Grace", lastName: "Hopper", email: "grace@example.com" },
    ],
  });
  await db.member.createMany({
    data: [
      { shop: SHOP, customerId: 1n, availablePoints: 500, lifetimePoints: 500 },
      { shop: OTHER, customerId: 2n, availablePoints: 900, lifetimePoints: 900 },
    ],
  });
});

const adjust = (customerId: string, form: Record<string, string>) =>
  memberAction(routeArgs(adminRequest(SHOP, `/app/members/${customerId}`, form), { customerId })).then(
    answer,
  );

describe("/app/members", () => {
  it("lists the shop's members and no other shop's", async () => {
    const page = await listLoader(routeArgs(adminRequest(SHOP, "/app/members")));
    expect(page.hasMembers).toBe(true);
    expect(page.timeZone).toBe("Europe/Paris");
    expect(page.page.rows.map((r) => r.customerId)).toEqual(["1"]);
  });

  it("adjusts the selected members in bulk as the signed-in staff, and answers 422 on bad input", async () => {
    const bulk = (form: Record<string, string>) =>
      listAction(routeArgs(adminRequest(SHOP, "/app/members", form))).then(answer);
    const base = { reason: "Launch gift", bulkId: randomUUID(), selection: "ids", customerIds: "1,2" };
    expect(await bulk({ ...base, points: "0" })).toMatchObject({ status: 422, body: { ok: false } });
    expect(await bulk({ ...base, points: "-501" })).toMatchObject({
      status: 422,
      body: { fieldErrors: { points: expect.stringContaining("below zero") } },
    });
    expect(await bulk({ ...base, points: "100" })).toMatchObject({
      status: 200,
      body: { ok: true, created: true, bulk: { status: "done", total: 1, applied: 1 } },
    });
    const entries = await db.ledgerEntry.findMany({ where: { kind: "adjustment" } });
    expect(entries.map((e) => [e.shop, e.customerId, e.points, e.staffId])).toEqual([
      [SHOP, 1n, 100, STAFF_ID],
    ]);
  });

  it("reads a page link it cannot read as the first page, and a cursor moves the page only", async () => {
    const mangled = await listLoader(routeArgs(adminRequest(SHOP, "/app/members?after=eyJub3QiOiJ")));
    expect(mangled.page).toMatchObject({ cursorRejected: true, previous: null, next: null });
    expect(mangled.page.rows.map((r) => r.customerId)).toEqual(["1"]);
    // A cursor past Ada (fewer points than hers): the page is empty with the way back...
    const past = encodeCursor({ sort: "points", key: "1", id: 1n });
    const end = await listLoader(routeArgs(adminRequest(SHOP, `/app/members?after=${past}`)));
    expect(end.page).toMatchObject({ rows: [], cursorRejected: false, next: null });
    expect(end.page.previous).not.toBeNull();
    // ...but the export and the bulk adjustment "on all matching" take the filter, not the page.
    const csv = await exportLoader(routeArgs(adminRequest(SHOP, `/app/members/export?after=${past}`)));
    expect((await csv.text()).trim().split("\r\n")).toHaveLength(2);
    const bulk = await listAction(
      routeArgs(
        adminRequest(SHOP, "/app/members", {
          points: "10",
          reason: "Every match",
          bulkId: randomUUID(),
          selection: "filter",
          filter: `?after=${past}`,
        }),
      ),
    ).then(answer);
    expect(bulk).toMatchObject({ status: 200, body: { ok: true, bulk: { total: 1, applied: 1 } } });
  });

  it("exports the shop's members as a CSV attachment", async () => {
    const response = await exportLoader(routeArgs(adminRequest(SHOP, "/app/members/export?sort=points")));
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="members-members-route-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = (await response.text()).trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^1,Ada,Lovelace,ada@example.com,active,/);
  });
});

describe("/app/members/:customerId", () => {
  it("loads the member with a fresh adjustment id", async () => {
    const detail = await memberLoader(routeArgs(adminRequest(SHOP, "/app/members/1"), { customerId: "1" }));
    expect(detail.member.availablePoints).toBe(500);
    expect(detail.adjustmentId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers 404 for another shop's member", async () => {
    const missing = await memberLoader(
      routeArgs(adminRequest(SHOP, "/app/members/2"), { customerId: "2" }),
    ).then(
      () => null,
      (error: unknown) => error,
    );
    expect(missing).toBeInstanceOf(Response);
    expect((missing as Response).status).toBe(404);
  });

  it("applies an adjustment as the signed-in staff, once per form", async () => {
    const form = { points: "250", reason: "Goodwill after a late parcel", adjustmentId: randomUUID() };
    expect(await adjust("1", form)).toEqual({
      status: 200,
      body: { ok: true, applied: true, availablePoints: 750 },
    });
    expect(await adjust("1", form)).toEqual({
      status: 200,
      body: { ok: true, applied: false, availablePoints: 750 },
    });
    const entry = await db.ledgerEntry.findFirstOrThrow({ where: { shop: SHOP, customerId: 1n } });
    expect(entry.points).toBe(250);
    expect(entry.staffId).toBe(STAFF_ID);
  });

  it("answers 422 with field errors for an invalid form and changes nothing", async () => {
    const result = await adjust("1", { points: "1.5", reason: "x", adjustmentId: "not-a-uuid" });
    expect(result.status).toBe(422);
    expect(result.body).toEqual({
      ok: false,
      fieldErrors: {
        points: "Points are whole numbers.",
        reason: "Say why you are adjusting the balance.",
        adjustmentId: "The form is out of date; reload the page.",
      },
    });
    expect(await db.ledgerEntry.count({ where: { shop: SHOP } })).toBe(0);
  });
});
