// npm run sim -- --scenario <file.json> [--days N] [--seed S] [--out report.json] [--no-truth] [--rules-only] [--no-auto-apply]
//                [--replications N]
// Runs a scenario headlessly through the app: its variants become the app's program holdout
// and an experiment (created and launched by the experiments service in the local database),
// the app's assignment and program resolution decide what each buyer gets, they live the
// simulated days under it, and the app's statistics measure the lift, printed next to the
// simulator's true lift. `--rules-only` skips the database: buyers are split by the
// simulator's own hash and only the app's pure loyalty rules apply (the older report). A
// scenario with `bandit` runs the experiment as a bandit instead (simulator/app-bandit.server.ts):
// members join over time, the app's allocation updates run at the scenario's cadence on the
// sim's clock, and the report shows the allocation path, the arm the app ships and the true best.
// The app's auto-apply is on for it (evaluated after each update; the run ends when it ships or
// pauses) unless `--no-auto-apply`.
// A scenario with `campaign` runs a campaign A/B instead (simulator/app-campaign.server.ts): a
// measured broadcast sent by the app into a local mail catcher, read and answered by the
// customers, measured by the app's campaign report against the true lift.
// `--replications N` (an experiment scenario through the app) repeats the run N times on the same
// customers, each with the fresh random split the app's new salts give it, and prints how often
// each interval held the true lift against its nominal 95% (simulator/interval-coverage.ts);
// it exits 1 when a comparison's coverage is more than two binomial standard errors below.
// Formats: simulator/README.md, "Headless runs".
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadScenario, ScenarioError } from "../simulator/index";
import { runScenario } from "../simulator/sim";
import { loadLocalEnv, prepareDatabase } from "./processes";

const { values: args } = parseArgs({
  options: {
    scenario: { type: "string" },
    days: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    "no-truth": { type: "boolean", default: false },
    "rules-only": { type: "boolean", default: false },
    "no-auto-apply": { type: "boolean", default: false },
    replications: { type: "string" },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
function integer(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) fail(`--${name} must be a whole number ≥ ${min}, got ${raw}.`);
  return value;
}

if (!args.scenario)
  fail(
    "Usage: npm run sim -- --scenario <file.json> [--days N] [--seed S] [--out report.json] [--rules-only]",
  );
let scenario;
try {
  scenario = loadScenario(args.scenario);
} catch (error) {
  if (error instanceof ScenarioError) fail(error.message);
  throw error;
}
const days = integer("days", args.days, 1);
const seed = integer("seed", args.seed, 0);
const replications = integer("replications", args.replications, 1);
if (replications !== undefined && (args["rules-only"] || scenario.campaign || scenario.bandit))
  fail(
    "--replications repeats an experiment scenario through the app: not with --rules-only, a bandit or a campaign.",
  );
const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`;

if (args["rules-only"]) {
  const report = runScenario(scenario, { days, seed, withTruth: !args["no-truth"] });
  console.log(
    `${report.scenario.name}: ${report.shop.simulated} buyers over ${report.scenario.days} days (seed ${report.scenario.seed}), ` +
      `baseline ${report.scenario.baseline}, ${(report.elapsedMs / 1000).toFixed(1)} s`,
  );
  for (const v of report.app) {
    const truth = report.comparison.find((c) => c.key === v.key);
    console.log(
      `  ${v.key.padEnd(18)} ${String(v.customers).padStart(6)} customers  ${String(v.orders).padStart(6)} orders  ` +
        `${String(v.pointsIssued).padStart(8)} points  ${String(v.redemptions).padStart(5)} redemptions  ` +
        `net revenue lift ${pct(truth?.observedNetRevenueLift).padStart(7)} (true ${pct(truth?.trueNetRevenueLift)})`,
    );
  }
  if (args.out) writeFileSync(args.out, JSON.stringify(report, null, 2));
} else if (scenario.campaign) {
  // A campaign A/B (simulator/app-campaign.server.ts): the app sends real mail to a local mail
  // catcher, texts to the emulator's Twilio stand-in and messages to the widget inbox; the
  // customers read them (the inbox through the app proxy) and buy; the app's campaign report's
  // lift per variant is printed next to the true lift, for each of the scenario's campaigns.
  loadLocalEnv();
  await prepareDatabase();
  const { prisma } = await import("../app/db.server");
  const { runCampaignsThroughApp, campaignReportLines } = await import("../simulator/app-campaign.server");
  const db = prisma();
  try {
    const report = await runCampaignsThroughApp(db, scenario, { days, seed });
    for (const line of report.flatMap(campaignReportLines)) console.log(line);
    if (args.out)
      writeFileSync(
        args.out,
        JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v), 2),
      );
  } finally {
    await disconnect(db);
  }
} else if (scenario.bandit) {
  loadLocalEnv();
  await prepareDatabase();
  const { prisma } = await import("../app/db.server");
  const { runBanditThroughApp } = await import("../simulator/app-bandit.server");
  const { banditReportLines } = await import("../simulator/bandit-report");
  const db = prisma();
  try {
    // Auto-apply on unless --no-auto-apply (issue 16 item 4): evaluated with the sim's clock after each allocation
    // update, as the job does; the run ends when it ships the winner or pauses on a breach.
    const report = await runBanditThroughApp(db, scenario, { days, seed, autoApply: !args["no-auto-apply"] });
    for (const line of banditReportLines(report)) console.log(line);
    if (args.out) writeFileSync(args.out, JSON.stringify(report, null, 2));
    process.exitCode = report.agree ? 0 : 1;
  } finally {
    await disconnect(db);
  }
} else {
  loadLocalEnv();
  await prepareDatabase();
  const { prisma } = await import("../app/db.server");
  const { runScenarioThroughApp } = await import("../simulator/app-experiment.server");
  const db = prisma();
  try {
    if (replications !== undefined) {
      await printCoverage(db, runScenarioThroughApp, replications);
      await disconnect(db);
      process.exit(process.exitCode ?? 0);
    }
    const report = await runScenarioThroughApp(db, scenario, { days, seed });
    const { design } = report;
    console.log(
      `${report.scenario.name}: ${report.shop.simulated} buyers over ${report.scenario.days} days (seed ${report.scenario.seed}) ` +
        `in shop ${report.shop.domain}: holdout ${design.holdoutSharePercent ?? 0}%` +
        (design.experiment ? `, experiment ${design.experiment.key} on ${design.experiment.lever}` : "") +
        `, ${(report.elapsedMs / 1000).toFixed(1)} s`,
    );
    console.log("Assignment by the app (share of buyers, against the weights) and exposure:");
    for (const a of report.arms)
      console.log(
        `  ${a.key.padEnd(16)} ${String(a.assigned).padStart(6)} buyers ${pct(a.share).padStart(6)} (weights ${pct(a.expectedShare)})  ` +
          `${String(a.exposed).padStart(6)} exposed (${String(a.ordered).padStart(5)} ordered)  ${String(a.orders).padStart(6)} orders  ${String(a.pointsIssued).padStart(8)} points  ${String(a.redemptions).padStart(5)} redemptions`,
      );
    console.log("Lift measured by the app's statistics (95% interval) next to the simulator's true lift:");
    for (const l of report.lifts)
      console.log(
        `  ${l.report.padEnd(10)} ${`${l.variant} vs ${l.control}`.padEnd(30)} ${l.metric.padEnd(10)} ` +
          `${pct(l.measuredLift).padStart(7)} [${pct(l.lower)}, ${pct(l.upper)}]  true ${pct(l.trueLift).padStart(7)}  ` +
          (l.truthInsideInterval === null ? "—" : l.truthInsideInterval ? "inside" : "OUTSIDE"),
      );
    for (const s of report.srm)
      console.log(`  SRM ${s.report}: p = ${s.pValue.toPrecision(3)}${s.warning ? " (WARNING)" : ""}`);
    for (const d of report.decisions)
      console.log(`  decision ${d.report}: ${d.verdict} — ${d.reasons.join(" ")}`);
    console.log(`True lift: ${report.truthMethod}.`);
    if (args.out) writeFileSync(args.out, JSON.stringify(report, null, 2));
  } finally {
    await disconnect(db);
  }
}
if (args.out) console.log(`Report written to ${args.out}`);

/** Runs the scenario `runs` times and prints each comparison's coverage of its true lift. */
async function printCoverage(
  db: import("../app/db.server").PrismaClient,
  run: typeof import("../simulator/app-experiment.server").runScenarioThroughApp,
  runs: number,
) {
  const { intervalCoverage } = await import("../simulator/interval-coverage");
  const reports = [];
  for (let i = 0; i < runs; i++) {
    const report = await run(db, scenario!, { days, seed });
    const misses = report.lifts.filter((l) => l.truthInsideInterval === false).length;
    console.log(
      `  run ${String(i + 1).padStart(String(runs).length)}: ${misses} of ${report.lifts.length} intervals missed the truth (${(report.elapsedMs / 1000).toFixed(1)} s)`,
    );
    reports.push({ lifts: report.lifts });
  }
  const summary = intervalCoverage(reports);
  console.log(
    `Coverage of the true lift over ${runs} runs, each a fresh random split (target ≥ ${pct(summary.level)} less two binomial standard errors):`,
  );
  for (const c of summary.comparisons)
    console.log(
      `  ${c.report.padEnd(10)} ${c.variant.padEnd(22)} ${c.metric.padEnd(10)} ${`${c.inside}/${c.runs}`.padStart(9)} ` +
        `${pct(c.share).padStart(6)} (± ${pct(c.standardError)})  ${c.met ? "met" : "MISSED"}`,
    );
  console.log(
    `Runs by intervals missed: ${summary.missesPerRun.map((n, k) => `${k}: ${n}`).join(", ")} ` +
      "(comparisons against one control miss together when that control is off by chance).",
  );
  if (summary.comparisons.some((c) => !c.met)) process.exitCode = 1;
}

/** A launch may have enqueued the metafield sync: close the queues and their shared connection, or Redis keeps the process alive. */
async function disconnect(db: { $disconnect(): Promise<void> }) {
  const { closeQueues } = await import("../app/jobs/queue.server");
  await closeQueues();
  globalThis.__redis?.disconnect();
  await db.$disconnect();
}
