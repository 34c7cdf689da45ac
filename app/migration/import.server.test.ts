import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { demoProgram } from "../../simulator/history";
import { planImport, previewMigration, saveMapping, startMigration, uploadMigration } from "./import.server";
import { runMigration } from "./run.server";
import { redactCustomerData } from "~/webhooks/customer-data.server";

// A merchant switching from Smile, LoyaltyLion or Yotpo: each app's export imported into
// the ledger as `migration` entries, the same file twice giving one set of entries, the
// dry run writing nothing, and what is wrong with a file said row by row.

const db = prisma();
const NOW = new Date("2026-12-06T12:00:00Z");
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const CUSTOMERS = [
  { id: 101n, email: "ana@example.com" },
  { id: 102n, email: "Ben@Example.com" },
  { id: 103n, email: "chloe@example.com" },
  { id: 104n, email: "dan@example.com" },
];

async function shopWith(shop: string) {
  await seedProgram(db, shop, demoProgram("USD"));
  await db.customer.createMany({
    data: CUSTOMERS.map((c) => ({ shop, ...c, shopifyCreatedAt: new Date("2024-01-01T00:00:00Z") })),
  });
}

async function upload(shop: string, fileName: string) {
  const answer = await uploadMigration(db, shop, { fileName, text: fixture(fileName), staffId: "staff-1" });
  expect(answer.status).toBe(201);
  return (answer.body as { id: string }).id;
}

beforeEach(async () => {
  await resetDatabase(db);
});

describe.each([
  ["smile", "smile-customers.csv", { ana: 1250, lifetime: null, ref: "9qr5Pw", tiers: 2 }],
  ["loyaltylion", "loyaltylion-customers.csv", { ana: 1250, lifetime: 5200, ref: "LL-ANA77", tiers: 3 }],
  ["yotpo", "yotpo-customers.csv", { ana: 1250, lifetime: 5200, ref: "abc123x", tiers: 2 }],
] as const)("a %s export", (source, file, expected) => {
  const shop = `migration-${source}.myshopify.com`;

  it("is detected, previewed, dry-run without a write, and imported once however often it comes", async () => {
    await shopWith(shop);
    const id = await upload(shop, file);
    const preview = (await previewMigration(db, shop, id))!;
    expect(preview.source).toBe(source);
    expect(preview.evidence.length).toBeGreaterThan(0);
    expect(preview.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(preview.totals).toMatchObject({ rows: 3, toImport: 3, alreadyImported: 0, pointsImported: 1560 });

    // The dry run is the plan over the whole file: nothing is written.
    const dry = await planImport(db, (await db.migrationImport.findUniqueOrThrow({ where: { id } }))!);
    expect("totals" in dry && dry.totals.tiersCarried).toBe(expected.tiers);
    expect(await db.ledgerEntry.count({ where: { shop } })).toBe(0);
    expect(await db.member.count({ where: { shop } })).toBe(0);

    const done = await runMigration(db, id, () => NOW);
    expect(done).toMatchObject({ status: "completed", rowsImported: 3, content: null });
    const ana = await db.member.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId: 101n } } });
    expect(ana).toMatchObject({ availablePoints: expected.ana, tierId: "gold", migratedTierId: "gold" });
    expect(ana.referralCode).toBe(expected.ref);
    if (expected.lifetime !== null) expect(ana.migratedLifetimePoints).toBe(expected.lifetime);
    // Members joined with their account, not on the import day.
    expect(ana.enrolledAt).toEqual(new Date("2024-01-01T00:00:00Z"));
    const entries = await db.ledgerEntry.findMany({
      where: { shop, kind: "migration" },
      orderBy: { key: "asc" },
    });
    expect(entries).toHaveLength(3);
    expect(entries[0]!.details).toMatchObject({ source, fileName: file, line: 2, importedBalance: 1250 });

    // The same file again: a new upload, nothing left to import, the ledger unchanged.
    const again = await upload(shop, file);
    expect((await previewMigration(db, shop, again))!.totals).toMatchObject({
      toImport: 0,
      alreadyImported: 3,
    });
    expect((await startMigration(db, shop, again)).status).toBe(422);
    await runMigration(db, again, () => NOW);
    expect(await db.ledgerEntry.count({ where: { shop, kind: "migration" } })).toBe(3);
    const balances = await db.member.findMany({ where: { shop }, orderBy: { customerId: "asc" } });
    expect(balances.map((m) => m.availablePoints)).toEqual([1250, 0, 310]);
  });
});

describe("a file with mistakes", () => {
  const shop = "migration-errors.myshopify.com";

  it("asks for a mapping, then reports each row's error and imports only the good rows", async () => {
    await shopWith(shop);
    const id = await upload(shop, "custom-with-errors.csv");
    const first = (await previewMigration(db, shop, id))!;
    // The email column is found by its name; the balance and tier columns are not.
    expect(first.source).toBe("custom");
    expect(first.mapping).toMatchObject({ email: 0, pointsBalance: null, tier: null });
    expect(first.planError).toMatch(/points balance/);

    const mapped = await saveMapping(db, shop, id, {
      source: "custom",
      "column.email": "0",
      "column.pointsBalance": "1",
      "column.tier": "2",
    });
    expect(mapped.status).toBe(200);
    const preview = (await previewMigration(db, shop, id))!;
    expect(preview.problems.map((p) => [p.line, p.kind, p.severity])).toEqual([
      [3, "unknownCustomer", "error"],
      [4, "negativeBalance", "error"],
      [5, "badNumber", "error"],
      [6, "duplicate", "error"],
      [7, "unknownTier", "warning"],
    ]);
    expect(preview.problems[3]!.message).toBe("Duplicate of row 2 (ana@example.com).");
    expect(preview.totals).toMatchObject({ rows: 6, toImport: 2, rowsWithErrors: 4, warnings: 1 });

    const done = await runMigration(db, id, () => NOW);
    expect(done).toMatchObject({ rowsImported: 2, rowsSkipped: 4, rowsDone: 6 });
    expect(await db.ledgerEntry.count({ where: { shop, kind: "migration" } })).toBe(2);
  });

  it("refuses what it cannot read, writing nothing", async () => {
    await shopWith(shop);
    const cases = [
      { fileName: "points.xlsx", text: "email,points\na@b.co,1" },
      { fileName: "empty.csv", text: "" },
      { fileName: "header.csv", text: "email,points\n" },
      { fileName: "broken.csv", text: 'email,points\n"a@b.co,1\n' },
    ];
    for (const c of cases) {
      const answer = await uploadMigration(db, shop, { ...c, staffId: null });
      expect(answer.status, c.fileName).toBe(422);
      expect(answer.body).toMatchObject({ ok: false, error: expect.any(String) });
    }
    expect(await db.migrationImport.count({ where: { shop } })).toBe(0);
    const id = await upload(shop, "smile-customers.csv");
    const bad = await saveMapping(db, shop, id, {
      source: "smile",
      "column.email": "0",
      "column.pointsBalance": "0",
    });
    expect(bad).toMatchObject({ status: 422, body: { error: "A column can be mapped to one field only." } });
    expect(await saveMapping(db, shop, id, { source: "nonsense" })).toMatchObject({ status: 422 });
  });

  it("forgets a waiting export that names a customer who asked to be erased", async () => {
    await shopWith(shop);
    await upload(shop, "smile-customers.csv");
    await db.$transaction((tx) =>
      redactCustomerData(tx, { shop, customerId: 103n, email: null, phone: null, orderIds: [] }, NOW),
    );
    expect(await db.migrationImport.count({ where: { shop } })).toBe(0);
  });
});
