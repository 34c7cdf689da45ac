"""Independent reference values for the contextual bandit's partial pooling
(stats/bandit-shrinkage.ts), written to bandit-shrinkage-fixtures.json.

Run: python3 app/experiments/stats/reference/bandit_shrinkage.py
Each scenario draws raw per-member rewards per segment and arm (numpy, seeded), reduces each
cell to its mean and the variance of that mean (s²/n from the raw values), and fits the model
    y_sa ~ N(theta_sa, v_sa),  theta_sa ~ N(mu_a + beta_s, tau2)   (beta_0 = 0)
with dense matrices: tau2 by restricted maximum likelihood,
    -2 l_R = sum log(v + tau2) + r' V^-1 r + log det(X' V^-1 X),
minimised by scipy.optimize.minimize_scalar (bounded) in the basin a dense grid finds; mu and
beta by generalised least squares (numpy.linalg.solve); each cell's empirical-Bayes posterior
(Morris 1983): B = v/(v + tau2), mean = B m + (1 - B) y, var = (1 - B) v + B^2 x'(X'V^-1X)^-1 x,
and for a cell without data mean m, var tau2 + x'(X'V^-1X)^-1 x; the covariance of a segment's
arms B_a B_b x_a'(X'V^-1X)^-1 x_b (they share the fitted segment effect).
"""
import json
from pathlib import Path

import numpy as np
from scipy import optimize

OUT = Path(__file__).with_name("bandit-shrinkage-fixtures.json")
rng = np.random.default_rng(20261208)


def design(s, a, arms, segments):
    x = np.zeros(arms + segments - 1)
    x[a] = 1.0
    if s > 0:
        x[arms + s - 1] = 1.0
    return x


def fit(cells):
    segments, arms = len(cells), len(cells[0])
    obs = [(s, a, c["mean"], c["variance"]) for s, row in enumerate(cells) for a, c in enumerate(row) if c]
    X = np.array([design(s, a, arms, segments) for s, a, _, _ in obs])
    y = np.array([o[2] for o in obs])
    v = np.array([o[3] for o in obs])

    def gls(t):
        W = np.diag(1.0 / (v + t))
        info = X.T @ W @ X
        coef = np.linalg.solve(info, X.T @ W @ y)
        return coef, info

    def reml(t):
        coef, info = gls(t)
        r = y - X @ coef
        return float(np.sum(np.log(v + t)) + np.sum(r * r / (v + t)) + np.linalg.slogdet(info)[1])

    upper = (y.max() - y.min()) ** 2 + v.max()
    grid = np.concatenate([[0.0], np.linspace(0, upper, 4001)[1:], upper * np.logspace(-10, 0, 2001)])
    grid = np.unique(grid)
    values = np.array([reml(t) for t in grid])
    k = int(values.argmin())
    lo, hi = grid[max(0, k - 1)], grid[min(len(grid) - 1, k + 1)]
    res = optimize.minimize_scalar(reml, bounds=(lo, hi), method="bounded",
                                   options={"xatol": 1e-15 * upper, "maxiter": 10_000})
    tau2 = min([res.x, grid[k]], key=reml)
    coef, info = gls(tau2)
    cov = np.linalg.inv(info)
    out = []
    covariances = []
    for s in range(segments):
        Xs = np.array([design(s, a, arms, segments) for a in range(arms)])
        B = np.array([c["variance"] / (c["variance"] + tau2) if c else 1.0 for c in cells[s]])
        own = np.array([(1 - B[a]) * c["variance"] if c else tau2 for a, c in enumerate(cells[s])])
        covariances.append((np.outer(B, B) * (Xs @ cov @ Xs.T) + np.diag(own)).tolist())
        row = []
        for a in range(arms):
            x = design(s, a, arms, segments)
            m = float(x @ coef)
            var_m = float(x @ cov @ x)
            c = cells[s][a]
            if c is None:
                row.append({"mean": m, "sd": float(np.sqrt(tau2 + var_m)), "shrinkage": 1.0})
                continue
            B = c["variance"] / (c["variance"] + tau2)
            row.append({"mean": B * m + (1 - B) * c["mean"],
                        "sd": float(np.sqrt((1 - B) * c["variance"] + B * B * var_m)),
                        "shrinkage": B})
        out.append(row)
    return {"tau2": float(tau2), "armMeans": coef[:arms].tolist(),
            "segmentEffects": [0.0] + coef[arms:].tolist(), "cells": out,
            "covariance": covariances}


def scenario(name, means, sizes, sd=1.0, binary=False, missing=()):
    """means[s][a] true means; sizes[s][a] members; missing: (s, a) cells left empty."""
    cells = []
    for s, row in enumerate(means):
        out = []
        for a, mu in enumerate(row):
            n = sizes[s][a]
            if (s, a) in missing or n == 0:
                out.append(None)
                continue
            x = (rng.random(n) < mu).astype(float) if binary else rng.normal(mu, sd, n)
            out.append({"mean": float(x.mean()), "variance": float(x.var(ddof=1) / n)})
        cells.append(out)
    return {"name": name, "cells": cells, "expected": fit(cells)}


fixtures = {
    "scenarios": [
        scenario("best arm differs by segment, three segments, two arms",
                 [[1.0, 1.3], [1.2, 0.9], [2.0, 2.3]], [[400, 400], [300, 300], [200, 200]]),
        scenario("segments differ only in level (arm order the same): tau2 near 0",
                 [[1.0, 1.1], [2.0, 2.1], [0.5, 0.6], [1.5, 1.6]], [[500, 500], [500, 500], [400, 400], [300, 300]]),
        scenario("a tiny segment is pulled to the pooled order",
                 [[1.0, 1.2, 1.1], [1.0, 1.2, 1.1], [1.0, 1.2, 1.1], [1.0, 1.2, 1.1]],
                 [[800, 800, 800], [600, 600, 600], [500, 500, 500], [8, 7, 9]], sd=2.0),
        scenario("conversion rates, five segments, three arms, one empty cell",
                 [[0.05, 0.07, 0.06], [0.10, 0.08, 0.09], [0.04, 0.06, 0.05], [0.12, 0.12, 0.15], [0.07, 0.09, 0.08]],
                 [[2000, 2000, 2000], [1500, 1500, 1500], [1200, 1200, 1200], [900, 900, 900], [800, 800, 800]],
                 binary=True, missing={(4, 2)}),
    ],
}
OUT.write_text(json.dumps(fixtures, indent=1) + "\n")
print(f"wrote {OUT}: " + "; ".join(f"{s['name']}: tau2 {s['expected']['tau2']:.3g}" for s in fixtures["scenarios"]))
