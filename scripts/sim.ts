// npm run sim -- --scenario <file.json> [--days N] [--seed S] [--out report.json] [--no-truth]
// Runs a scenario headlessly through the app's own loyalty rules with simulated time and
// writes the JSON report (what the app decided, next to the ground truth). Formats:
// simulator/README.md, "Headless runs".
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadScenario, ScenarioError } from "../simulator/index";
import { runScenario } from "../simulator/sim";

const { values: args } = parseArgs({
  options: {
    scenario: { type: "string" },
    days: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    "no-truth": { type: "boolean", default: false },
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
  fail("Usage: npm run sim -- --scenario <file.json> [--days N] [--seed S] [--out report.json]");
let scenario;
try {
  scenario = loadScenario(args.scenario);
} catch (error) {
  if (error instanceof ScenarioError) fail(error.message);
  throw error;
}
const report = runScenario(scenario, {
  days: integer("days", args.days, 1),
  seed: integer("seed", args.seed, 0),
  withTruth: !args["no-truth"],
});

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`;
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
if (args.out) {
  writeFileSync(args.out, JSON.stringify(report, null, 2));
  console.log(`Report written to ${args.out}`);
}
