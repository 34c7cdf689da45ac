import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { presentResponseCurve } from "~/admin/experiments/response-curve";
import { prisma } from "~/db.server";
import { closeQueues } from "~/jobs/queue.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { banditReport, updateBandit } from "./bandit.server";
import { tuneEarnRate } from "./earn-rate-optimizer.server";
import { forgetRunning } from "./running.server";
import type { MeanStats } from "./stats/estimates";
import { SeededRandom } from "./stats/random";

// "Tune earn rate" on the real database: a bad range is a 422 that writes nothing; a good one
// launches a bandit whose settings carry the optimizer, whose update scores the rates with the
// Gaussian process, and whose report gives the response curve.

const db = prisma();
const SHOP = "tune-earn.myshopify.com";
const LAUNCH = new Date("2025-10-01T00:00:00Z");
const HOUR = 3_600_000;

beforeEach(async () => {
  await resetDatabase(db);
  forgetRunning(SHOP);
  await db.shop.create({ data: { domain: SHOP, currencyCode: "USD" } });
  await currentProgramVersion(db, SHOP);
});
afterAll(async () => {
  await closeQueues();
  await db.$disconnect();
});

describe("tuneEarnRate", () => {
  it.each([
    [{ min: "0", max: "4" }, "min", /above zero/],
    [{ min: "0.5", max: "100" }, "max", /100× the live rate/],
    [{ min: "4", max: "2" }, "max", /above the lowest/],
    [{ min: "1", max: "4", count: "7" }, "count", /At most 6/],
    [{ min: "", max: "4" }, "min", /./],
  ])("answers 422 for %j and writes nothing", async (input, field, message) => {
    const answer = await tuneEarnRate(db, SHOP, input, null, LAUNCH);
    expect(answer).toMatchObject({ ok: false, status: 422 });
    expect(!answer.ok && answer.fieldErrors[field]).toMatch(message);
    expect(await db.experiment.count({ where: { shop: SHOP } })).toBe(0);
  });

  it("launches the rates as a bandit on net margin, the live rate first, the optimizer in its settings", async () => {
    const answer = await tuneEarnRate(db, SHOP, { min: "0.5", max: "8", count: "5" }, "staff-1", LAUNCH);
    if (!answer.ok) throw new Error(answer.message);
    expect(answer.value.launched).toBe(true);
    const e = await db.experiment.findFirstOrThrow({
      where: { shop: SHOP, id: answer.value.id },
      include: { variants: { orderBy: { position: "asc" } } },
    });
    expect(e).toMatchObject({ status: "running", lever: "earnRate", primaryMetric: "netMargin" });
    expect(e.bandit).toMatchObject({
      minShare: 0.01,
      optimizer: { kind: "earnRate", min: 0.5, max: 8, candidates: [1, 0.5, 2, 4, 8], method: "gp-thompson" },
    });
    expect(e.variants.map((v) => [v.key, v.control, v.override])).toEqual([
      ["live", true, {}],
      ["rate-0-50", false, { earning: { pointsPerCurrencyUnit: 0.5 } }],
      ["rate-2-00", false, { earning: { pointsPerCurrencyUnit: 2 } }],
      ["rate-4-00", false, { earning: { pointsPerCurrencyUnit: 4 } }],
      ["rate-8-00", false, { earning: { pointsPerCurrencyUnit: 8 } }],
    ]);
  });

  it("scores the rates with the GP: traffic moves toward the peak and the report draws the curve", async () => {
    const answer = await tuneEarnRate(db, SHOP, { min: "0.5", max: "8", count: "5" }, null, LAUNCH);
    if (!answer.ok) throw new Error(answer.message);
    const id = answer.value.id;
    // Net margin per member (minor units) peaks at 4 points: arms in variant order 1, 0.5, 2, 4, 8.
    const truth = [1500, 1200, 1800, 2000, 1700];
    const random = new SeededRandom(5);
    const statistics = async () =>
      Array.from({ length: 3 }, () =>
        truth.map((mu): MeanStats => {
          const s = { n: 600, sum: 0, sumSquares: 0 };
          for (let i = 0; i < s.n; i++) {
            const y = mu + 800 * random.normal();
            s.sum += y;
            s.sumSquares += y * y;
          }
          return s;
        }),
      );
    const now = new Date(LAUNCH.getTime() + 30 * HOUR);
    const outcome = await updateBandit(db, SHOP, id, now, { statistics });
    if (outcome.status !== "written") throw new Error(outcome.status);
    expect(outcome.update.phase).toBe("thompson");
    expect(outcome.update.posterior!.method).toMatch(/gaussian-process/);
    const weights = outcome.update.weights;
    expect(weights.indexOf(Math.max(...weights))).toBe(3);

    const e = await db.experiment.findFirstOrThrow({
      where: { shop: SHOP, id },
      include: { variants: { orderBy: { position: "asc" } } },
    });
    const report = (await banditReport(
      db,
      SHOP,
      e,
      e.variants.map((v) => v.key),
      now,
    ))!;
    const curve = presentResponseCurve({
      bandit: e.bandit,
      report,
      variants: e.variants,
      positionKeys: e.variants.map((v) => v.key),
      metricName: "Net incremental margin per member",
      currency: "USD",
      timeZone: "UTC",
    })!;
    expect(curve.points).toHaveLength(41);
    expect(curve.points[0]).toMatchObject({ x: 0.5, label: "0.5 pts" });
    expect(curve.points.at(-1)!.x).toBeCloseTo(8, 9);
    for (const p of curve.points) expect(p.lower).toBeLessThan(p.upper);
    const peak = curve.points.reduce((a, b) => (b.mean > a.mean ? b : a));
    expect(peak.x).toBeGreaterThan(2.5);
    expect(peak.x).toBeLessThan(6);
    expect(curve.candidates.map((c) => c.x)).toEqual([0.5, 1, 2, 4, 8]);
    expect(curve.recommendation).toMatch(/^4 points per USD/);
  });
});
