"""Independent reference values for app/experiments/stats, written to fixtures.json.

Run: python3 app/experiments/stats/reference/compute.py
Each scenario draws raw per-member data with numpy (seeded), reduces it to the sufficient
statistics the TypeScript code receives, and computes the expected numbers from the raw
data with numpy/scipy and textbook formulas (not a port of the TypeScript).
"""
import json
import math
from pathlib import Path

import numpy as np
from scipy import integrate, optimize, stats

OUT = Path(__file__).with_name("fixtures.json")
rng = np.random.default_rng(20261206)


def mean_stats(x):
    return {"n": int(len(x)), "sum": float(x.sum()), "sumSquares": float((x * x).sum())}


def paired_stats(y, x):
    return {"n": int(len(y)), "sumY": float(y.sum()), "sumX": float(x.sum()), "sumYY": float((y * y).sum()),
            "sumXX": float((x * x).sum()), "sumXY": float((x * y).sum())}


def revenue(n, rate, scale):
    orders = rng.poisson(rate, n)
    return np.array([rng.gamma(6.0, scale, k).sum() for k in orders]), orders.astype(float)


def seq_halfwidth(se, n_total, alpha, tuning):
    rho = math.sqrt((-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning)
    s2 = se**2 * n_total
    return math.sqrt(s2 * (2 * (n_total * rho**2 + 1)) / (n_total**2 * rho**2) * math.log(math.sqrt(n_total * rho**2 + 1) / alpha))


def seq_p(est, se, n_total, alpha, tuning):
    # Mixture likelihood ratio of Robbins' normal mixture with mixing variance rho^2 per unit.
    rho2 = (-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning
    # Solve halfwidth(a) = |est| for a numerically: the alpha where the sequence touches 0.
    def gap(log_a):
        a = math.exp(log_a)
        w = math.sqrt(se**2 * n_total * (2 * (n_total * rho2 + 1)) / (n_total**2 * rho2) * math.log(math.sqrt(n_total * rho2 + 1) / a))
        return w - abs(est)
    hi = 0.5 * math.log(n_total * rho2 + 1) - 1e-15
    if gap(hi) >= 0:
        return 1.0
    return math.exp(optimize.brentq(gap, -745, hi, xtol=1e-14, rtol=1e-14))


def lift_test(mc, vc, nc, mt, vt, nt, alpha, method, tuning, df_welch):
    """mc, mt means; vc, vt variances of the means."""
    out = {}
    absolute = (mt - mc, math.sqrt(vt + vc))
    rel = None
    if mc != 0:
        g = np.array([-mt / mc**2, 1 / mc])  # gradient of mt/mc - 1 wrt (mc, mt)
        cov = np.diag([vc, vt])
        rel = (mt / mc - 1, math.sqrt(g @ cov @ g))
    for name, val in (("absolute", absolute), ("relative", rel)):
        if val is None:
            out[name] = None
            continue
        est, se = val
        if method == "sequential":
            half = seq_halfwidth(se, nc + nt, alpha, tuning)
            p = seq_p(est, se, nc + nt, alpha, tuning)
        elif method == "welch":
            half = stats.t.ppf(1 - alpha / 2, df_welch) * se
            p = 2 * stats.t.sf(abs(est / se), df_welch)
        else:
            half = stats.norm.ppf(1 - alpha / 2) * se
            p = 2 * stats.norm.sf(abs(est / se))
        out[name] = {"estimate": est, "standardError": se, "lower": est - half, "upper": est + half, "pValue": min(1.0, p)}
    return out


def bayes(est, se, prior, alpha, higher):
    if prior is None:
        m, s = est, se
    else:
        m0, v0 = prior
        prec = 1 / se**2 + 1 / v0
        m, s = (est / se**2 + m0 / v0) / prec, math.sqrt(1 / prec)
    sign = 1 if higher else -1
    post = stats.norm(sign * m, s)
    ctw = post.sf(0)
    lo, hi = sign * m - 12 * s, sign * m + 12 * s
    loss_ship = integrate.quad(lambda b: max(0, -b) * post.pdf(b), lo, hi, points=[0], epsabs=1e-14, epsrel=1e-12)[0]
    loss_keep = integrate.quad(lambda b: max(0, b) * post.pdf(b), lo, hi, points=[0], epsabs=1e-14, epsrel=1e-12)[0]
    z = stats.norm.ppf(1 - alpha / 2)
    return {"posteriorMean": m, "posteriorSd": s, "chanceToWin": ctw,
            "expectedLoss": {"ifShipped": loss_ship, "ifKeptControl": loss_keep},
            "credibleInterval": {"lower": m - z * s, "upper": m + z * s}}


fixtures = {"means": [], "ratios": [], "cuped": [], "bayesian": [], "srm": [], "adjust": [], "power": [], "sequential": []}

# Means: skewed revenue-like data, a binary metric, a small sample, unequal arms.
mean_cases = [
    ("revenue per member, 5% lift", revenue(4000, 0.3, 14.0)[0], revenue(4000, 0.315, 14.0)[0], "welch"),
    ("revenue per member, z test", revenue(3000, 0.3, 14.0)[0], revenue(3500, 0.3, 14.5)[0], "z"),
    ("conversion, unequal arms", (rng.random(5000) < 0.12).astype(float), (rng.random(2500) < 0.135).astype(float), "welch"),
    ("small sample", rng.normal(10, 3, 12), rng.normal(12, 5, 9), "welch"),
    ("revenue, sequential", revenue(6000, 0.3, 14.0)[0], revenue(6000, 0.33, 14.0)[0], "sequential"),
    ("negative lift, sequential", rng.normal(50, 20, 800), rng.normal(46, 20, 820), "sequential"),
]
for name, c, t, method in mean_cases:
    alpha = 0.05 if "small" not in name else 0.1
    tuning = 5000
    vc, vt = c.var(ddof=1) / len(c), t.var(ddof=1) / len(t)
    df = (vc + vt) ** 2 / (vc**2 / (len(c) - 1) + vt**2 / (len(t) - 1))
    expected = lift_test(c.mean(), vc, len(c), t.mean(), vt, len(t), alpha, method, tuning, df)
    if method == "welch":
        # Cross-check the absolute p-value with scipy's own Welch test.
        check = stats.ttest_ind(t, c, equal_var=False)
        assert abs(check.pvalue - expected["absolute"]["pValue"]) < 1e-9, name
    fixtures["means"].append({"name": name, "control": mean_stats(c), "treatment": mean_stats(t), "alpha": alpha,
                              "method": method, "sequentialTuning": tuning,
                              "degreesOfFreedom": df if method == "welch" else None,
                              "controlMean": c.mean(), "controlVarianceOfMean": vc, **expected})

# Ratio metrics: AOV = revenue / orders, over members with any order.
for name, rc, rt in [("AOV, 3% higher order values", 14.0, 14.42), ("AOV, no change", 14.0, 14.0)]:
    yc, xc = revenue(6000, 0.6, rc)
    yt, xt = revenue(6000, 0.6, rt)
    arms = []
    for y, x in ((yc, xc), (yt, xt)):
        n = len(y)
        cov = np.cov(np.vstack([y, x]), ddof=1)
        g = np.array([1 / x.mean(), -y.mean() / x.mean() ** 2])
        arms.append((y.mean() / x.mean(), float(g @ cov @ g) / n, n))
    (mc, vc, nc), (mt, vt, nt) = arms
    df = (vc + vt) ** 2 / (vc**2 / (nc - 1) + vt**2 / (nt - 1))
    fixtures["ratios"].append({"name": name, "control": paired_stats(yc, xc), "treatment": paired_stats(yt, xt),
                               "controlMean": mc, "controlVarianceOfMean": vc, "treatmentMean": mt, "treatmentVarianceOfMean": vt,
                               **lift_test(mc, vc, nc, mt, vt, nt, 0.05, "welch", 5000, df)})

# CUPED: metric correlated with its pre-exposure value, then a linear regression check.
for name, rho_pre, effect in [("revenue with strong pre-period", 0.7, 1.0), ("weak pre-period", 0.1, 0.5)]:
    n = 3000
    pre_c, pre_t = rng.gamma(2, 10, n), rng.gamma(2, 10, n + 200)
    yc = rho_pre * pre_c + rng.gamma(2, 10, n)
    yt = rho_pre * pre_t + rng.gamma(2, 10, n + 200) + effect
    # theta by pooled within-arm least squares: regress y on x with an arm dummy.
    X = np.column_stack([np.concatenate([pre_c, pre_t]), np.r_[np.zeros(n), np.ones(n + 200)], np.ones(2 * n + 200)])
    coef = np.linalg.lstsq(X, np.concatenate([yc, yt]), rcond=None)[0]
    theta = coef[0]
    pooled = np.concatenate([pre_c, pre_t]).mean()
    adj_c, adj_t = yc - theta * (pre_c - pooled), yt - theta * (pre_t - pooled)
    vc, vt = adj_c.var(ddof=1) / n, adj_t.var(ddof=1) / (n + 200)
    df = (vc + vt) ** 2 / (vc**2 / (n - 1) + vt**2 / (n + 199))
    resid = np.concatenate([yc - yc.mean(), yt - yt.mean()])
    resid_adj = resid - theta * np.concatenate([pre_c - pre_c.mean(), pre_t - pre_t.mean()])
    fixtures["cuped"].append({"name": name, "control": paired_stats(yc, pre_c), "treatment": paired_stats(yt, pre_t),
                              "theta": theta, "varianceReduction": 1 - (resid_adj**2).sum() / (resid**2).sum(),
                              "controlMean": adj_c.mean(), "treatmentMean": adj_t.mean(),
                              "controlVarianceOfMean": vc, "treatmentVarianceOfMean": vt,
                              **lift_test(adj_c.mean(), vc, n, adj_t.mean(), vt, n + 200, 0.05, "welch", 5000, df)})

# Bayesian: posterior summaries from means and variances of the means.
for name, c, t, scale, prior, higher in [
    ("relative, flat prior", (20.0, 0.25, 5000), (21.0, 0.27, 5000), "relative", None, True),
    ("relative, proper prior N(0, 0.3^2)", (20.0, 0.25, 5000), (21.0, 0.27, 5000), "relative", (0.0, 0.09), True),
    ("absolute, flat, lower is better", (5.0, 0.04, 800), (4.7, 0.05, 900), "absolute", None, False),
    ("relative, tiny noisy lift, proper prior", (3.0, 0.5, 200), (3.1, 0.6, 210), "relative", (0.0, 0.09), True),
]:
    (mc, vc, nc), (mt, vt, nt) = c, t
    if scale == "relative":
        g = np.array([-mt / mc**2, 1 / mc])
        est, se = mt / mc - 1, math.sqrt(g @ np.diag([vc, vt]) @ g)
    else:
        est, se = mt - mc, math.sqrt(vc + vt)
    fixtures["bayesian"].append({"name": name, "control": {"n": nc, "mean": mc, "varianceOfMean": vc},
                                 "treatment": {"n": nt, "mean": mt, "varianceOfMean": vt}, "scale": scale,
                                 "prior": {"kind": "flat"} if prior is None else {"kind": "normal", "mean": prior[0], "variance": prior[1]},
                                 "higherIsBetter": higher, **bayes(est, se, prior, 0.05, higher)})

# SRM: scipy's chisquare on counts against weights.
for name, counts, weights in [("balanced", [5012, 4988], [1, 1]), ("mismatch", [5200, 4800], [1, 1]),
                              ("three arms 50/25/25", [50310, 24780, 24910], [2, 1, 1]), ("slight", [1010, 990, 1000], [1, 1, 1])]:
    exp = np.array(weights) / sum(weights) * sum(counts)
    res = stats.chisquare(counts, exp)
    fixtures["srm"].append({"name": name, "counts": counts, "weights": weights, "chiSquare": res.statistic, "pValue": res.pvalue})

# Holm and BH by their definitions (step-down / step-up decisions turned into adjusted p-values).
def holm_ref(p):
    m = len(p)
    return [max(min(1, (m - j) * sorted(p)[j]) for j in range(sorted(p).index(pi) + 1)) for pi in p]


def bh_ref(p):
    m = len(p)
    s = sorted(p)
    return [min(min(1, m * s[j] / (j + 1)) for j in range(s.index(pi), m)) for pi in p]


for name, p in [("five secondary metrics", [0.01, 0.04, 0.03, 0.2, 0.005]), ("variants x metrics", [0.001, 0.5, 0.02, 0.049, 0.8, 0.0001, 0.03, 0.07]),
                ("all null", [0.9, 0.6, 0.35])]:
    fixtures["adjust"].append({"name": name, "pValues": p, "holm": holm_ref(p), "benjaminiHochberg": bh_ref(p)})

# Power and MDE: z-based power of the test of the difference of means (the decision rule's
# test), the treatment scaling the metric (sd moves with the mean); brentq for the MDE.
def power_rel(mean, var, lift, nc, nt, c):
    diff = mean * lift
    se = math.sqrt(var * (1 + lift) ** 2 / nt + var / nc)
    return stats.norm.cdf(diff / se - c) + stats.norm.cdf(-diff / se - c)


# `initial`: the audience exposed at launch (exposure at assignment), before `daily` joiners a day.
for name, mean, var, daily, weights, days, method, alpha, target, initial in [
    ("revenue, 50/50, 28 days", 12.0, 900.0, 400, [1, 1], 28, "fixed", 0.05, 0.8, 0),
    ("revenue, 3 arms, 60 days", 12.0, 900.0, 250, [2, 1, 1], 60, "fixed", 0.05, 0.8, 0),
    ("conversion, sequential, 30 days", 0.1, 0.09, 1000, [1, 1], 30, "sequential", 0.05, 0.8, 0),
    ("revenue, sequential, 90% power", 12.0, 900.0, 400, [1, 1], 45, "sequential", 0.05, 0.9, 0),
    ("audience at launch plus joiners, sequential", 25.0, 4000.0, 40, [1, 1], 56, "sequential", 0.05, 0.8, 12000),
    ("audience at launch only, fixed", 25.0, 4000.0, 0, [9, 1], 90, "fixed", 0.05, 0.8, 20000),
]:
    total = sum(weights)
    exposed = initial + daily * days
    nc, nt = exposed * weights[0] / total, exposed * min(weights[1:]) / total
    n_total = nc + nt
    if method == "fixed":
        c = stats.norm.ppf(1 - alpha / 2)
    else:
        rho2 = (-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / 5000
        c = math.sqrt(n_total * 2 * (n_total * rho2 + 1) / (n_total**2 * rho2) * math.log(math.sqrt(n_total * rho2 + 1) / alpha))
    mde = optimize.brentq(lambda d: power_rel(mean, var, d, nc, nt, c) - target, 1e-9, 10, xtol=1e-15)
    fixtures["power"].append({"name": name, "input": {"baselineMean": mean, "baselineVariance": var, "dailyExposed": daily,
                              **({"initialExposed": initial} if initial else {}), "weights": weights, "method": method, "alpha": alpha, "power": target}, "days": days,
                              "mde": mde, "powerAtTenPercent": power_rel(mean, var, 0.1, nc, nt, c), "critical": c})

for n_total, alpha, tuning in [(1000, 0.05, 5000), (5000, 0.05, 5000), (200000, 0.05, 5000), (50000, 0.01, 50000)]:
    fixtures["sequential"].append({"totalN": n_total, "alpha": alpha, "tuning": tuning,
                                   "multiplier": seq_halfwidth(1.0, n_total, alpha, tuning),
                                   "pValueAtZ3": seq_p(3.0, 1.0, n_total, alpha, tuning)})

OUT.write_text(json.dumps(fixtures, indent=1, default=float) + "\n")
print(f"wrote {OUT}")
