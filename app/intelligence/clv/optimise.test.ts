import { describe, expect, it } from "vitest";

import { minimise, type Objective } from "./optimise";

const rosenbrock: Objective = ([x, y]) => ({
  value: (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2,
  gradient: [-2 * (1 - x!) - 400 * x! * (y! - x! * x!), 200 * (y! - x! * x!)],
});

describe("BFGS", () => {
  it("finds Rosenbrock's minimum at (1, 1) from the classic start", () => {
    const result = minimise(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.theta[0]).toBeCloseTo(1, 7);
    expect(result.theta[1]).toBeCloseTo(1, 7);
    expect(result.iterations).toBeLessThan(100);
  });

  it("solves an ill-conditioned quadratic exactly", () => {
    const scales = [1, 1e3, 1e-2, 50];
    const f: Objective = (v) => ({
      value: v.reduce((s, x, i) => s + scales[i]! * (x - i) ** 2, 0),
      gradient: v.map((x, i) => 2 * scales[i]! * (x - i)),
    });
    const result = minimise(f, [5, 5, 5, 5], { gradientTolerance: 1e-10 });
    expect(result.converged).toBe(true);
    result.theta.forEach((x, i) => expect(x).toBeCloseTo(i, 6));
  });

  it("shortens steps that leave the objective's domain", () => {
    // Defined for x > 0 only: log barrier plus a pull towards 0.
    const f: Objective = ([x]) => ({
      value: x! > 0 ? x! - 0.5 * Math.log(x!) : Number.NaN,
      gradient: [1 - 0.5 / x!],
    });
    const result = minimise(f, [10]);
    expect(result.converged).toBe(true);
    expect(result.theta[0]).toBeCloseTo(0.5, 8);
  });

  it("reports rather than hides failure", () => {
    expect(minimise(() => ({ value: Number.NaN, gradient: [0] }), [0])).toMatchObject({
      converged: false,
      reason: "the objective is not finite at the starting point",
    });
    expect(minimise(rosenbrock, [-1.2, 1], { maxIterations: 2 })).toMatchObject({
      converged: false,
      reason: "iteration limit",
      iterations: 2,
    });
    const unbounded: Objective = ([x]) => ({ value: -x!, gradient: [-1] });
    expect(minimise(unbounded, [0], { maxDistance: 25 })).toMatchObject({
      converged: false,
      reason: "a parameter is running off to a limit",
    });
  });
});
