import { beforeAll, describe, expect, it } from "vitest";
import { prisma, type PrismaClient } from "~/db.server";
import { campaignReport } from "~/campaigns/measure/report.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { seedMeasuredCampaign } from "~tests/support/campaign-report-world.server";
import { loadCampaignReportPage } from "./report.server";

// The report page aggregates the campaign's experiment once per view: its arms' outcomes and
// the experiments' analysis read the same rows (the stored aggregate, computed inline on the
// first view only). Counted at the client: every statement Prisma runs passes through the
// extension below, inside transactions too, and the aggregation is the one statement that
// groups the exposed members' facts by variant and exposure day.

const base = prisma();
const SHOP = "campaigns-report-page.myshopify.com";
const AGGREGATION = /GROUP BY variant, day/;
let aggregations = 0;
const db = base.$extends({
  query: {
    async $allOperations({ operation, args, query }) {
      if (operation === "$queryRawUnsafe" && AGGREGATION.test(String((args as unknown[])[0])))
        aggregations += 1;
      return query(args);
    },
  },
}) as unknown as PrismaClient;
let campaignId: string;

beforeAll(async () => {
  await resetDatabase(base);
  await seedProgram(base, SHOP, {});
  await base.shop.update({ where: { domain: SHOP }, data: { ianaTimezone: "America/New_York" } });
  campaignId = await seedMeasuredCampaign(base, SHOP);
});

describe("the campaign report page", () => {
  it("aggregates once on the first view, not at all on the next, and shows the live report's figures", async () => {
    const now = new Date();
    aggregations = 0;
    const page = await loadCampaignReportPage(db, SHOP, campaignId, now);
    expect(aggregations).toBe(1);
    expect(page?.analysis.available).toBe(true);
    expect(page?.figures.text).toMatch(/^Figures as of .+, recomputed every 5 minutes\.$/);

    aggregations = 0;
    const again = await loadCampaignReportPage(db, SHOP, campaignId, new Date(now.getTime() + 1000));
    expect(aggregations).toBe(0);
    expect(again?.arms).toEqual(page?.arms);

    // The same figures as a live report as of the stored aggregate's instant.
    const live = (await campaignReport(db, SHOP, campaignId, { asOf: now, timeZone: "America/New_York" }))!;
    expect(aggregations).toBe(1);
    expect(page!.arms.map((a) => [a.key, a.funnel.sent, a.outcomes.exposed, a.outcomes.orders])).toEqual(
      live.arms.map((a) => [a.key, String(a.sent), String(a.exposed), String(a.orders)]),
    );
    expect(live.arms.map((a) => a.exposed)).toEqual([60, 60, 60]);
  });
});
