// node --import tsx bench/support/profile-summary.ts <file.cpuprofile> [--top 25]
// Where a V8 CPU profile (node --cpu-prof, e.g. bench:credit -- --profile
// '["--cpu-prof","--cpu-prof-dir=/tmp/prof"]') spent its time: self time by area of the code
// (the app's directories, node_modules packages, node internals, garbage collection, idle)
// and the top functions, as shares of the sampled time. Used for the scale-out ADR's profile.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "25" } },
});
const file = positionals[0];
if (!file) {
  console.error("usage: profile-summary.ts <file.cpuprofile> [--top 25]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

/** The area a frame belongs to: a package, an app directory, node internals or V8's own. */
function area(node: Node): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === "(idle)") return "(idle)";
    if (functionName === "(garbage collector)") return "(garbage collector)";
    if (functionName === "(program)") return "(program)";
    return "(native)";
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return "node internals";
  const app = /\/(app|workers|bench)\/([^/]+)/.exec(url);
  if (app) return `${app[1]}/${app[2]}`;
  return url.replace(/^file:\/\//, "");
}

const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const busy =
  total - [...selfUs].filter(([id]) => area(byId.get(id)!) === "(idle)").reduce((a, [, us]) => a + us, 0);
const areas = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const a = area(node);
  areas.set(a, (areas.get(a) ?? 0) + us);
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || "(anonymous)"} ${url.replace(/^.*\/(node_modules|app|workers)\//, "$1/")}:${lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
}
const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1)}%`;
// The sampler ticks on wall time: "not idle" is the time the thread was not waiting in its
// event loop, including, on a busy host, time it waited for a core.
console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s not idle ` +
    `(wall time outside the event loop's wait, a core's wait included)`,
);
console.log("self time by area (share of the non-idle time):");
for (const [a, us] of [...areas]
  .sort((x, y) => y[1] - x[1])
  .filter(([a]) => a !== "(idle)")
  .slice(0, 20))
  console.log(`  ${pct(us, busy).padStart(6)}  ${(us / 1e6).toFixed(2).padStart(7)} s  ${a}`);
console.log(`top ${values.top} functions by self time:`);
for (const [f, us] of [...functions]
  .sort((x, y) => y[1] - x[1])
  .filter(([f]) => !f.startsWith("(idle)"))
  .slice(0, Number(values.top)))
  console.log(`  ${pct(us, busy).padStart(6)}  ${f}`);
