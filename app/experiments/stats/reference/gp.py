"""Independent reference values for the earn-rate optimizer's Gaussian process
(stats/gp.ts, stats/bandit-gp.ts), written to gp-fixtures.json.

Run: python3 app/experiments/stats/reference/gp.py
For each scenario: candidate earn rates on a log scale over [min, max], noisy means from a
known concave curve (numpy, seeded), their noise variances; then by textbook formulas with
explicit inverses (not a Cholesky), numpy.linalg.inv and slogdet:
  posterior mean m + K*^T (K + N)^-1 (y - m), covariance K** - K*^T (K + N)^-1 K*,
  log marginal likelihood -1/2 r^T (K + N)^-1 r - 1/2 log|K + N| - n/2 log 2 pi,
the grid search of maximum marginal likelihood the code does (same grid, written out here),
and P(best) and expected loss at the candidates from 2,000,000 joint draws.
"""
import json
from pathlib import Path

import numpy as np

OUT = Path(__file__).with_name("gp-fixtures.json")
rng = np.random.default_rng(20261207)
LENGTH_SCALES = [0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5]
SIGNAL_MULTIPLES = [0.125, 0.25, 0.5, 1, 2, 4]


def k(a, b, ell, s2):
    a = np.asarray(a)[:, None]
    b = np.asarray(b)[None, :]
    return s2 * np.exp(-((a - b) ** 2) / (2 * ell**2))


def posterior(x, y, noise, m, ell, s2, at):
    K = k(x, x, ell, s2) + np.diag(noise)
    Kinv = np.linalg.inv(K)
    Ks = k(x, at, ell, s2)
    r = y - m
    mean = m + Ks.T @ Kinv @ r
    cov = k(at, at, ell, s2) - Ks.T @ Kinv @ Ks
    _, logdet = np.linalg.slogdet(K)
    lml = -0.5 * r @ Kinv @ r - 0.5 * logdet - len(x) / 2 * np.log(2 * np.pi)
    return mean, cov, lml


def fit(x, y, noise):
    m = np.sum(y / noise) / np.sum(1 / noise)
    scale = np.sqrt(max(np.var(y), np.mean(noise), 1e-12))
    best = None
    for ell in LENGTH_SCALES:
        for c in SIGNAL_MULTIPLES:
            s2 = (c * scale) ** 2
            _, _, lml = posterior(x, y, noise, m, ell, s2, np.array([]))
            if best is None or lml > best[3]:
                best = (m, ell, s2, lml)
    return best


def scenario(name, rates, lo, hi, curve, sd, n_per_arm):
    rates = np.asarray(rates, dtype=float)
    x = (np.log(rates) - np.log(lo)) / (np.log(hi) - np.log(lo))
    n = np.asarray(n_per_arm, dtype=float)
    y = np.array([rng.normal(curve(r), sd / np.sqrt(ni)) for r, ni in zip(rates, n)])
    noise = sd**2 / n
    m, ell, s2, lml = fit(x, y, noise)
    grid = np.linspace(0, 1, 11)
    g_mean, g_cov, _ = posterior(x, y, noise, m, ell, s2, grid)
    a_mean, a_cov, _ = posterior(x, y, noise, m, ell, s2, x)
    fixed_mean, fixed_cov, fixed_lml = posterior(x, y, noise, m, 0.3, (2 * sd / np.sqrt(n.mean())) ** 2, grid)
    draws = rng.multivariate_normal(a_mean, a_cov + 1e-9 * np.eye(len(x)), size=2_000_000)
    best = draws.argmax(axis=1)
    p_best = np.bincount(best, minlength=len(x)) / len(draws)
    loss = draws.max(axis=1).mean() - draws.mean(axis=0)
    return {
        "name": name,
        "min": lo,
        "max": hi,
        "rates": rates.tolist(),
        "x": x.tolist(),
        "y": y.tolist(),
        "noiseVariance": noise.tolist(),
        "fixed": {
            "priorMean": float(m),
            "lengthScale": 0.3,
            "signalVariance": float((2 * sd / np.sqrt(n.mean())) ** 2),
            "at": grid.tolist(),
            "mean": fixed_mean.tolist(),
            "covariance": fixed_cov.tolist(),
            "logMarginalLikelihood": float(fixed_lml),
        },
        "fit": {
            "priorMean": float(m),
            "lengthScale": float(ell),
            "signalVariance": float(s2),
            "logMarginalLikelihood": float(lml),
            "curveMean": g_mean.tolist(),
            "curveSd": np.sqrt(np.clip(np.diag(g_cov), 0, None)).tolist(),
            "armMean": a_mean.tolist(),
            "armSd": np.sqrt(np.clip(np.diag(a_cov), 0, None)).tolist(),
            "probabilityBest": p_best.tolist(),
            "expectedLoss": loss.tolist(),
        },
    }


fixtures = [
    scenario(
        "interior-optimum-9-rates",
        [0.5 * 2 ** (i / 2) for i in range(9)],
        0.5,
        8.0,
        lambda r: 20 - 2.5 * (np.log(r) - np.log(4)) ** 2,
        40.0,
        [800] * 9,
    ),
    scenario(
        "edge-optimum-5-rates-unequal-arms",
        [1, 1.5, 2.25, 3.375, 5.0625],
        1.0,
        5.0625,
        lambda r: 10 + 0.8 * np.log(r),
        25.0,
        [300, 500, 2000, 400, 150],
    ),
    scenario(
        "flat-4-rates-noisy",
        [1, 2, 4, 8],
        1.0,
        8.0,
        lambda r: 12.0,
        30.0,
        [100, 100, 100, 100],
    ),
]
OUT.write_text(json.dumps(fixtures, indent=1) + "\n")
print(f"wrote {OUT}")
for f in fixtures:
    print(f["name"], "ell", f["fit"]["lengthScale"], "p_best", np.round(f["fit"]["probabilityBest"], 3))
