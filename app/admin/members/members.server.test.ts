import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { Prisma } from "~/db.server";
import { refreshOrderStats } from "~/stats/order-stats.server";
import { encodeCursor } from "./list-cursor.server";
import { MEMBER_SORTS, parseListParams, PAGE_SIZE } from "./list-params";
import { MEMBER_COLUMNS, MEMBER_FROM, memberWhere } from "./member-filter.server";
import { loadMemberDetail } from "./member.server";
import { listMembers, memberOrderBy, type MemberPage } from "./members.server";

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
    expect(page).toMatchObject({
      total: 4,
      totalEstimated: false,
      next: null,
      previous: null,
      cursorRejected: false,
    });
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

  describe("keyset pages", () => {
    // 70 members in all, with ties on every key (the customer id breaks them), members
    // without an activity date and members without orders (no last order), some of whom
    // have spent nothing: three pages of 25, and the parts of the nullable sorts meet
    // inside a page.
    beforeEach(async () => {
      const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d));
      await db.member.createMany({
        data: Array.from({ length: 66 }, (_, i) => ({
          shop: SHOP,
          customerId: BigInt(100 + i),
          availablePoints: (i % 7) * 10,
          lifetimePoints: i % 5,
          tierValue: BigInt(i % 4),
          enrolledAt: day(i % 3),
          lastActivityAt: i % 3 === 0 ? null : day(i % 11),
        })),
      });
      const ordering = Array.from({ length: 66 }, (_, i) => i).filter((i) => i % 2 !== 0);
      await db.order.createMany({
        data: ordering.map((i) => ({
          shop: SHOP,
          id: BigInt(9000 + i),
          customerId: BigInt(100 + i),
          name: `#${9000 + i}`,
          currencyCode: "USD",
          subtotalMinor: BigInt(1000 * (i % 6)),
          totalMinor: BigInt(1000 * (i % 6)),
          processedAt: day(i % 9),
        })),
      });
      // The order statistics now, so the reference below reads them as the list does.
      await refreshOrderStats(db, SHOP);
    });

    // The reference: every matching member in the export's ORDER BY (one plain sort, no cursors).
    const everyId = async (query: string) => {
      const p = params(query);
      const rows = await db.$queryRaw<{ customerId: bigint }[]>(
        Prisma.sql`SELECT ${MEMBER_COLUMNS} FROM ${MEMBER_FROM} WHERE ${memberWhere(SHOP, p, CONTEXT)}
          ORDER BY ${memberOrderBy(p)}`,
      );
      return rows.map((r) => r.customerId.toString());
    };
    const page = (query: string) => listMembers(db, SHOP, params(query), CONTEXT);

    it.each(MEMBER_SORTS.flatMap((sort) => (["desc", "asc"] as const).map((direction) => [sort, direction])))(
      "follows next to the end and previous back to the start, sorted by %s %s",
      async (sort, direction) => {
        const base = `sort=${sort}&direction=${direction}`;
        const expected = await everyId(base);
        expect(expected).toHaveLength(70);
        const pages: MemberPage[] = [await page(base)];
        while (pages.at(-1)!.next) pages.push(await page(`${base}&after=${pages.at(-1)!.next}`));
        expect(pages.map((p) => p.rows.length)).toEqual([25, 25, 20]);
        expect(pages.flatMap((p) => p.rows.map((r) => r.customerId))).toEqual(expected);
        expect(pages[0]!.previous).toBeNull();
        expect(pages.slice(1).every((p) => p.previous !== null)).toBe(true);
        // Back from the last page: the same pages, and the first has no previous.
        let back = pages.at(-1)!;
        for (let i = pages.length - 2; i >= 0; i--) {
          back = await page(`${base}&before=${back.previous}`);
          expect(back.rows.map((r) => r.customerId)).toEqual(pages[i]!.rows.map((r) => r.customerId));
        }
        expect(back).toMatchObject({ previous: null, next: pages[0]!.next, cursorRejected: false });
      },
    );

    it("keeps the filters while paging, and pages a filter's matches only", async () => {
      const base = "lastOrder=never&sort=joined";
      const expected = await everyId(base);
      expect(expected.length).toBeGreaterThan(PAGE_SIZE);
      const first = await page(base);
      const second = await page(`${base}&after=${first.next}`);
      expect([...first.rows, ...second.rows].map((r) => r.customerId)).toEqual(expected);
      expect(second).toMatchObject({ next: null, total: expected.length, totalEstimated: false });
    });

    it("starts a page 'before' fewer than a page of rows at the first page", async () => {
      const first = await page("sort=lifetime");
      // A cursor on the eleventh row: only ten rows lie before it.
      const row = first.rows[10]!;
      const cursor = encodeCursor({
        sort: "lifetime",
        key: String(row.lifetimePoints),
        id: BigInt(row.customerId),
      });
      const back = await page(`sort=lifetime&before=${cursor}`);
      expect(back.rows.map((r) => r.customerId)).toEqual(first.rows.map((r) => r.customerId));
      expect(back.previous).toBeNull();
    });

    it("offers the way back from a cursor past the end", async () => {
      const past = encodeCursor({ sort: "points", key: "-1", id: 0n });
      const end = await page(`after=${past}`);
      expect(end).toMatchObject({ rows: [], next: null, cursorRejected: false });
      const back = await page(`before=${end.previous}`);
      expect(back.rows.map((r) => r.customerId)).toEqual((await everyId("")).slice(-PAGE_SIZE));
    });

    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    it.each([
      ["not base64url", "%%%"],
      ["not JSON", Buffer.from("points,1,2").toString("base64url")],
      ["another sort's cursor", b64(["lifetime", "1", "100"])],
      ["a key of the wrong type", b64(["points", "2026-01-01 00:00:00", "100"])],
      ["a key beyond its column", b64(["points", "2147483648", "100"])],
      ["no key on a sort that always has one", b64(["points", null, "100"])],
      ["a day that does not exist", b64(["joined", "2026-02-31 00:00:00", "100"])],
      ["an hour that does not exist", b64(["lastActivity", "2026-01-01 24:00:00", "100"])],
      ["an id that is no id", b64(["points", "10", "-5"])],
      ["an id beyond bigint", b64(["points", "10", "9223372036854775808"])],
      ["a fourth part", b64(["points", "10", "100", "x"])],
      ["cut short", encodeCursor({ sort: "points", key: "10", id: 100n }).slice(0, -3)],
    ])("reads a cursor that is %s as the first page, and says so", async (_, cursor) => {
      const first = await page("");
      for (const position of ["after", "before"]) {
        const rejected = await page(`${position}=${encodeURIComponent(cursor)}`);
        expect(rejected.rows).toEqual(first.rows);
        expect(rejected).toMatchObject({ cursorRejected: true, previous: null, next: first.next });
      }
    });
  });

  it("estimates the total when more than 10,000 members match, and counts a smaller filter", async () => {
    await db.member.createMany({
      data: Array.from({ length: 10_050 }, (_, i) => ({ shop: SHOP, customerId: BigInt(1000 + i) })),
    });
    const all = await listMembers(db, SHOP, params(""), CONTEXT);
    expect(all.totalEstimated).toBe(true);
    expect(all.total).toBeGreaterThan(10_000);
    expect(all.rows).toHaveLength(PAGE_SIZE);
    expect(await listMembers(db, SHOP, params("tier=gold"), CONTEXT)).toMatchObject({
      total: 2,
      totalEstimated: false,
    });
  });

  it("falls back to defaults for malformed parameters", () => {
    expect(params("sort=drop&direction=sideways&after=&status=nope")).toMatchObject({
      sort: "points",
      direction: "desc",
      after: null,
      before: null,
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
