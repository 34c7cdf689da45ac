// npm test — the whole gate, as CI runs it: generate the Prisma client, typecheck,
// lint, check formatting, then every Vitest project (unit, integration on the real PostgreSQL and Redis,
// browser in Chromium), then the fault suite's reduced run (tests/faults), then the benchmarks
// the issues ask CI to run, at a reduced size.
// A run that executes no test fails.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { ensureServices } from "./services";

function run(label: string, command: string, args: string[]) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: process.env });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed`);
    process.exit(result.status ?? 1);
  }
}

const node = process.execPath;
const extra = process.argv.slice(2);
await ensureServices();
if (!extra.length) {
  run("Prisma client", node, ["scripts/prisma-generate.mjs"]);
  run("Typecheck", node, ["node_modules/typescript/bin/tsc", "--noEmit"]);
  run("Lint", node, ["node_modules/eslint/bin/eslint.js", "--max-warnings=0", "."]);
  run("Formatting", node, ["node_modules/prettier/bin/prettier.cjs", "--check", "--log-level=warn", "."]);
}
mkdirSync("test-results", { recursive: true });
const report = "test-results/vitest.json";
const vitest = spawnSync(
  node,
  [
    "node_modules/vitest/vitest.mjs",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
    ...extra,
  ],
  { stdio: "inherit", env: process.env },
);
let summary: {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
};
try {
  summary = JSON.parse(readFileSync(report, "utf8"));
} catch {
  console.error("✖ Vitest wrote no report; treating the run as failed.");
  process.exit(1);
}
console.log(
  `\n${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${summary.numPendingTests} skipped`,
);
if (summary.numTotalTests === 0) {
  console.error("✖ No tests ran. A test run that executes nothing is a failure.");
  process.exit(1);
}
if (vitest.status !== 0) process.exit(vitest.status ?? 1);
if (!extra.length) {
  // Nothing lost or doubled when processes and services fail: the fault suite's quick cases
  // (npm run test:faults runs them all).
  run("Fault suite (reduced)", node, ["--import", "tsx", "tests/faults/main.ts", "--reduced"]);
  // Storefront member status must stay fast as the code changes: bench:proxy at CI size.
  run("Benchmark: proxy (reduced size)", node, [
    "--import",
    "tsx",
    "bench/proxy.ts",
    "--members",
    "2000",
    "--requests",
    "600",
    "--warmup",
    "100",
  ]);
}
process.exit(0);
