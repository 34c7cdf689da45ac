"""Independent reference values for the bandit statistics (stats/bandit-*.ts), written to
bandit-fixtures.json.

Run: python3 app/experiments/stats/reference/bandit.py
Each scenario draws raw per-member data period by period (numpy, seeded) under a changing
allocation and a drifting baseline, reduces it to the per-period sufficient statistics the
TypeScript receives, and computes from the RAW values (not the sums): the period-stratified
mean of each arm (GrowthBook's period weights N_p / N, and the precision weights the app uses
by default), the within-period variance pooled
over periods, Kish's effective sample size, the posterior, and P(best) and expected loss by
scipy's adaptive quadrature (scipy.integrate.quad over scipy.stats densities), for normal and
Beta posteriors. It also measures, by simulation, the bias of the pooled and period-weighted
means under an allocation shift (the reason for period weighting).
"""
import json
from pathlib import Path

import numpy as np
from scipy import integrate, stats

OUT = Path(__file__).with_name("bandit-fixtures.json")
rng = np.random.default_rng(20261207)


def mean_stats(x):
    return {"n": int(len(x)), "sum": float(x.sum()), "sumSquares": float((x * x).sum())}


def draw(kind, n, level):
    if kind == "binary":
        return (rng.random(n) < level).astype(float)
    return rng.gamma(2.0, level / 2.0, n)  # skewed revenue-like values with mean `level`


def weighted(raw_periods, kind, weighting="precision"):
    """raw_periods[p][a]: numpy arrays of member values. Weights: GrowthBook's N_p / N
    ("population") or the harmonic size 1 / sum_a 1/n_pa ("precision"), normalised."""
    arms = len(raw_periods[0])
    if weighting == "population":
        totals = np.array([sum(len(x) for x in period) for period in raw_periods], dtype=float)
    else:
        totals = np.array([1 / sum(1 / len(x) for x in period) if all(len(x) for x in period) else 0.0
                           for period in raw_periods])
    w = totals / totals.sum()
    out = []
    for a in range(arms):
        used = [(w[p], period[a]) for p, period in enumerate(raw_periods) if len(period[a]) > 0]
        wsum = sum(wp for wp, _ in used)
        mean = sum(wp * x.mean() for wp, x in used) / wsum
        n_eff = wsum**2 / sum(wp**2 / len(x) for wp, x in used)
        allx = np.concatenate([x for _, x in used])
        if kind == "binary":
            p = allx.mean()
            variance = p * (1 - p)
        else:
            within = sum(((x - x.mean()) ** 2).sum() for _, x in used)
            variance = within / (len(allx) - len(used))
        out.append({"n": int(len(allx)), "mean": float(mean), "variance": float(variance), "effectiveN": float(n_eff)})
    return out, w


def posterior(arm, kind, prior):
    if kind == "binary":
        a = 1 + arm["mean"] * arm["effectiveN"]
        b = 1 + (1 - arm["mean"]) * arm["effectiveN"]
        return stats.beta(a, b), {"kind": "beta", "alpha": a, "beta": b}
    data_prec = arm["effectiveN"] / arm["variance"]
    prior_prec = 0 if prior is None else 1 / prior[1]
    prior_mean = 0 if prior is None else prior[0]
    prec = data_prec + prior_prec
    m = (data_prec * arm["mean"] + prior_prec * prior_mean) / prec
    s = (1 / prec) ** 0.5
    return stats.norm(m, s), {"kind": "normal", "mean": m, "sd": s}


def best(dists, higher):
    sign = 1 if higher else -1
    k = len(dists)
    lo = min(d.ppf(1e-13) for d in dists)
    hi = max(d.ppf(1 - 1e-13) for d in dists)
    probs, emax = [], 0.0
    for i in range(k):
        def f(x, i=i):
            v = dists[i].pdf(x)
            for j in range(k):
                if j != i:
                    v *= dists[j].cdf(x) if higher else dists[j].sf(x)
            return v
        points = [d.mean() for d in dists]
        p = integrate.quad(f, lo, hi, points=points, limit=500, epsabs=1e-13, epsrel=1e-11)[0]
        e = integrate.quad(lambda x: x * f(x), lo, hi, points=points, limit=500, epsabs=1e-13, epsrel=1e-11)[0]
        probs.append(p)
        emax += e
    total = sum(probs)
    probs = [p / total for p in probs]
    # emax is E[max] (or E[min] when lower is better); losses are measured toward the best.
    loss = [max(0.0, sign * (emax / total - d.mean())) for d in dists]
    return probs, loss


def scenario(name, kind, levels_by_period, weights_by_period, sizes, higher=True, prior=None):
    raw = []
    for levels, weights, size in zip(levels_by_period, weights_by_period, sizes):
        counts = rng.multinomial(size, weights)
        raw.append([draw(kind, int(n), lvl) for n, lvl in zip(counts, levels)])
    expected = {}
    for weighting in ("population", "precision"):
        arms, w = weighted(raw, kind, weighting)
        dists, posts = zip(*(posterior(a, kind, prior) for a in arms))
        probs, loss = best(list(dists), higher)
        expected[weighting] = {
            "periodWeights": w.tolist(),
            "arms": arms,
            "posteriors": list(posts),
            "probabilityBest": probs,
            "expectedLoss": loss,
        }
    return {
        "name": name,
        "kind": kind,
        "higherIsBetter": higher,
        "prior": None if prior is None else {"kind": "normal", "mean": prior[0], "variance": prior[1]},
        "periods": [[mean_stats(x) for x in period] for period in raw],
        "expected": expected,
    }


def shift_bias(replications=4000):
    """Two equal arms; the baseline doubles in period 2 while the allocation moves 50/50 -> 90/10."""
    pooled, weighted_, precision_ = [], [], []
    for _ in range(replications):
        raw = []
        for level, weights in ((0.05, (0.5, 0.5)), (0.10, (0.9, 0.1))):
            counts = rng.multinomial(2000, weights)
            raw.append([(rng.random(int(n)) < level).astype(float) for n in counts])
        a = [np.concatenate([p[i] for p in raw]).mean() for i in range(2)]
        pooled.append(a[0] - a[1])
        arms, _ = weighted(raw, "binary", "population")
        weighted_.append(arms[0]["mean"] - arms[1]["mean"])
        arms, _ = weighted(raw, "binary", "precision")
        precision_.append(arms[0]["mean"] - arms[1]["mean"])
    return {"pooledDifference": float(np.mean(pooled)), "weightedDifference": float(np.mean(weighted_)),
            "weightedSe": float(np.std(weighted_) / np.sqrt(replications)),
            "precisionDifference": float(np.mean(precision_)),
            "precisionSe": float(np.std(precision_) / np.sqrt(replications))}


fixtures = {
    "scenarios": [
        scenario("two arms, normal, one period", "mean", [[10, 10.5]], [[0.5, 0.5]], [400]),
        scenario("three arms, normal, allocation shifts over four periods with a drifting baseline", "mean",
                 [[10, 10.4, 9.8], [12, 12.4, 11.8], [9, 9.4, 8.8], [11, 11.4, 10.8]],
                 [[1 / 3, 1 / 3, 1 / 3], [0.3, 0.5, 0.2], [0.2, 0.7, 0.1], [0.1, 0.85, 0.05]], [300, 300, 400, 500]),
        scenario("five arms, normal, lower is better", "mean",
                 [[5, 5.2, 4.9, 5.5, 5.1], [6, 6.2, 5.9, 6.5, 6.1]],
                 [[0.2] * 5, [0.15, 0.2, 0.4, 0.05, 0.2]], [1000, 1500], higher=False),
        scenario("three arms, normal, proper prior", "mean", [[10, 10.3, 10.1]], [[1 / 3] * 3], [150],
                 prior=(10.0, 0.25)),
        scenario("two arms, conversion, one period (conjugate Beta)", "binary", [[0.05, 0.065]], [[0.5, 0.5]], [3000]),
        scenario("four arms, conversion, allocation shifts over three periods", "binary",
                 [[0.04, 0.05, 0.045, 0.03], [0.08, 0.09, 0.085, 0.07], [0.05, 0.06, 0.055, 0.04]],
                 [[0.25] * 4, [0.2, 0.4, 0.3, 0.1], [0.1, 0.6, 0.25, 0.05]], [2000, 2500, 3000]),
    ],
    "shiftBias": shift_bias(),
}
OUT.write_text(json.dumps(fixtures, indent=1) + "\n")
print(f"wrote {OUT} ({len(fixtures['scenarios'])} scenarios); shift bias {fixtures['shiftBias']}")
