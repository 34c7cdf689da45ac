import { mkdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveProgram } from "../../app/loyalty/services/program.server";
import { startEmbeddedAdmin, type EmbeddedAdmin } from "./support/embedded-admin";

// The members list as a loyalty manager segments with it: spend, orders, average order,
// last order and tier columns from the mirrored orders, filters and sorts, a bulk points
// adjustment that names the signed-in staff member (from the emulator's online token),
// and a member's "why this tier". Real app, emulator, database and Chromium.

const SHOP = "members-browser.myshopify.com";
const SCREENSHOTS = "test-results/screenshots";
let admin: EmbeddedAdmin;
// A navigation on this shared host can take longer than expect.poll's default second.
const SETTLED = { timeout: 15_000 };

const PEOPLE = [
  ["Ada", "Lovelace", 4, 18_500],
  ["Grace", "Hopper", 1, 42_000],
  ["Alan", "Turing", 0, 0],
  ["Zoë", "Okafor", 6, 9_900],
  ["Ravi", "Shankar", 2, 31_250],
  ["Mia", "Nguyen", 3, 12_000],
] as const;

beforeAll(async () => {
  admin = await startEmbeddedAdmin(
    { domain: SHOP, name: "Harbor Coffee", currencyCode: "USD", ianaTimezone: "America/New_York" },
    async (db) => {
      const day = 86_400_000;
      const now = Date.now();
      let orderId = 5000;
      for (const [i, [first, last, orders, each]] of PEOPLE.entries()) {
        const id = BigInt(i + 1);
        await db.customer.create({
          data: {
            shop: SHOP,
            id,
            firstName: first,
            lastName: last,
            email: `${first.toLowerCase()}@example.com`,
          },
        });
        for (let o = 0; o < orders; o++) {
          orderId += 1;
          await db.order.create({
            data: {
              shop: SHOP,
              id: BigInt(orderId),
              customerId: id,
              name: `#${orderId}`,
              currencyCode: "USD",
              subtotalMinor: BigInt(each),
              totalMinor: BigInt(each),
              processedAt: new Date(now - (20 + 45 * o + 30 * i) * day),
            },
          });
        }
        const spent = orders * each;
        const tier = spent >= 50_000 ? "gold" : spent >= 10_000 ? "silver" : null;
        await db.member.create({
          data: {
            shop: SHOP,
            customerId: id,
            availablePoints: 120 * (i + 1),
            lifetimePoints: 200 * (i + 1),
            enrolledAt: new Date(now - 400 * day),
            tierId: tier,
            tierValue: BigInt(spent),
            nextTierId: tier === "gold" ? null : tier === "silver" ? "gold" : "silver",
            tierRemaining: BigInt(tier === "gold" ? 0 : tier === "silver" ? 50_000 - spent : 10_000 - spent),
            tierEvaluatedAt: new Date(now - day),
          },
        });
      }
      await saveProgram(
        db,
        SHOP,
        {
          currency: "USD",
          tiers: {
            basis: "spend",
            window: "rolling12m",
            downgradeGraceDays: 30,
            levels: [
              { id: "silver", name: "Silver", threshold: 10_000 },
              { id: "gold", name: "Gold", threshold: 50_000, benefits: { earnMultiplier: 1.5 } },
            ],
          },
        },
        { basedOn: 1, note: "Tiers" },
      );
    },
  );
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await admin?.close();
});

describe("the members list", () => {
  it("shows spend, orders, average order, last order and tier, sorted and filtered in the database", async () => {
    const { frame, page, openNav } = admin;
    await openNav("Members");
    await frame.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    for (const heading of ["Total spent", "Orders", "Avg. order", "Last order", "Tier"])
      expect(await frame.getByRole("columnheader", { name: heading }).count()).toBeGreaterThan(0);
    // Grace: one order of $420 → Silver, $80.00 to Gold; Ada: 4 orders of $185 → $740.00, top tier.
    const grace = frame.getByRole("row", { name: /Grace Hopper/ });
    await expect.poll(() => grace.innerText(), SETTLED).toContain("$420.00");
    expect(await grace.innerText()).toContain("$80.00 to Gold");
    expect(await frame.getByRole("row", { name: /Ada Lovelace/ }).innerText()).toContain("Top tier");
    expect(await grace.getByRole("link", { name: "Customer in Shopify" }).getAttribute("href")).toBe(
      "shopify://admin/customers/2",
    );

    await frame.getByRole("tab", { name: "Top spenders" }).click();
    await expect
      .poll(async () => frame.locator("tbody tr [data-primary-link]").allInnerTexts(), SETTLED)
      .toEqual(["Ada Lovelace", "Ravi Shankar", "Zoë Okafor", "Grace Hopper", "Mia Nguyen", "Alan Turing"]);
    await page.screenshot({ path: `${SCREENSHOTS}/members-list.png`, fullPage: true });

    await frame.getByRole("button", { name: "Search and filter results" }).click();
    await frame.locator(".Polaris-Filters-FilterPill__ToggleButton", { hasText: "Last order" }).click();
    await frame.getByText("In the last 90 days", { exact: true }).click();
    await expect
      .poll(async () => frame.locator("tbody tr [data-primary-link]").allInnerTexts(), SETTLED)
      .toEqual(["Ada Lovelace", "Grace Hopper"]);
    // A money range: spent at least $500 among them.
    await frame.locator(".Polaris-Filters-FilterPill__ToggleButton", { hasText: "Total spent" }).click();
    await frame.getByLabel("Total spent from").fill("500");
    await expect
      .poll(async () => frame.locator("tbody tr [data-primary-link]").allInnerTexts(), SETTLED)
      .toEqual(["Ada Lovelace"]);
    await page.screenshot({ path: `${SCREENSHOTS}/members-filtered.png`, fullPage: true });

    // The export carries the same filters: only Ada, with her figures, as a download.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      frame.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^members-members-browser-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), "utf8").split("\r\n");
    expect(csv[0]).toMatch(/^\uFEFFCustomer ID,First name,Last name,Email,/);
    expect(csv.slice(1).filter(Boolean)).toEqual([
      expect.stringMatching(/^1,Ada,Lovelace,ada@example.com,active,Gold,740,,,/),
    ]);
  });

  it("adjusts the selected members' points in bulk as the named staff member, once", async () => {
    const { frame, page, openNav, db } = admin;
    await openNav("Members");
    await frame.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    await frame
      .getByRole("row", { name: /Grace Hopper/ })
      .getByRole("checkbox")
      .check();
    await frame
      .getByRole("row", { name: /Alan Turing/ })
      .getByRole("checkbox")
      .check();
    await frame.getByRole("button", { name: "Adjust points for 2 members" }).click();
    const dialog = frame.getByRole("dialog");
    await dialog.getByLabel("Points").fill("0");
    await dialog.getByLabel("Reason").fill("Café reopening gift");
    await dialog.getByRole("button", { name: "Apply adjustment" }).click();
    await dialog.getByText("zero changes nothing", { exact: false }).waitFor();
    await dialog.getByLabel("Points").fill("150");
    await dialog.getByRole("button", { name: "Apply adjustment" }).click();
    await dialog.getByText("Applied to 2 members.").waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/members-bulk.png`, fullPage: true });
    await dialog.getByRole("button", { name: "Close" }).first().click();
    await frame.getByText("Alex Morgan", { exact: false }).first().waitFor();
    const entries = await db.ledgerEntry.findMany({ where: { shop: SHOP, kind: "adjustment" } });
    expect(entries.map((e) => [e.customerId, e.points, e.staffId])).toEqual(
      expect.arrayContaining([
        [2n, 150, "1"],
        [3n, 150, "1"],
      ]),
    );
    expect(entries).toHaveLength(2);
  });

  it("explains a member's tier and links the customer and orders to Shopify admin", async () => {
    const { frame, page } = admin;
    await frame.getByRole("link", { name: "Grace Hopper" }).click();
    await frame.getByRole("heading", { name: "Grace Hopper", level: 1 }).waitFor();
    await frame.getByText("Qualifying value: $420.00 spent in the last 12 months.").waitFor();
    expect(await frame.getByText("Next: Gold at $500.00, $80.00 to go.").count()).toBe(1);
    expect(await frame.getByText("they keep Silver for 30 days", { exact: false }).count()).toBe(1);
    expect(await frame.getByRole("link", { name: "Customer in Shopify" }).getAttribute("href")).toBe(
      "shopify://admin/customers/2",
    );
    // The bulk adjustment in Grace's history names who made it.
    expect(await frame.getByText("“Café reopening gift” by Alex Morgan").count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}/member-tier.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  });

  it("pages a long list with next and previous, and opens a cut page link at the first page", async () => {
    const { frame, page, openNav, db } = admin;
    // 40 more members with fewer points than the six: the list by points is 46 long.
    const paged = Array.from({ length: 40 }, (_, i) => BigInt(100 + i));
    await db.customer.createMany({
      data: paged.map((id, i) => ({
        shop: SHOP,
        id,
        firstName: "Paged",
        lastName: `Member ${String(i + 1).padStart(2, "0")}`,
      })),
    });
    await db.member.createMany({
      data: paged.map((customerId, i) => ({ shop: SHOP, customerId, availablePoints: 40 - i })),
    });
    await openNav("Members");
    const names = () => frame.locator("tbody tr [data-primary-link]").allInnerTexts();
    await expect.poll(async () => (await names()).length, SETTLED).toBe(25);
    const first = await names();
    expect(first.at(-1)).toBe("Paged Member 19");
    await frame.getByText("46 members", { exact: true }).waitFor();
    expect(await frame.getByRole("button", { name: "Previous" }).isDisabled()).toBe(true);

    await frame.getByRole("button", { name: "Next" }).click();
    await expect.poll(names, SETTLED).toEqual(Array.from({ length: 21 }, (_, i) => `Paged Member ${i + 20}`));
    const appFrame = page.frames().find((f) => new URL(f.url()).pathname === "/app/members")!;
    expect(new URL(appFrame.url()).searchParams.get("after")).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await frame.getByRole("button", { name: "Next" }).isDisabled()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/members-next-page.png`, fullPage: true });

    await frame.getByRole("button", { name: "Previous" }).click();
    await expect.poll(names, SETTLED).toEqual(first);

    // A page link cut short (a cursor that no longer decodes) opens the first page and says so.
    const src = new URL((await page.locator("#app-frame").getAttribute("src"))!);
    src.pathname = "/app/members";
    src.searchParams.set(
      "after",
      new URL(appFrame.url()).searchParams.get("before")?.slice(0, 12) ?? "eyJwb2ludHMi",
    );
    await page
      .locator("#app-frame")
      .evaluate((iframe, url) => ((iframe as HTMLIFrameElement).src = url), src.href);
    await frame.getByText("That page of the list could not be opened").waitFor();
    await expect.poll(names, SETTLED).toEqual(first);
    await frame.getByRole("tab", { name: "All" }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/members-cut-link.png`, fullPage: true });
    expect(admin.pageErrors).toEqual([]);
  });
});
