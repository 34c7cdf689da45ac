import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { parseListParams, PAGE_SIZE } from "./list-params";
import { loadMemberDetail } from "./member.server";
import { listMembers } from "./members.server";

const db = prisma();
const SHOP = "members-one.myshopify.com";
const OTHER = "members-other.myshopify.com";
const params = (query: string) => parseListParams(new URLSearchParams(query));
const CONTEXT = { currency: "USD", tierBasis: "spend" as const, now: new Date("2026-02-01T00:00:00Z") };
const ids = async (query: string, shop = SHOP) =>
  (await listMembers(db, shop, params(query), CONTEXT)).rows.map((r) => r.customerId);

beforeEach(async () => {
  await resetDatabase(db);
  const people = [
    { id: 1n, firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" },
    { id: 2n, firstName: "Grace", lastName: "Hopper", email: "grace@navy.example" },
    { id: 3n, firstName: "Alan", lastName: "Turing", email: "alan_t@example.com" },
    { id: 4n, firstName: null, lastName: null, email: "100%real@example.com" },
  ];
  await db.customer.createMany({ data: people.map((p) => ({ shop: SHOP, ...p })) });
  // Another shop with the same ids and names: it must never leak into SHOP's list.
  await db.customer.createMany({ data: people.map((p) => ({ shop: OTHER, ...p })) });
  const day = (d: number) => new Date(Date.UTC(2026, 0, d));
  await db.member.createMany({
    data: [
      {
        shop: SHOP,
        customerId: 1n,
        availablePoints: 500,
        lifetimePoints: 900,
        tierId: "gold",
        enrolledAt: day(3),
        lastActivityAt: day(20),
      },
      {
        shop: SHOP,
        customerId: 2n,
        availablePoints: 50,
        lifetimePoints: 2000,
        tierId: "silver",
        enrolledAt: day(1),
        lastActivityAt: null,
      },
      {
        shop: SHOP,
        customerId: 3n,
        availablePoints: 700,
        lifetimePoints: 700,
        tierId: null,
        status: "excluded",
        enrolledAt: day(2),
        lastActivityAt: day(25),
      },
      {
        shop: SHOP,
        customerId: 4n,
        availablePoints: 0,
        lifetimePoints: 0,
        tierId: "gold",
        enrolledAt: day(4),
        lastActivityAt: day(5),
      },
      { shop: OTHER, customerId: 1n, availablePoints: 99999, tierId: "gold" },
      { shop: OTHER, customerId: 9n, availablePoints: 5 },
    ],
  });
});

describe("listMembers", () => {
  it("lists only the shop's members, by available points by default", async () => {
    expect(await ids("")).toEqual(["3", "1", "2", "4"]);
    const page = await listMembers(db, SHOP, params(""), CONTEXT);
    expect(page).toMatchObject({ total: 4, page: 1, pageCount: 1 });
    expect(page.rows[1]).toMatchObject({ name: "Ada Lovelace", email: "ada@example.com", tierId: "gold" });
  });

  it.each([
    ["sort=lifetime", ["2", "1", "3", "4"]],
    ["sort=lifetime&direction=asc", ["4", "3", "1", "2"]],
    ["sort=lastActivity", ["3", "1", "4", "2"]],
    ["sort=joined&direction=asc", ["2", "3", "1", "4"]],
  ])("sorts by %s", async (query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });

  it.each([
    ["query=grace", ["2"]],
    ["query=LOVELACE", ["1"]],
    ["query=ada lovelace", ["1"]],
    ["query=example.com", ["3", "1", "4"]],
    // Wildcards are literal: "_" and "%" match only themselves.
    ["query=alan_t", ["3"]],
    ["query=n_v", []],
    ["query=100%25", ["4"]],
    ["tier=gold", ["1", "4"]],
    ["tier=none", ["3"]],
    ["status=excluded", ["3"]],
    ["tier=gold&status=active&query=ada", ["1"]],
  ])("filters %s", async (query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });

  it("pages through many members without repeating or skipping one", async () => {
    await db.member.createMany({
      data: Array.from({ length: 2 * PAGE_SIZE }, (_, i) => ({
        shop: SHOP,
        customerId: BigInt(100 + i),
        availablePoints: 10,
      })),
    });
    const all = [...(await ids("")), ...(await ids("page=2")), ...(await ids("page=3"))];
    expect(all).toHaveLength(2 * PAGE_SIZE + 4);
    expect(new Set(all).size).toBe(all.length);
    expect((await listMembers(db, SHOP, params("page=3"), CONTEXT)).pageCount).toBe(3);
  });

  it("falls back to defaults for malformed parameters", () => {
    expect(params("sort=drop&direction=sideways&page=-3&status=nope")).toMatchObject({
      sort: "points",
      direction: "desc",
      page: 1,
      status: null,
    });
  });
});

describe("loadMemberDetail", () => {
  it("shows the member's ledger newest first with order names, and nothing of another shop", async () => {
    await db.order.create({
      data: {
        shop: SHOP,
        id: 77n,
        customerId: 1n,
        name: "#1077",
        currencyCode: "USD",
        subtotalMinor: 100n,
        totalMinor: 100n,
      },
    });
    const base = { shop: SHOP, customerId: 1n, bucket: "available" as const, programVersion: 1 };
    await db.ledgerEntry.createMany({
      data: [
        {
          ...base,
          key: "a",
          kind: "earn",
          points: 500,
          orderId: 77n,
          occurredAt: new Date("2026-01-05T00:00:00Z"),
        },
        {
          ...base,
          key: "b",
          kind: "adjustment",
          points: -20,
          staffId: "s",
          reason: "Typo",
          occurredAt: new Date("2026-01-06T00:00:00Z"),
        },
        {
          ...base,
          shop: OTHER,
          key: "c",
          kind: "bonus",
          points: 9,
          occurredAt: new Date("2026-01-07T00:00:00Z"),
        },
      ],
    });
    const detail = await loadMemberDetail(db, SHOP, 1n, { ledgerPage: 1 });
    expect(detail?.member).toMatchObject({ name: "Ada Lovelace", availablePoints: 500, tierId: "gold" });
    expect(detail?.ledger.entries.map((e) => [e.kind, e.points, e.orderName])).toEqual([
      ["adjustment", -20, null],
      ["earn", 500, "#1077"],
    ]);
    expect(await loadMemberDetail(db, SHOP, 9n, { ledgerPage: 1 })).toBeNull();
  });

  it("says why a correction was written", async () => {
    await db.ledgerEntry.create({
      data: {
        shop: SHOP,
        customerId: 1n,
        key: `${SHOP}:order:78:earn:correction:1`,
        kind: "correction",
        points: 40,
        bucket: "pending",
        lotKey: `${SHOP}:order:78:earn`,
        orderId: 78n,
        occurredAt: new Date("2026-01-08T00:00:00Z"),
        programVersion: 1,
        details: { tierId: null, orderPoints: 120, breakdown: [] },
      },
    });
    const detail = await loadMemberDetail(db, SHOP, 1n, { ledgerPage: 1 });
    expect(detail?.ledger.entries[0]).toMatchObject({
      kind: "correction",
      points: 40,
      note: "Earns without a tier: no tier was reached before it was placed",
    });
  });
});
