import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import reference from "./reference/campaign-report.json";
import { campaignReport, type CampaignReport } from "./report.server";
import { seedMeasuredCampaign } from "~tests/support/campaign-report-world.server";

// The report from seeded sends, exposures, orders and used rewards: the message funnel
// against counts made by hand, the outcomes and the net incremental margin against an
// independent python3 computation (reference/campaign_report.py → campaign-report.json).

const db = prisma();
const SHOP = "campaigns-report.myshopify.com";
let report: CampaignReport;

beforeAll(async () => {
  await resetDatabase(db);
  await seedProgram(db, SHOP, {});
  await db.shop.update({ where: { domain: SHOP }, data: { ianaTimezone: "America/New_York" } });
  const campaignId = await seedMeasuredCampaign(db, SHOP);
  report = (await campaignReport(db, SHOP, campaignId, {
    asOf: new Date(reference.asOf),
    timeZone: "America/New_York",
  }))!;
});

const arm = (key: string) => report.arms.find((a) => a.key === key)!;

describe("the campaign report", () => {
  it("counts the message funnel per arm, unique sends, bots apart", () => {
    expect(report.hasHoldout).toBe(true);
    expect(report.arms.map((a) => a.key)).toEqual(["holdout", "a", "b"]);
    const funnel = (key: string) => {
      const x = arm(key);
      return [x.sent, x.delivered, x.opens.human, x.opens.bot, x.clicks.human, x.clicks.bot];
    };
    expect(funnel("holdout")).toEqual([60, 0, 0, 0, 0, 0]);
    expect(funnel("a")).toEqual([60, 57, 5, 2, 2, 1]);
    expect(funnel("b")).toEqual([60, 60, 1, 0, 0, 0]);
  });

  it.each(["holdout", "a", "b"] as const)("matches the reference's outcomes for %s", (key) => {
    const expected = reference.expected.arms[key];
    const got = arm(key);
    expect(got.exposed).toBe(expected.exposed);
    expect(got.orders).toBe(expected.orders);
    expect(got.revenue).toBe(expected.revenue);
    expect(got.rewardCost).toBe(expected.rewardCost);
    expect(got.netMargin).toBeCloseTo(expected.netMargin, 6);
  });

  it.each(["a", "b"] as const)(
    "matches the reference's net incremental margin of %s against the holdout",
    (key) => {
      const expected = reference.expected.arms[key].incremental;
      const got = arm(key).incremental!;
      for (const k of ["estimate", "lower", "upper"] as const)
        expect(Math.abs(got[k] - expected[k])).toBeLessThan(1e-6 * Math.abs(expected[k]) + 1e-6);
      expect(got.significant).toBe(expected.significant);
      expect(arm("holdout").incremental).toBeNull();
    },
  );

  it("reads the analysis and the engagement by shop-local day", () => {
    const margin = report.report.analysis.metrics.find((m) => m.key === "netMargin")!;
    expect(margin.role).toBe("primary");
    const sentDays = report.daily.reduce((s, d) => s + d.sent, 0);
    expect(sentDays).toBe(57 + 60);
    expect(report.daily.reduce((s, d) => s + d.humanOpens, 0)).toBe(6);
    expect(report.daily.reduce((s, d) => s + d.humanClicks, 0)).toBe(2);
    expect(report.daily.reduce((s, d) => s + d.botEvents, 0)).toBe(3);
    expect(report.daily.map((d) => d.day)).toEqual([...report.daily.map((d) => d.day)].sort());
  });
});
