import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import type { ProgramInput } from "~/loyalty/program";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { redis } from "~/redis.server";
import { action, loader } from "~/routes/app.tiers";
import { seedProgram } from "~tests/support/loyalty-world.server";
import {
  adminEmulator,
  adminRequest,
  answer,
  routeArgs,
  storeOfflineSession,
} from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { automaticDiscountsOf } from "../../../emulator/graphql/discount-automatic";
import type { Emulator } from "../../../emulator/server";
import { sectionPart } from "../program/sections";

// /app/tiers through its route: the overview (members and spend per tier, moves per
// month in the shop's zone), whether the perks are live at checkout, the save that queues
// the perk discount's update, the inline update, and the perk config's size limit.

const db = prisma();
const SHOP = "tiers-route.myshopify.com";
const TIERS: ProgramInput["tiers"] = {
  basis: "spend",
  levels: [
    { id: "silver", name: "Silver", threshold: 10000, benefits: { perkPercent: 5 } },
    { id: "gold", name: "Gold", threshold: 50000, benefits: { perkPercent: 10, freeShipping: true } },
  ],
};
let emulator: Emulator;

beforeAll(async () => {
  emulator = await adminEmulator(SHOP);
});
afterAll(async () => {
  await closeQueues();
  await emulator.close();
});

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  emulator.store.createShop({ domain: SHOP });
  await storeOfflineSession(emulator, SHOP);
  await db.shop.create({ data: { domain: SHOP, currencyCode: "USD", ianaTimezone: "America/New_York" } });
  await seedProgram(db, SHOP, { currency: "USD", tiers: TIERS });
});

const loadPage = async () =>
  (await loader(routeArgs(adminRequest(SHOP, "/app/tiers")))) as Awaited<ReturnType<typeof loader>>;
const post = (form: Record<string, string>) =>
  action(routeArgs(adminRequest(SHOP, "/app/tiers", form))).then(answer);
const discounts = () => [...automaticDiscountsOf(emulator.store.requireShop(SHOP)).byId.values()];

describe("/app/tiers", () => {
  it("shows members and spend per tier and the moves per month in the shop's time zone", async () => {
    const now = new Date();
    await db.member.createMany({
      data: [
        { shop: SHOP, customerId: 1n, tierId: "gold" },
        { shop: SHOP, customerId: 2n, tierId: "silver" },
        { shop: SHOP, customerId: 3n, tierId: "silver" },
        { shop: SHOP, customerId: 4n },
        { shop: SHOP, customerId: 5n, tierId: "silver", status: "excluded" },
      ],
    });
    await db.order.createMany({
      data: [
        {
          shop: SHOP,
          id: 1n,
          customerId: 1n,
          name: "#1",
          currencyCode: "USD",
          subtotalMinor: 60000n,
          totalMinor: 60000n,
          processedAt: now,
        },
        {
          shop: SHOP,
          id: 2n,
          customerId: 2n,
          name: "#2",
          currencyCode: "USD",
          subtotalMinor: 12000n,
          totalMinor: 12000n,
          processedAt: now,
        },
        {
          shop: SHOP,
          id: 3n,
          customerId: 3n,
          name: "#3",
          currencyCode: "USD",
          subtotalMinor: 8000n,
          totalMinor: 8000n,
          processedAt: now,
        },
        // Cancelled and test orders are no spend.
        {
          shop: SHOP,
          id: 4n,
          customerId: 3n,
          name: "#4",
          currencyCode: "USD",
          subtotalMinor: 9999n,
          totalMinor: 9999n,
          processedAt: now,
          cancelledAt: now,
        },
        {
          shop: SHOP,
          id: 5n,
          customerId: 1n,
          name: "#5",
          currencyCode: "USD",
          subtotalMinor: 9999n,
          totalMinor: 9999n,
          processedAt: now,
          test: true,
        },
      ],
    });
    const event = (customerId: bigint, change: string, occurredAt: Date) => ({
      shop: SHOP,
      customerId,
      type: "tierChanged",
      key: `${customerId}:${occurredAt.toISOString()}:${change}`,
      payload: { change },
      occurredAt,
    });
    const nyMonth = new Intl.DateTimeFormat("en-CA", {
      timeZone: "America/New_York",
      year: "numeric",
      month: "2-digit",
    })
      .format(now)
      .slice(0, 7);
    // 03:00 UTC on the 1st of this month is still the previous month in New York.
    const [year, month] = nyMonth.split("-").map(Number) as [number, number];
    const firstOfMonth = new Date(Date.UTC(year, month - 1, 1, 3));
    await db.loyaltyEvent.createMany({
      data: [
        event(1n, "upgrade", now),
        event(2n, "upgrade", now),
        event(3n, "downgrade", now),
        event(3n, "reassigned", now),
        event(2n, "upgrade", firstOfMonth),
      ],
    });
    const page = await loadPage();
    expect(page.overview.rows).toEqual([
      { tierId: "", name: "No tier yet", members: 1, spendMinor: 0, spendPerMemberMinor: 0 },
      { tierId: "silver", name: "Silver", members: 2, spendMinor: 20000, spendPerMemberMinor: 10000 },
      { tierId: "gold", name: "Gold", members: 1, spendMinor: 60000, spendPerMemberMinor: 60000 },
    ]);
    expect(page.overview.months).toHaveLength(12);
    expect(page.overview.months.slice(-2)).toEqual([
      { month: page.overview.months.at(-2)!.month, upgrades: 1, downgrades: 0 },
      { month: nyMonth, upgrades: 2, downgrades: 1 },
    ]);
    expect(page.overview.months.slice(0, -2).every((m) => m.upgrades + m.downgrades === 0)).toBe(true);
  });

  it("warns that perks are not live until the discount exists, and the update makes them live", async () => {
    const before = await loadPage();
    expect(before.perks).toMatchObject({ hasPerks: true, live: false, state: "missing" });
    expect(before.perks.reason).toMatch(/does not exist yet/);
    expect(await post({ intent: "sync-perks" })).toEqual({ status: 200, body: { ok: true } });
    expect(discounts()).toHaveLength(1);
    expect((await loadPage()).perks).toMatchObject({ live: true, reason: null });
  });

  it("queues the perk discount's update when tiers with perks are saved", async () => {
    const page = await loadPage();
    page.draft.tiers.levels[0]!.perkPercent = "7";
    const form = { basedOn: String(page.version), section: JSON.stringify(sectionPart("tiers", page.draft)) };
    const result = await post(form);
    expect(result).toEqual({ status: 200, body: { ok: true, version: 3, queueProblem: null } });
    const jobs = await queue(QUEUE.shopifySync).getJobs(["waiting", "delayed"]);
    expect(jobs.map((j) => [j.name, j.data])).toEqual([["sync-tier-perks", { shop: SHOP }]]);
    expect((await currentProgramVersion(db, SHOP)).program.tiers.levels[0]!.benefits.perkPercent).toBe(7);
  });

  it("refuses tiers whose perk config would pass Shopify Functions' 10,000 bytes, with 422", async () => {
    const tags = Array.from({ length: 40 }, (_, i) => `${"long-tag-".repeat(27)}${i}`);
    await db.shop.update({
      where: { domain: SHOP },
      data: { settings: { tierPerks: { settings: { excludedProductTags: tags } } } },
    });
    const page = await loadPage();
    expect(page.perks.reason).toMatch(/Shopify Functions read at most 10,000/);
    page.draft.tiers.levels[0]!.perkPercent = "6";
    const form = { basedOn: String(page.version), section: JSON.stringify(sectionPart("tiers", page.draft)) };
    const result = await post(form);
    expect(result.status).toBe(422);
    expect((result.body as { fieldErrors: Record<string, string> }).fieldErrors["tiers.levels"]).toMatch(
      /^The tier-perk settings come to \d+,\d{3} bytes; Shopify Functions read at most 10,000/,
    );
    expect((await currentProgramVersion(db, SHOP)).version).toBe(2);
    expect(await post({ intent: "sync-perks" })).toMatchObject({ status: 422 });
    expect(discounts()).toHaveLength(0);
  });
});
