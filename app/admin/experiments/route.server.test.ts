import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { queue } from "~/jobs/queue.server";
import { aggregateRefreshId } from "~/experiments/aggregates.server";
import { currentProgramVersion, saveProgram } from "~/loyalty/services/program.server";
import { action as listAction, loader as listLoader } from "~/routes/app.experiments._index";
import { EVERYONE, storedConditions } from "~/intelligence/segments/audience";
import { action as newAction, loader as newLoader } from "~/routes/app.experiments.new";
import { action as detailAction, loader as detailLoader } from "~/routes/app.experiments.$experimentId";
import {
  adminRequest,
  answer,
  routeArgs,
  STAFF_ID,
  storeSessionWithoutShopify,
} from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { updateBandit } from "~/experiments/bandit.server";
import { createExperiment } from "~/experiments/experiments.server";
import { launchExperiment } from "~/experiments/lifecycle.server";
import type { loadExperimentDetail } from "./detail.server";
import { initialDraft, toInput, type ExperimentDraft } from "./form";
import type { loadExperimentsList } from "./list.server";
import type { loadNewExperiment } from "./new.server";

type ListPage = Awaited<ReturnType<typeof loadExperimentsList>>;
type NewPage = Awaited<ReturnType<typeof loadNewExperiment>>;
type DetailPage = NonNullable<Awaited<ReturnType<typeof loadExperimentDetail>>>;
type Answer = {
  status: number;
  body: { ok: boolean; id: string; launched?: boolean; message: string; fieldErrors: Record<string, string> };
};

// The experiments screens through their routes, as the admin calls them: the list with the
// holdout's start, the create flow's action with the domain's 422 field errors, and one
// experiment's page with its lifecycle; each scoped by the signed-in shop.

const db = prisma();
const SHOP = "experiments-route.myshopify.com";
const OTHER = "experiments-other.myshopify.com";
const NOW = new Date();
const DAY = 86_400_000;

beforeEach(async () => {
  await resetDatabase(db);
  await storeSessionWithoutShopify(SHOP);
  await db.shop.createMany({
    data: [
      { domain: SHOP, ianaTimezone: "America/New_York" },
      { domain: OTHER, ianaTimezone: "UTC" },
    ],
  });
  await saveProgram(
    db,
    SHOP,
    {
      currency: "USD",
      rewards: [
        {
          id: "five",
          name: "$5 off",
          value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
          pointsCost: 500,
        },
      ],
    },
    { basedOn: 1, note: "Launch" },
  );
});

async function run<T>(result: Promise<T>) {
  return (await answer(await result)) as Answer;
}

async function statusOf(thunk: () => Promise<unknown>): Promise<number> {
  try {
    return (await answer(await thunk())).status;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

/** Orders by members over the last days: net revenue per member (after a refund) is known. */
async function seedOrders(shop: string, spendMinor: number[]) {
  await db.member.createMany({
    // Joined 21 days ago, before every order below (1 to 20 days ago).
    data: spendMinor.map((_, i) => ({
      shop,
      customerId: BigInt(i + 1),
      createdAt: new Date(NOW.getTime() - 21 * DAY),
    })),
  });
  await db.order.createMany({
    data: spendMinor.map((total, i) => ({
      shop,
      id: BigInt(i + 1),
      customerId: BigInt(i + 1),
      name: `#${1000 + i}`,
      currencyCode: "USD",
      subtotalMinor: BigInt(total),
      totalMinor: BigInt(total),
      financialStatus: "paid",
      processedAt: new Date(NOW.getTime() - (1 + (i % 20)) * DAY),
    })),
  });
}

function experimentForm(change: (d: ExperimentDraft) => void = () => {}, intent = "draft") {
  return async () => {
    const live = (await currentProgramVersion(db, SHOP)).program;
    const draft = initialDraft(live);
    draft.name = "Double points";
    draft.key = "double-points";
    draft.variants[1]!.fields.pointsPerCurrencyUnit = "2";
    change(draft);
    return { intent, experiment: JSON.stringify(toInput(draft, live)) };
  };
}

async function create(change?: (d: ExperimentDraft) => void, intent = "draft") {
  const form = await experimentForm(change, intent)();
  return run(newAction(routeArgs(adminRequest(SHOP, "/app/experiments/new", form))));
}

describe("/app/experiments", () => {
  it("lists nothing on a new shop, and says why the holdout precision cannot be computed", async () => {
    const page = (await listLoader(routeArgs(adminRequest(SHOP, "/app/experiments")))) as ListPage;
    expect(page.experiments).toEqual([]);
    expect(page.holdout).toBeNull();
    expect(page.holdoutOptions.map((o) => [o.share, o.mde])).toEqual([
      [5, null],
      [10, null],
    ]);
    expect(page.holdoutOptions[0]!.reason).toMatch(/Fewer than 2 members/);
  });

  it("plans with the shop's own traffic: members now, members joining a day, net revenue per member with zeros", async () => {
    const spend = Array.from({ length: 56 }, (_, i) => 2000 + (i % 7) * 1000);
    await seedOrders(SHOP, spend);
    // 24 members who joined long ago and bought nothing: exposed at launch all the same.
    const joined = new Date(NOW.getTime() - 100 * DAY);
    const idle = Array.from({ length: 24 }, (_, i) => BigInt(500 + i));
    await db.member.createMany({
      data: idle.map((customerId) => ({ shop: SHOP, customerId, createdAt: joined })),
    });
    await seedOrders(OTHER, [100_000, 1]); // another shop's traffic never counts
    const net = [...spend, ...Array<number>(24).fill(0)];
    const mean = net.reduce((a, b) => a + b, 0) / net.length;
    const variance = net.reduce((a, b) => a + (b - mean) ** 2, 0) / (net.length - 1);
    const page = (await newLoader(routeArgs(adminRequest(SHOP, "/app/experiments/new")))) as NewPage;
    expect(page.traffic.members).toBe(80);
    expect(page.traffic.dailyJoined).toBeCloseTo(56 / 28, 10);
    expect(page.traffic.horizons.map((h) => h.days)).toEqual([14, 28, 56, 90]);
    const [, ...full] = page.traffic.horizons; // 28, 56 and 90 days see every order
    expect(full.map((h) => [h.meanMinor, h.varianceMinor].map(Math.round))).toEqual(
      Array(3).fill([mean, variance].map(Math.round)),
    );
    // 14 days see fewer orders (only those 1 to 13 days ago), so a smaller mean.
    expect(page.traffic.horizons[0]!.meanMinor).toBeLessThan(mean);
    const list = (await listLoader(routeArgs(adminRequest(SHOP, "/app/experiments")))) as ListPage;
    const [five, ten] = list.holdoutOptions;
    expect(five!.mde).toBeGreaterThan(0);
    // A larger holdout buys a smaller detectable effect.
    expect(ten!.mde).toBeLessThan(five!.mde!);
  });

  it("starts the holdout once; a second start, or a share out of range, is a 422 on the share field", async () => {
    const start = (share: string) =>
      run(
        listAction(
          routeArgs(
            adminRequest(SHOP, "/app/experiments?index", { intent: "start-holdout", sharePercent: share }),
          ),
        ),
      );
    const bad = await start("80");
    expect(bad.status).toBe(422);
    expect(bad.body.fieldErrors.sharePercent).toBe("At most 50%.");
    const ok = await start("7");
    expect(ok.status).toBe(200);
    const again = await start("5");
    expect(again.status).toBe(422);
    expect(again.body.fieldErrors.sharePercent).toMatch(/already running/);
    const page = (await listLoader(routeArgs(adminRequest(SHOP, "/app/experiments")))) as ListPage;
    expect(page.holdout).toMatchObject({ id: ok.body.id, sharePercent: 7, status: "running", days: 0 });
    expect(await db.experiment.count({ where: { shop: OTHER } })).toBe(0);
  });

  it("creates a draft from the form's fields, the override holding only what changed", async () => {
    const created = await create();
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ ok: true, launched: false });
    const row = await db.experiment.findUniqueOrThrow({
      where: { id: created.body.id },
      include: { variants: true },
    });
    expect(row).toMatchObject({ shop: SHOP, status: "draft", lever: "earnRate", createdBy: STAFF_ID });
    expect(row.variants.find((v) => v.key === "treatment")!.override).toEqual({
      earning: { pointsPerCurrencyUnit: 2 },
    });
    expect(row.variants.find((v) => v.key === "control")!.override).toEqual({});
    const page = (await listLoader(routeArgs(adminRequest(SHOP, "/app/experiments")))) as ListPage;
    expect(page.experiments[0]).toMatchObject({ name: "Double points", status: "draft", days: null });
    expect(page.experiments[0]!.lift).toEqual({ text: "—", reason: "Not launched yet." });
  });

  it("offers the saved segments with their counts on the audience step, and targets one", async () => {
    const segment = await db.savedSegment.create({
      data: { shop: SHOP, name: "Big balances", conditions: storedConditions({ ...EVERYONE, minPoints: 1 }) },
    });
    await seedOrders(SHOP, [1_000, 2_000, 3_000, 4_000, 5_000]);
    await db.member.updateMany({
      where: { shop: SHOP, customerId: { in: [1n, 2n, 3n] } },
      data: { availablePoints: 50 },
    });
    const page = (await newLoader(routeArgs(adminRequest(SHOP, "/app/experiments/new")))) as NewPage & {
      segments: { id: string; name: string; matching: number }[];
    };
    expect(page.segments).toEqual([{ id: segment.id, name: "Big balances", matching: 3 }]);
    const created = await create((d) => {
      d.audienceKind = "segment";
      d.audienceSegmentId = segment.id;
    });
    expect(created).toMatchObject({ status: 200, body: { ok: true } });
    const row = await db.experiment.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.audience).toEqual({ kind: "segment", segmentId: segment.id });
    const missing = await create((d) => {
      d.key = "other-key";
      d.audienceKind = "segment";
      d.audienceSegmentId = "";
    });
    expect(missing).toMatchObject({
      status: 422,
      body: { fieldErrors: { "audience.segmentId": "Choose a saved segment." } },
    });
  });

  it("answers the domain's 422 with field errors keyed where the form shows them, and writes nothing", async () => {
    const refused = await create((d) => {
      d.variants[1]!.fields.pointsPerCurrencyUnit = "-1";
      d.variants[1]!.weight = "40";
    });
    expect(refused.status).toBe(422);
    expect(refused.body.fieldErrors.variants).toMatch(/sum to 100%/);
    const override = await create((d) => (d.variants[1]!.fields.pointsPerCurrencyUnit = "-1"));
    expect(override.status).toBe(422);
    expect(Object.keys(override.body.fieldErrors)).toEqual([
      "variants.1.override.earning.pointsPerCurrencyUnit",
    ]);
    const rewards = await create((d) => {
      d.lever = "rewards";
      d.variants[1]!.fields.rewardCosts.five = "0";
    });
    expect(rewards.status).toBe(422);
    expect(Object.keys(rewards.body.fieldErrors)).toEqual(["variants.1.override.rewards.0.pointsCost"]);
    expect(await db.experiment.count()).toBe(0);
  });

  it("creates a bandit from the form: settings stored as shares, equal weights whatever was typed", async () => {
    const created = await create((d) => {
      d.allocation = "bandit";
      d.variants[1]!.weight = "70";
      d.bandit.cadenceMinutes = "1440";
    });
    expect(created.status).toBe(200);
    const saved = await db.experiment.findFirstOrThrow({
      where: { shop: SHOP, id: created.body.id },
      include: { variants: { orderBy: { position: "asc" } } },
    });
    expect(saved.bandit).toEqual({
      cadenceMinutes: 1440,
      burnInPeriods: 24,
      minShare: 0.05,
      maxChange: 0.2,
      minMembersPerArm: 100,
    });
    expect(saved.variants.map((v) => v.weight)).toEqual([50, 50]);
    const fixed = await create((d) => (d.key = "fixed-split"));
    expect(
      (await db.experiment.findFirstOrThrow({ where: { shop: SHOP, id: fixed.body.id } })).bandit,
    ).toBeNull();
  });

  it("answers a bandit's bad settings with 422s on the bandit's fields, and writes nothing", async () => {
    const refused = await create((d) => {
      d.allocation = "bandit";
      d.bandit = { cadenceMinutes: "5", burnInPeriods: "-1", minSharePercent: "60", maxChangePercent: "0" };
    });
    expect(refused.status).toBe(422);
    expect(refused.body.fieldErrors).toEqual({
      "bandit.cadenceMinutes": "At least every 15 minutes.",
      "bandit.burnInPeriods": "Cannot be negative.",
      "bandit.minSharePercent": "At most 50%.",
      "bandit.maxChangePercent": "At least 1 point per update.",
    });
    const floor = await create((d) => {
      d.allocation = "bandit";
      d.variants.push({ ...structuredClone(d.variants[1]!), key: "triple", name: "Triple" });
      d.variants[2]!.fields.pointsPerCurrencyUnit = "3";
      d.bandit.minSharePercent = "40";
    });
    expect(floor.status).toBe(422);
    expect(floor.body.fieldErrors["bandit.minSharePercent"]).toBe("3 variants cannot each keep 40%.");
    const ratio = await create((d) => {
      d.allocation = "bandit";
      d.primaryMetric = "aov";
    });
    expect(ratio.status).toBe(422);
    expect(ratio.body.fieldErrors.primaryMetric).toMatch(/per-member metric/);
    const typed = await create((d) => {
      d.allocation = "bandit";
      d.bandit.minSharePercent = "five";
    });
    expect(typed.status).toBe(422);
    expect(Object.keys(typed.body.fieldErrors)).toEqual(["bandit.minSharePercent"]);
    expect(await db.experiment.count()).toBe(0);
  });

  it("refuses an unreadable form with 400 and an oversized one with 413", async () => {
    const bad = await run(
      newAction(routeArgs(adminRequest(SHOP, "/app/experiments/new", { intent: "launch", experiment: "{" }))),
    );
    expect(bad.status).toBe(400);
    const big = adminRequest(SHOP, "/app/experiments/new", {
      intent: "draft",
      experiment: "x".repeat(2 * 1024 * 1024),
    });
    expect(await statusOf(() => newAction(routeArgs(big)))).toBe(413);
    expect(await db.experiment.count()).toBe(0);
  });
});

describe("/app/experiments/$experimentId", () => {
  const detail = (id: string) =>
    detailLoader(
      routeArgs(adminRequest(SHOP, `/app/experiments/${id}`), { experimentId: id }),
    ) as Promise<DetailPage>;
  const step = (id: string, form: Record<string, string>) =>
    run(detailAction(routeArgs(adminRequest(SHOP, `/app/experiments/${id}`, form), { experimentId: id })));

  it("launches, pauses, resumes, stops and ships (a new program version), then reverts; wrong-status steps are 409", async () => {
    const { body } = await create(undefined, "launch");
    expect(body.launched).toBe(true);
    const id: string = body.id;
    let page = await detail(id);
    expect(page.experiment).toMatchObject({ status: "running", days: 0 });
    expect(page.variants.map((v) => v.change)).toEqual([
      "The live program",
      "Earn rate: 1 → 2 points per USD",
    ]);
    expect(page.report).toEqual({
      available: false,
      reason:
        "No member has been exposed yet: every member of the audience is exposed at launch, or when they join.",
    });
    expect((await step(id, { intent: "pause" })).status).toBe(200);
    expect((await step(id, { intent: "pause" })).status).toBe(200); // idempotent
    expect((await step(id, { intent: "resume" })).status).toBe(200);
    expect((await step(id, { intent: "stop" })).status).toBe(200);
    expect((await step(id, { intent: "launch" })).status).toBe(409);
    const before = (await currentProgramVersion(db, SHOP)).version;
    const shipped = await step(id, { intent: "ship", variant: "treatment" });
    expect(shipped.status).toBe(200);
    const live = await currentProgramVersion(db, SHOP);
    expect(live.version).toBe(before + 1);
    expect(live.program.earning.pointsPerCurrencyUnit).toBe(2);
    expect((await step(id, { intent: "revert" })).status).toBe(200);
    expect((await currentProgramVersion(db, SHOP)).program.earning.pointsPerCurrencyUnit).toBe(1);
    page = await detail(id);
    expect(page.experiment).toMatchObject({
      status: "shipped",
      shippedVariant: "treatment",
      shippedVersion: before + 1,
    });
    expect(page.audit.map((a) => a.action)).toContain("revert");
  });

  it("dates the report's figures and recomputes them on demand; a draft has none to refresh", async () => {
    const draft = await create();
    expect((await detail(draft.body.id)).figures).toBeNull();
    expect(await step(draft.body.id, { intent: "refresh-report" })).toMatchObject({ status: 409 });
    const { body } = await create((d) => (d.key = "dated"), "launch");
    const page = await detail(body.id);
    expect(page.figures!.stale).toBe(false);
    expect(page.figures!.text).toMatch(/^Figures as of .+ E[SD]T, recomputed every 5 minutes\.$/);
    const answer = await step(body.id, { intent: "refresh-report" });
    expect(answer).toMatchObject({ status: 200, body: { ok: true, intent: "refresh-report" } });
    const q = queue(QUEUE.maintenance);
    const jobId = await q.getDeduplicationJobId(aggregateRefreshId(body.id));
    const queued = jobId ? await q.getJob(jobId) : undefined;
    expect(queued?.name).toBe("refresh-experiment-aggregates");
    await queued?.remove();
    await q.removeDeduplicationKey(aggregateRefreshId(body.id));
  });

  it("counts exposure per variant against the weights", async () => {
    const { body } = await create(undefined, "launch");
    await db.experimentExposure.createMany({
      data: [1n, 2n, 3n].map((customerId, i) => ({
        shop: SHOP,
        experimentId: body.id,
        customerId,
        variantKey: i < 2 ? "double-points:control" : "double-points:treatment",
        exposedAt: NOW,
        trigger: "assignment",
      })),
    });
    const page = await detail(body.id);
    expect(page.variants.map((v) => [v.key, v.exposed, v.expected])).toEqual([
      ["control", 2, 2],
      ["treatment", 1, 2],
    ]);
    expect(page.exposure.total).toBe(3);
    expect(page.exposure.rule).toMatch(
      /at launch or when they join, in every arm alike, whether or not they buy/,
    );
    expect(page.exposure.srm.warning).toBe(false);
  });

  it("reports the domain's analysis: per-metric means and lifts, the decision, the cumulative lift by day", async () => {
    const { body } = await create(undefined, "launch");
    const members = 60;
    await db.member.createMany({
      data: Array.from({ length: members }, (_, i) => ({ shop: SHOP, customerId: BigInt(i + 1) })),
    });
    await db.experimentExposure.createMany({
      data: Array.from({ length: members }, (_, i) => ({
        shop: SHOP,
        experimentId: body.id,
        customerId: BigInt(i + 1),
        variantKey: i % 2 ? "double-points:treatment" : "double-points:control",
        exposedAt: new Date(NOW.getTime() - (3 + (i % 3)) * DAY),
        trigger: "assignment",
      })),
    });
    await db.order.createMany({
      data: Array.from({ length: members }, (_, i) => ({
        shop: SHOP,
        id: BigInt(i + 1),
        customerId: BigInt(i + 1),
        name: `#${2000 + i}`,
        currencyCode: "USD",
        subtotalMinor: 0n,
        totalMinor: BigInt((i % 2 ? 6000 : 5000) + (i % 7) * 300),
        financialStatus: "paid",
        shopifyCreatedAt: new Date(NOW.getTime() - DAY),
      })),
    });
    const page = await detail(body.id);
    if (!page.report.available) throw new Error(page.report.reason);
    const primary = page.report.view.metrics.find((m) => m.role === "primary")!;
    expect(primary.name).toMatch(/margin/i);
    expect(primary.arms.map((a) => [a.variant, a.members])).toEqual([
      ["Control", "30"],
      ["Treatment", "30"],
    ]);
    expect(primary.variants[0]!.lift).toMatch(/^[+−-]\d/);
    expect(primary.variants[0]!.chanceToWin).toMatch(/%$/);
    expect(page.report.view.decision.reasons.length).toBeGreaterThan(0);
    // Three exposure days: one cumulative point per day for the treatment.
    expect(page.report.series).toHaveLength(1);
    expect(page.report.series[0]!.variant).toBe("Treatment");
    expect(page.report.series[0]!.points).toHaveLength(3);
    const list = (await listLoader(routeArgs(adminRequest(SHOP, "/app/experiments")))) as ListPage;
    expect(list.experiments[0]!.lift.text).toBe(primary.variants[0]!.lift);
  });

  it("reports a bandit: allocation over time, each arm's posterior, P(best), expected loss, phase, next update", async () => {
    const members = 120;
    await db.member.createMany({
      data: Array.from({ length: members }, (_, i) => ({
        shop: SHOP,
        customerId: BigInt(i + 1),
        createdAt: new Date(NOW.getTime() - 30 * DAY),
      })),
    });
    const created = await createExperiment(db, SHOP, {
      key: "reward-bandit",
      name: "Reward bandit",
      lever: "earnRate",
      primaryMetric: "netRevenue",
      variants: [
        { key: "control", name: "One point", weight: 50, control: true },
        {
          key: "double",
          name: "Two points",
          weight: 50,
          override: { earning: { pointsPerCurrencyUnit: 2 } },
        },
      ],
      bandit: { cadenceMinutes: 1440, burnInPeriods: 2, minMembersPerArm: 10 },
    });
    if (!created.ok) throw new Error(created.message);
    const id = created.value.id;
    const launchedAt = new Date(NOW.getTime() - 6 * DAY - 3600_000);
    expect((await launchExperiment(db, SHOP, id, { now: launchedAt })).ok).toBe(true);
    const exposures = await db.experimentExposure.findMany({ where: { shop: SHOP, experimentId: id } });
    expect(exposures).toHaveLength(members);
    // Two points per dollar earns more: each of its members buys 80 dollars, the others 50, a day after launch.
    await db.order.createMany({
      data: exposures.map((x, i) => ({
        shop: SHOP,
        id: BigInt(i + 1),
        customerId: x.customerId,
        name: `#${3000 + i}`,
        currencyCode: "USD",
        subtotalMinor: 0n,
        totalMinor: BigInt((x.variantKey.endsWith(":double") ? 8000 : 5000) + (i % 5) * 500),
        financialStatus: "paid",
        shopifyCreatedAt: new Date(launchedAt.getTime() + DAY / 2),
      })),
    });
    for (let p = 1; p <= 6; p++)
      await updateBandit(db, SHOP, id, new Date(launchedAt.getTime() + p * DAY + 60_000));

    const page = await detail(id);
    if (!page.report.available) throw new Error(page.report.reason);
    const bandit = page.report.bandit!;
    expect(bandit).not.toBeNull();
    // Launch at equal shares, then six daily allocations: period 1 in the burn-in (periods < 2), then Thompson sampling.
    expect(bandit.history).toHaveLength(7);
    expect(bandit.history[0]!.shares).toEqual({ control: 0.5, double: 0.5 });
    expect(bandit.history[1]!.shares).toEqual({ control: 0.5, double: 0.5 });
    expect(bandit.history[2]!.shares.double).toBeCloseTo(0.7, 6); // at most 20 points per update
    expect(bandit.history[6]!.shares).toEqual({ control: 0.05, double: 0.95 }); // the floor
    expect(bandit.history[1]!.label).toMatch(/E[SD]T$/); // the shop's time zone, named
    expect(bandit.phase.label).toBe("Moving traffic");
    expect(bandit.nextUpdate).toMatch(/E[SD]T$/);
    const [control, double] = bandit.arms;
    expect(control!.variant).toBe("One point");
    expect(double!.weight).toBe("95%");
    expect(double!.probabilityBest).toBe("> 99.9%");
    expect(control!.expectedLoss).toMatch(/^\$\d/);
    expect(double!.mean).toMatch(/^\$\d{2}\.\d{2}$/);
    expect(double!.interval).toMatch(/^\$[\d.]+ to \$[\d.]+$/);
    expect(double!.raw!.lower).toBeLessThan(double!.raw!.mean);
    // Everyone was exposed at launch at equal shares: no sample-ratio warning against the allocations.
    expect(bandit.expectedShares).toEqual({ control: 0.5, double: 0.5 });
    expect(page.exposure.srm.warning).toBe(false);
    expect(page.variants.map((v) => v.share)).toEqual(["5%", "95%"]);
    expect(page.experiment.isBandit).toBe(true);
    // A fixed split has no bandit section.
    const { body } = await create((d) => (d.key = "fixed"), "launch");
    const fixed = await detail(body.id);
    expect(fixed.report.available ? fixed.report.bandit : null).toBeNull();
  });

  it("ends the holdout and grants its shadow points once, from the holdout's page", async () => {
    const started = await run(
      listAction(
        routeArgs(
          adminRequest(SHOP, "/app/experiments?index", { intent: "start-holdout", sharePercent: "5" }),
        ),
      ),
    );
    const id = started.body.id;
    await db.member.create({ data: { shop: SHOP, customerId: 7n } });
    await db.holdoutShadowEntry.create({
      data: {
        shop: SHOP,
        experimentId: id,
        customerId: 7n,
        key: "shadow-earn-7",
        kind: "earn",
        points: 120,
        programVersion: 2,
        occurredAt: NOW,
      },
    });
    expect((await step(id, { intent: "grant" })).status).toBe(409); // still running
    expect((await detail(id)).experiment.shadowPoints).toBe(120);
    expect((await step(id, { intent: "stop" })).status).toBe(200);
    expect((await step(id, { intent: "grant" })).status).toBe(200);
    expect((await step(id, { intent: "grant" })).status).toBe(200);
    const granted = await db.ledgerEntry.findMany({ where: { shop: SHOP, customerId: 7n } });
    expect(granted.map((g) => [g.kind, g.points])).toEqual([["bonus", 120]]);
    expect((await detail(id)).experiment.grantedAt).not.toBeNull();
  });

  it("answers 404 for another shop's experiment, an id that is no UUID, and a form naming them", async () => {
    await storeSessionWithoutShopify(OTHER);
    const theirs = (await answer(
      await newAction(routeArgs(adminRequest(OTHER, "/app/experiments/new", await experimentForm()()))),
    )) as Answer;
    // The form was built on SHOP's program; OTHER's default program takes it as well.
    const id: string = theirs.body.id;
    expect(id).toBeTruthy();
    expect(await statusOf(() => detail(id))).toBe(404);
    expect(await statusOf(() => detail("not-a-uuid"))).toBe(404);
    expect((await step(id, { intent: "launch" })).status).toBe(404);
    expect((await db.experiment.findUniqueOrThrow({ where: { id } })).status).toBe("draft");
    expect((await step(id, { intent: "explode" })).status).toBe(400);
  });
});
