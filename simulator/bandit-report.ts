import type { BanditRunReport } from "./app-bandit.server";

// The printed report of a bandit run (`npm run sim`): the allocation path, one line per
// period the app wrote, then each arm's observed and true outcome, then what the app would
// ship next to the simulator's true best arm.

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`;
const money = (minor: number) => (minor / 100).toFixed(2);

export function banditReportLines(report: BanditRunReport): string[] {
  const { settings } = report;
  const keys = report.arms.map((a) => a.key);
  const width = Math.max(8, ...keys.map((k) => k.length + 1));
  const lines = [
    `${report.scenario.name}: ${report.shop.members} members joining over the run, ${report.scenario.days} days ` +
      `(seed ${report.scenario.seed}) in shop ${report.shop.domain}; a bandit updated every ${settings.cadenceMinutes} minutes ` +
      `(burn-in ${settings.burnInPeriods} periods, floor ${pct(settings.minShare)}, step ≤ ${pct(settings.maxChange)}), ` +
      `${(report.elapsedMs / 1000).toFixed(1)} s`,
    "Allocation path (each arm's share of the members who join in the period):",
    `  ${"period".padEnd(7)}${"from".padEnd(18)}${"phase".padEnd(18)}${keys.map((k) => k.padStart(width)).join("")}`,
    ...report.allocations.map(
      (a) =>
        `  ${String(a.period).padEnd(7)}${a.effectiveFrom.slice(0, 16).replace("T", " ").padEnd(18)}${a.phase.padEnd(18)}` +
        keys.map((k) => pct(a.shares[k]).padStart(width)).join(""),
    ),
    "Arms (observed in the run; true: every member under the arm, same random numbers):",
    ...report.arms.map(
      (a) =>
        `  ${a.key.padEnd(width)} ${String(a.members).padStart(6)} members ${String(a.orders).padStart(6)} orders  ` +
        `net revenue per member ${money(a.netRevenueMinor / Math.max(1, a.members)).padStart(8)} ` +
        `(true ${money(a.trueMeanMinor).padStart(8)})  P(best) ${pct(a.probabilityBest).padStart(6)}`,
    ),
    `Shipped: ${
      report.shipped
        ? `${report.shipped.key} (${report.shipped.by}${report.shipped.day ? `, day ${report.shipped.day}` : ""})`
        : "nothing yet"
    }; ` + `true best: ${report.trueBest}; ${report.agree ? "they agree" : "they DISAGREE"}.`,
  ];
  return lines;
}
