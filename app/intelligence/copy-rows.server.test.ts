import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { replaceShopRows } from "./copy-rows.server";

// The models' rows go in by COPY text: every value must come back as Prisma would have written
// it (floats to the last bit, NULLs, JSON with the characters COPY escapes, the run's UTC time),
// only the shop's rows are replaced, and a failure after the COPY leaves the previous rows.

const db = prisma();
const SHOP = "copy-rows.myshopify.com";
const OTHER = "copy-rows-other.myshopify.com";
const RUN = "00000000-0000-4000-8000-00000000c0b1";
const COLUMNS = [
  "customerId",
  "runId",
  "risk",
  "atRisk",
  "drivers",
  "valueAtStakeMinor",
  "valueSource",
  "intervention",
  "computedAt",
] as const;

type Risk = {
  id: bigint;
  risk: number;
  atRisk: boolean;
  stake: number | null;
  drivers: unknown;
  note: string;
};

const write = (shop: string, rows: Risk[], at: Date, finish?: () => Promise<unknown>) =>
  replaceShopRows(
    db,
    shop,
    "MemberChurnRisk",
    COLUMNS,
    rows,
    (r) => [
      r.id,
      RUN,
      r.risk,
      r.atRisk,
      JSON.stringify(r.drivers),
      r.stake,
      "clv",
      JSON.stringify({ note: r.note }),
      at,
    ],
    finish,
  );

beforeEach(async () => {
  await resetDatabase(db);
});

describe("replaceShopRows", () => {
  it("writes every value as stored by Prisma, replaces only the shop's rows, and rolls back with its finish", async () => {
    const at = new Date("2026-12-07T03:15:00.123Z");
    const tricky = 'tab\there, line\nbreak, back\\slash, "quotes", \\N, é';
    const rows: Risk[] = [
      {
        id: 1n,
        risk: 0.1 + 0.2,
        atRisk: true,
        stake: 1234.5678901234567,
        drivers: [{ label: tricky, value: 1e-300 }],
        note: tricky,
      },
      { id: 9_007_199_254_740_993n, risk: 5e-324, atRisk: false, stake: null, drivers: [], note: "" },
    ];
    await db.memberChurnRisk.create({
      data: {
        shop: OTHER,
        customerId: 1n,
        runId: RUN,
        risk: 0.5,
        atRisk: false,
        drivers: [],
        valueSource: "clv",
        intervention: {},
        computedAt: at,
      },
    });
    await write(SHOP, rows, at);

    const stored = await db.memberChurnRisk.findMany({
      where: { shop: SHOP },
      orderBy: { customerId: "asc" },
    });
    expect(stored).toEqual(
      rows.map((r) => ({
        shop: SHOP,
        customerId: r.id,
        runId: RUN,
        risk: r.risk,
        atRisk: r.atRisk,
        drivers: r.drivers,
        valueAtStakeMinor: r.stake,
        valueSource: "clv",
        intervention: { note: r.note },
        computedAt: at,
      })),
    );

    // A second write replaces the shop's rows whole; the other shop's row stays.
    await write(SHOP, [{ ...rows[1]!, id: 2n }], at);
    expect((await db.memberChurnRisk.findMany({ where: { shop: SHOP } })).map((r) => r.customerId)).toEqual([
      2n,
    ]);
    expect(await db.memberChurnRisk.count({ where: { shop: OTHER } })).toBe(1);

    // A finish that fails (the run's row) rolls the delete and the COPY back.
    await expect(
      write(SHOP, rows, at, () => Promise.reject(new Error("run row update failed"))),
    ).rejects.toThrow("run row update failed");
    expect((await db.memberChurnRisk.findMany({ where: { shop: SHOP } })).map((r) => r.customerId)).toEqual([
      2n,
    ]);
  });

  it("writes rows beyond one block of input whole, multi-byte text included; no rows empties the shop's", async () => {
    const at = new Date("2026-12-07T03:15:00Z");
    // 5,001 rows: the input is built 2,000 rows at a time as UTF-8 bytes (a block ends inside
    // no row, and a character's bytes are never split between blocks).
    const rows: Risk[] = Array.from({ length: 5_001 }, (_, i) => ({
      id: BigInt(i + 1),
      risk: i / 5_001,
      atRisk: i % 2 === 0,
      stake: i * 1.5,
      drivers: [{ label: `é${"ü".repeat(i % 7)}`, value: i }],
      note: `row ${i}\twith a tab`,
    }));
    await write(SHOP, rows, at);
    const stored = await db.memberChurnRisk.findMany({
      where: { shop: SHOP },
      orderBy: { customerId: "asc" },
    });
    expect(
      stored.map((r) => [r.customerId, r.risk, r.atRisk, r.valueAtStakeMinor, r.drivers, r.intervention]),
    ).toEqual(rows.map((r) => [r.id, r.risk, r.atRisk, r.stake, r.drivers, { note: r.note }]));

    await write(SHOP, [], at);
    expect(await db.memberChurnRisk.count({ where: { shop: SHOP } })).toBe(0);
  });
});
