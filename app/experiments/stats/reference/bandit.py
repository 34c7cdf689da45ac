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
Beta posteriors; and the period-effects regression the app uses by default (a weighted least
squares fit with a dummy column per period and per arm on the raw values, its least-squares
means and their covariance; P(best) by scipy's multivariate normal CDF). It also measures, by simulation, the bias of the pooled and period-weighted
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


def fixed_effects(raw_periods, kind, prior):
    """The period-effects model y = alpha_p + theta_a + e, Var(e) = sigma2_a, fitted by weighted
    least squares on the RAW member values with a full dummy design (one column per period,
    one per arm after the first), sigma2_a treated as known: the pooled within-period variance
    (mean metric) or p~(1 - p~), p~ = (1 + conversions) / (2 + n) (0/1 metric). Each arm's mean is
    its least-squares mean sum_p (N_p / N) alpha_p + theta_a; its covariance L (X'WX)^-1 L'."""
    arms = len(raw_periods[0])
    periods = len(raw_periods)
    sigma2 = []
    for a in range(arms):
        xs = [period[a] for period in raw_periods if len(period[a]) > 0]
        allx = np.concatenate(xs)
        if kind == "binary":
            p = (1 + allx.sum()) / (2 + len(allx))
            sigma2.append(p * (1 - p))
        else:
            sigma2.append(sum(((x - x.mean()) ** 2).sum() for x in xs) / (len(allx) - len(xs)))
    rows, ys, ws = [], [], []
    for p, period in enumerate(raw_periods):
        for a, x in enumerate(period):
            for value in x:
                row = np.zeros(periods + arms - 1)
                row[p] = 1
                if a > 0:
                    row[periods + a - 1] = 1
                rows.append(row)
                ys.append(value)
                ws.append(1 / sigma2[a])
    X, y, w = np.array(rows), np.array(ys), np.array(ws)
    xtwx = X.T @ (X * w[:, None])
    cov_beta = np.linalg.inv(xtwx)
    beta = cov_beta @ (X.T @ (w * y))
    sizes = np.array([sum(len(x) for x in period) for period in raw_periods], dtype=float)
    pi = sizes / sizes.sum()
    L = np.zeros((arms, periods + arms - 1))
    L[:, :periods] = pi
    for a in range(1, arms):
        L[a, periods + a - 1] = 1
    mean = L @ beta
    cov = L @ cov_beta @ L.T
    n = [int(sum(len(period[a]) for period in raw_periods)) for a in range(arms)]
    out_arms = [{"n": n[a], "mean": float(mean[a]), "variance": float(sigma2[a]),
                 "effectiveN": float(sigma2[a] / cov[a, a])} for a in range(arms)]
    if prior is not None:
        precision = np.linalg.inv(cov) + np.eye(arms) / prior[1]
        cov = np.linalg.inv(precision)
        mean = cov @ (np.linalg.solve(L @ cov_beta @ L.T, mean) + prior[0] / prior[1])
    return out_arms, pi, mean, cov


def correlated_best(mean, cov, higher, draws=4_000_000):
    """P(best) by Genz's multivariate normal CDF of the differences (scipy), expected loss by
    numpy Monte Carlo (its standard error is returned with it)."""
    sign = 1 if higher else -1
    k = len(mean)
    probs = []
    for i in range(k):
        D = np.zeros((k - 1, k))
        for r, j in enumerate(j for j in range(k) if j != i):
            D[r, i], D[r, j] = sign, -sign
        mvn = stats.multivariate_normal(mean=-(D @ mean), cov=D @ cov @ D.T, maxpts=10_000_000,
                                        abseps=1e-10, releps=1e-10, seed=7)
        probs.append(float(mvn.cdf(np.zeros(k - 1))) if k > 2
                     else float(stats.norm.cdf((D @ mean)[0] / np.sqrt((D @ cov @ D.T)[0, 0]))))
    samples = rng.multivariate_normal(mean, cov, size=draws) * sign
    top = samples.max(axis=1)
    loss = [float(top.mean() - sign * mean[a]) for a in range(k)]
    loss_se = [float((top - samples[:, a]).std() / np.sqrt(draws)) for a in range(k)]
    return probs, loss, loss_se


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
    arms, w, mean, cov = fixed_effects(raw, kind, prior)
    probs, loss, loss_se = correlated_best(mean, cov, higher)
    expected["fixed-effects"] = {
        "periodWeights": w.tolist(),
        "arms": arms,
        "posteriors": [{"kind": "normal", "mean": float(m), "sd": float(np.sqrt(cov[a, a]))} for a, m in enumerate(mean)],
        "covariance": cov.tolist(),
        "probabilityBest": probs,
        "expectedLoss": loss,
        "expectedLossSe": loss_se,
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
    pooled, weighted_, precision_, effects_ = [], [], [], []
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
        if len(effects_) < 400:  # the raw-data regression is slow; 400 replications suffice
            arms, _, _, _ = fixed_effects(raw, "binary", None)
            effects_.append(arms[0]["mean"] - arms[1]["mean"])
    return {"pooledDifference": float(np.mean(pooled)), "weightedDifference": float(np.mean(weighted_)),
            "weightedSe": float(np.std(weighted_) / np.sqrt(replications)),
            "precisionDifference": float(np.mean(precision_)),
            "precisionSe": float(np.std(precision_) / np.sqrt(replications)),
            "fixedEffectsDifference": float(np.mean(effects_)),
            "fixedEffectsSe": float(np.std(effects_) / np.sqrt(len(effects_)))}


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
