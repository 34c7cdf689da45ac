import type { Row } from "./outcome";

// The suite's report: one line per case, then what each case noticed.

export function printTable(rows: Row[]): void {
  const header = [
    "case",
    "sent",
    "acknowledged",
    "processed",
    "lost",
    "doubled",
    "recovery",
    "ledger:verify",
    "result",
  ];
  const lines = rows.map((r) => [
    r.name,
    String(r.sent),
    String(r.acknowledged),
    String(r.processed),
    String(r.lost),
    String(r.doubled),
    r.recoveryS === null ? "never" : `${r.recoveryS.toFixed(1)} s`,
    r.verify,
    r.ok ? "ok" : "FAILED",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i >= 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`\n${format(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const line of lines) console.log(format(line));
  console.log("");
  for (const r of rows) console.log(`${r.name}: ${r.notes.join("; ")}`);
  console.log("");
}
