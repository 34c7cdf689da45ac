import { BANDIT_SCENARIOS, runScenario } from "./scripts/bandit-validation";
for (const s of BANDIT_SCENARIOS) {
  const t = performance.now();
  const r = runScenario(s, 20, 20261207);
  console.log(
    s.name,
    Object.entries(r)
      .map(([n, v]) => n + " " + v.mean.toFixed(1))
      .join(" | "),
    (r.thompson.mean / r.oracle.mean).toFixed(2),
    ((performance.now() - t) / 1000).toFixed(1),
  );
}
