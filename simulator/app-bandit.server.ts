// A bandit scenario run through the app (`npm run sim` with a scenario that has `bandit`):
// the scenario's variants become one experiment launched as a bandit by the experiments
// service; its members join evenly over `bandit.arrivalDays`; the simulated clock advances a
// day at a time and, at each period of the bandit's cadence, runs the app's own allocation
// update (`updateBandit`, what the `update-bandits` job runs for each bandit) at the sim's
// instant. Each day's new members are exposed by the app's sweep at their join instant, in
// the arm the allocation in force then gives them (sticky from then on); the app's program
// resolution says what they get, they live the following days under it, and their orders go
// into the app's order mirror, which the next updates read (only orders placed before the
// update's instant count). The report puts the allocation path, the arm the app would ship
// and the simulator's true best arm side by side.
//
// The true best arm is counterfactual: every member lives the same days (from the day after
// they join) once under each arm's program with the same random numbers; the arm with the
// highest mean net revenue per member is the best.
import type { Prisma, PrismaClient } from "../app/db.server";
import { banditAllocations, storedBandit, updateBandit } from "../app/experiments/bandit.server";
import { evaluateAutoApply, setAutoApply } from "../app/experiments/auto-apply.server";
import { sweepExposures } from "../app/experiments/exposure-sweep.server";
import { forgetRunning } from "../app/experiments/running.server";
import { memberPrograms } from "../app/loyalty/services/member-program.server";
import { appDesign } from "./app-design";
import { createInApp, scenarioMembers, type AppRunOptions } from "./app-experiment.server";
import { liveUnderProgram, type LifeContext, type SimMember, simulatedOrderRow } from "./app-life";
import { DAY_MS } from "./model/calendar";
import { hashString, Rng } from "./random/rng";
import { responder } from "./scenario/respond";
import type { Scenario } from "./scenario/schema";

export interface BanditRunOptions extends AppRunOptions {
  /**
   * Called with the sim's clock after each allocation update: where auto-apply (issue 16
   * item 4) runs, as its job would after the update, e.g. `(now) => autoApply(db, shop, now)`.
   */
  afterUpdate?: (now: Date) => Promise<void>;
  /**
   * Turn the app's auto-apply on for the experiment (default settings) and evaluate it after
   * every update, as the job does: the run ends when it ships the winner (or pauses on a breach).
   */
  autoApply?: boolean;
}

export interface BanditArm {
  /** The scenario's variant key. */
  key: string;
  /** Members the app assigned to it, their orders and net revenue (observed in the run). */
  members: number;
  orders: number;
  netRevenueMinor: number;
  /** The counterfactual mean net revenue per member had every member got this arm. */
  trueMeanMinor: number;
  /** P(best) in the last update's posterior (null before one). */
  probabilityBest: number | null;
}

export interface BanditRunReport {
  scenario: { name: string; seed: number; days: number };
  shop: { domain: string; buyers: number; members: number; launchedAt: string };
  settings: ReturnType<typeof storedBandit>;
  arms: BanditArm[];
  /** Each allocation the app wrote, oldest first: the period, when it applied, why, each arm's share. */
  allocations: { period: number; effectiveFrom: string; phase: string; shares: Record<string, number> }[];
  /**
   * The arm the app ships: the variant auto-apply shipped (with when, and the day of the run),
   * or, without a ship, the highest P(best) at the end.
   */
  shipped: {
    key: string;
    by: "auto-apply" | "shipped" | "highest P(best)";
    at?: string;
    day?: number;
  } | null;
  trueBest: string;
  agree: boolean;
  elapsedMs: number;
}

export async function runBanditThroughApp(
  db: PrismaClient,
  input: Scenario,
  options: BanditRunOptions = {},
): Promise<BanditRunReport> {
  const started = performance.now();
  if (!input.bandit) throw new Error(`Scenario ${input.name} has no bandit settings.`);
  const scenario: Scenario =
    options.seed === undefined ? input : { ...input, shop: { ...input.shop, seed: options.seed } };
  const days = options.days ?? scenario.truth.horizonDays;
  const arrivalDays = Math.min(scenario.bandit!.arrivalDays, days);
  const { definition, members, buyers } = scenarioMembers(scenario, days);
  const { params, calendar } = definition;
  const seed = params.seed;
  const domain = options.shop ?? `sim-${scenario.name}.myshopify.com`;
  const design = appDesign(scenario, params.currency);
  if (!design.experiment) throw new Error(`Scenario ${scenario.name} needs at least two program variants.`);
  const start = new Date(calendar.endMs);
  await createInApp(db, domain, design, start, []);
  const experiment = await db.experiment.findFirstOrThrow({
    where: { shop: domain, key: design.experiment.input.key },
  });
  if (options.autoApply) {
    const on = await setAutoApply(db, domain, experiment.id, { enabled: true }, { now: start });
    if (!on.ok) throw new Error(`Auto-apply could not be turned on: ${on.message}`);
  }
  const settings = storedBandit(experiment.bandit);
  const cadenceMs = settings.cadenceMinutes * 60_000;
  const armOf = design.experiment.armByQualifiedKey;
  const controlKey = `${experiment.key}:${design.experiment.input.variants.find((v) => v.control)!.key}`;

  // Member i joins at start + (i + ½)/M of the arrival window.
  const joinedAt = (i: number) => start.getTime() + ((i + 0.5) / members.length) * arrivalDays * DAY_MS;
  const ctx: LifeContext = {
    calendar,
    days,
    seed,
    respond: responder(scenario.response),
    rng: new Rng((seed ^ hashString(`sim:${scenario.name}`)) | 0),
  };
  const observed = new Map(design.arms.map((a) => [a.key, { members: 0, orders: 0, netRevenueMinor: 0 }]));
  let orderSeq = 0;
  let nextPeriod = 1;
  let next = 0;
  let ended = false;
  for (let day = 0; day < days && !ended; day++) {
    const dayEnd = start.getTime() + (day + 1) * DAY_MS;
    const arriving: { member: SimMember; at: Date; fromDay: number }[] = [];
    while (next < members.length && joinedAt(next) < dayEnd) {
      arriving.push({ member: members[next]!, at: new Date(joinedAt(next)), fromDay: day + 1 });
      next++;
    }
    if (arriving.length)
      await db.member.createMany({
        data: arriving.map(({ member, at }) => ({
          shop: domain,
          customerId: BigInt(member.id),
          status: "active" as const,
          enrolledAt: at,
          createdAt: at,
        })),
      });
    // The updates due today, each at a minute into its period (as the 5-minute schedule finds it).
    for (;;) {
      const at = new Date(start.getTime() + nextPeriod * cadenceMs + 60_000);
      if (at.getTime() >= dayEnd) break;
      await updateBandit(db, domain, experiment.id, at);
      if (options.autoApply) await evaluateAutoApply(db, domain, experiment.id, at);
      await options.afterUpdate?.(at);
      nextPeriod++;
      // Shipped (or paused on a breach): the experiment is over, and so is the run.
      const { status } = await db.experiment.findUniqueOrThrow({
        where: { id: experiment.id },
        select: { status: true },
      });
      if (status !== "running") {
        ended = true;
        break;
      }
    }
    if (ended) break;
    if (!arriving.length) continue;
    // Today's members as the app assigns them: exposed at their join, then resolved.
    const now = new Date(dayEnd);
    await sweepExposures(db, domain, now);
    forgetRunning(domain);
    const resolve = await memberPrograms(db, domain, now);
    const exposures = new Map(
      (
        await db.experimentExposure.findMany({
          where: {
            shop: domain,
            experimentId: experiment.id,
            customerId: { in: arriving.map((a) => BigInt(a.member.id)) },
          },
          select: { customerId: true, variantKey: true },
        })
      ).map((x) => [String(x.customerId), x.variantKey]),
    );
    const orders: Prisma.OrderCreateManyInput[] = [];
    for (const { member, fromDay } of arriving) {
      const recorded = exposures.get(member.id);
      const resolved = resolve(BigInt(member.id));
      // The control has no override, so its members' programs name no variant.
      const variant = resolved.variants.find((v) => armOf.has(v)) ?? controlKey;
      if (variant !== recorded)
        throw new Error(`Member ${member.id}: exposed in ${recorded ?? "nothing"}, resolved to ${variant}.`);
      const arm = armOf.get(variant)!;
      const life = liveUnderProgram(ctx, member, resolved.program, {
        heldOut: false,
        fromDay,
        onOrder: (order) => {
          orderSeq++;
          orders.push(
            simulatedOrderRow(order, {
              shop: domain,
              id: BigInt(6_900_000_000_000 + orderSeq),
              customerId: BigInt(member.id),
              name: `#S${orderSeq}`,
              currencyCode: params.currency,
            }),
          );
        },
      });
      const o = observed.get(arm)!;
      o.members++;
      o.orders += life.orders;
      o.netRevenueMinor += life.netRevenueMinor;
    }
    for (let i = 0; i < orders.length; i += 5_000)
      await db.order.createMany({ data: orders.slice(i, i + 5_000) });
    // The run writes a shop's rows faster than autovacuum analyzes them; with the planner
    // believing the new shop has one exposure and one order, the metric aggregation's joins
    // become nested loops over every pair (minutes per update instead of milliseconds).
    await db.$executeRawUnsafe(`ANALYZE "Member", "Order", "ExperimentExposure"`);
  }

  // The truth: every member under every arm's program, the same random numbers.
  const fromDayOf = (i: number) => Math.floor((joinedAt(i) - start.getTime()) / DAY_MS) + 1;
  const trueMean = new Map(
    design.arms.map((a) => {
      let total = 0;
      members.forEach((m, i) => {
        total += liveUnderProgram(ctx, m, a.program, {
          heldOut: false,
          fromDay: fromDayOf(i),
        }).netRevenueMinor;
      });
      return [a.key, total / Math.max(1, members.length)];
    }),
  );
  const trueBest = [...trueMean.entries()].reduce((b, e) => (e[1] > b[1] ? e : b))[0];

  const rows = await banditAllocations(db, domain, experiment.id);
  const keyOfVariant = (variantKey: string) => armOf.get(`${experiment.key}:${variantKey}`) ?? variantKey;
  const allocations = rows.map((r) => ({
    period: r.period,
    effectiveFrom: r.effectiveFrom.toISOString(),
    phase: r.phase,
    shares: Object.fromEntries(
      (r.weights as { key: string; bps: number }[]).map((w) => [keyOfVariant(w.key), w.bps / 10_000]),
    ),
  }));
  const lastPosterior = rows.findLast((r) => r.posterior)?.posterior as
    { arms: { probabilityBest: number }[] } | undefined;
  const variants = await db.experimentVariant.findMany({
    where: { experimentId: experiment.id },
    orderBy: { position: "asc" },
    select: { key: true },
  });
  const probabilityBest = new Map(
    variants.map((v, i) => [keyOfVariant(v.key), lastPosterior?.arms[i]?.probabilityBest ?? null]),
  );
  const final = await db.experiment.findUniqueOrThrow({
    where: { id: experiment.id },
    select: { status: true, shippedVariant: true, stoppedAt: true },
  });
  let shipped: BanditRunReport["shipped"] = null;
  if (final.status === "shipped" && final.shippedVariant)
    shipped = {
      key: keyOfVariant(final.shippedVariant),
      by: options.autoApply ? "auto-apply" : "shipped",
      ...(final.stoppedAt
        ? {
            at: final.stoppedAt.toISOString(),
            day: Math.floor((final.stoppedAt.getTime() - start.getTime()) / DAY_MS) + 1,
          }
        : {}),
    };
  else if (lastPosterior) {
    const [key] = [...probabilityBest.entries()].reduce((b, e) => ((e[1] ?? 0) > (b[1] ?? 0) ? e : b));
    shipped = { key, by: "highest P(best)" };
  }
  return {
    scenario: { name: scenario.name, seed, days },
    shop: { domain, buyers, members: members.length, launchedAt: start.toISOString() },
    settings,
    arms: design.arms.map((a) => ({
      key: a.key,
      ...observed.get(a.key)!,
      trueMeanMinor: trueMean.get(a.key)!,
      probabilityBest: probabilityBest.get(a.key) ?? null,
    })),
    allocations,
    shipped,
    trueBest,
    agree: shipped?.key === trueBest,
    elapsedMs: Math.round(performance.now() - started),
  };
}
