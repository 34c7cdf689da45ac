"""Independent reference values for app/intelligence/clv, written beside this script.

Run: python3 app/intelligence/clv/reference/compute.py [path to the CDNOW folder]
(default: ../shared/data/cdnow relative to the repository root).

1. cdnow-summary.json: the CDNOW sample (Fader, Hardie & Lee 2005; 2,357 customers of the
   first-quarter-1997 cohort) reduced from CDNOW_sample.txt to what the models take, per
   customer: x (repeat purchases in the 39-week calibration period, 1997-01-01..09-30, with
   same-day purchases merged into one), t_x and T in weeks (last purchase and calibration end,
   from the first purchase), mean spend per repeat purchase day in the calibration period,
   and repeat purchases in the holdout weeks 40-78 (1997-10-01..1998-06-30). Checked here
   against the per-customer summary the data set ships with.
2. fixtures.json: BG/NBD and Gamma-Gamma fitted by scipy on that summary, and values at fixed
   parameters (log-likelihoods, P(alive), expected purchases, conditional expectations,
   expected spend, discounted CLV) from textbook formulas with scipy.special (gammaln,
   hyp2f1), and ln 2F1 at 30 digits with mpmath - not a port of the TypeScript.
"""
import csv
import datetime as dt
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import mpmath
import numpy as np
from scipy import optimize, special

HERE = Path(__file__).parent
ROOT = HERE.parents[3]
# The repository's clone sits beside shared/ (CI) or one level deeper (a git worktree).
CANDIDATES = [ROOT.parent / "shared" / "data" / "cdnow", ROOT.parent.parent / "shared" / "data" / "cdnow"]
DATA = Path(sys.argv[1]) if len(sys.argv) > 1 else next((c for c in CANDIDATES if c.exists()), CANDIDATES[0])
START = dt.date(1997, 1, 1)
CALIBRATION_END = dt.date(1997, 9, 30)  # end of week 39
HOLDOUT_END = dt.date(1998, 6, 30)  # end of week 78


def summarise():
    days = defaultdict(lambda: defaultdict(float))  # sample id -> date -> dollars
    for line in (DATA / "CDNOW_sample.txt").read_text().split("\n"):
        if not line.strip():
            continue
        _, sample_id, date, _, dollars = line.split()
        d = dt.datetime.strptime(date, "%Y%m%d").date()
        days[int(sample_id)][d] += float(dollars)
    rows = []
    for cid in sorted(days):
        dates = sorted(days[cid])
        first = dates[0]
        calibration = [d for d in dates if d <= CALIBRATION_END]
        holdout = [d for d in dates if CALIBRATION_END < d <= HOLDOUT_END]
        repeat = calibration[1:]
        cents = round(sum(days[cid][d] for d in repeat) * 100)
        rows.append({
            "id": cid,
            "x": len(repeat),
            "txDays": (calibration[-1] - first).days,
            "TDays": (CALIBRATION_END - first).days,
            "repeatCents": cents,
            "holdout": len(holdout),
        })
    return rows


def check_against_shipped(rows):
    shipped = {}
    with open(DATA / "cdnow_customers_summary_with_transactions.csv") as f:
        for rec in csv.DictReader(f):
            shipped[int(rec["ID"])] = rec
    assert len(shipped) == len(rows) == 2357, (len(shipped), len(rows))
    for r in rows:
        s = shipped[r["id"]]
        assert int(s["x"]) == r["x"], (r, s)
        assert abs(float(s["t_x"]) - r["txDays"] / 7) < 0.006, (r, s)
        assert abs(float(s["T"]) - r["TDays"] / 7) < 0.006, (r, s)
        spend = r["repeatCents"] / 100 / r["x"] if r["x"] else 0.0
        assert abs(float(s["zbar"]) - spend) < 0.006, (r, s)


# ---- BG/NBD (Fader, Hardie & Lee 2005) ----

def bgnbd_ll_each(params, x, tx, T):
    r, alpha, a, b = params
    A1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    A2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
    A3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        A4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return A1 + A2 + np.logaddexp(A3, A4)


def bgnbd_fit(x, tx, T):
    nll = lambda theta: -bgnbd_ll_each(np.exp(theta), x, tx, T).sum()
    best = None
    for start in ([0.0, 0.0, 0.0, 0.0], [0.0, math.log(T.mean()), 0.0, 0.0]):
        res = optimize.minimize(nll, start, method="Nelder-Mead",
                                options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 40000, "maxfev": 40000})
        res = optimize.minimize(nll, res.x, method="BFGS", options={"gtol": 1e-9})
        if best is None or res.fun < best.fun:
            best = res
    return np.exp(best.x), -best.fun


def p_alive(params, x, tx, T):
    r, alpha, a, b = params
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def expected_purchases(params, t):
    r, alpha, a, b = params
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, z))


def conditional_expected(params, t, x, tx, T):
    r, alpha, a, b = params
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1)
    body = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    tail = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return head * body / tail


# ---- Gamma-Gamma (Fader, Hardie & Lee 2005 "RFM and CLV"; Fader & Hardie 2013 note) ----

def gg_ll_each(params, x, m):
    p, q, g = params
    return (special.gammaln(p * x + q) - special.gammaln(p * x) - special.gammaln(q) + q * np.log(g)
            + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(g + m * x))


def gg_fit(x, m):
    nll = lambda theta: -gg_ll_each(np.exp(theta), x, m).sum()
    res = optimize.minimize(nll, [0.0, 0.0, 0.0], method="Nelder-Mead",
                            options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 40000, "maxfev": 40000})
    res = optimize.minimize(nll, res.x, method="BFGS", options={"gtol": 1e-9})
    return np.exp(res.x), -res.fun


def expected_spend(params, x, m):
    p, q, g = params
    return (p * (g + x * m)) / (p * x + q - 1)


def clv(bg, gg, x, tx, T, m, months, monthly_rate, units_per_month):
    """lifetimes' customer_lifetime_value: monthly steps, each month's expected purchases
    (difference of the cumulative conditional expectation) times expected spend, discounted
    by (1 + rate)^month."""
    spend = expected_spend(gg, x, m) if x > 0 else gg[0] * gg[2] / (gg[1] - 1)
    total = 0.0
    for k in range(1, months + 1):
        now = conditional_expected(bg, k * units_per_month, x, tx, T)
        before = conditional_expected(bg, (k - 1) * units_per_month, x, tx, T) if k > 1 else 0.0
        total += spend * (now - before) / (1 + monthly_rate) ** k
    return total


mpmath.mp.dps = 30


def main():
    rows = summarise()
    check_against_shipped(rows)
    columns = ["id", "x", "txDays", "TDays", "repeatCents", "holdout"]
    (HERE / "cdnow-summary.json").write_text(json.dumps({
        "source": "CDNOW_sample.txt (Fader, Hardie & Lee 2005), reduced by reference/compute.py: "
                  "t_x and T in days (weeks = days / 7), repeatCents = dollars of the repeat purchase days "
                  "in the calibration period, holdout = purchase days in weeks 40-78",
        "columns": columns,
        "rows": [[r[c] for c in columns] for r in rows],
    }, separators=(",", ":")) + "\n")

    x = np.array([r["x"] for r in rows], float)
    tx = np.array([r["txDays"] / 7 for r in rows])
    T = np.array([r["TDays"] / 7 for r in rows])
    spend = np.array([r["repeatCents"] / 100 / r["x"] if r["x"] else 0.0 for r in rows])
    holdout = np.array([r["holdout"] for r in rows])

    bg, bg_ll = bgnbd_fit(x, tx, T)
    repeat = x > 0
    gg, gg_ll = gg_fit(x[repeat], spend[repeat])
    predicted = sum(conditional_expected(bg, 39.0, xi, ti, Ti) for xi, ti, Ti in zip(x, tx, T))
    print("BG/NBD", bg, bg_ll, "Gamma-Gamma", gg, gg_ll, "repeat buyers", int(repeat.sum()))
    print("weeks 40-78 predicted", predicted, "actual", int(holdout.sum()))

    published = np.array([0.243, 4.414, 0.793, 2.426])
    cases = [(0, 0.0, 38.86), (2, 30.43, 38.86), (1, 1.71, 38.86), (7, 35.0, 36.0), (25, 20.5, 30.0),
             (0, 0.0, 0.5), (3, 3.0, 3.0), (120, 60.0, 61.0)]
    gg_published = np.array([6.25, 3.74, 15.44])
    spends = [0.0, 22.35, 11.77, 41.2, 18.0, 0.0, 250.0, 33.3]
    horizons = [0.5, 13.0, 39.0, 52.0, 104.0]
    fixtures = {
        "cdnow": {
            "bgnbd": dict(zip(["r", "alpha", "a", "b"], bg.tolist()), logLikelihood=bg_ll),
            "gammaGamma": dict(zip(["p", "q", "gamma"], gg.tolist()), logLikelihood=gg_ll,
                               repeatBuyers=int(repeat.sum()),
                               frequencySpendCorrelation=float(np.corrcoef(x[repeat], spend[repeat])[0, 1])),
            "holdoutPredicted": predicted, "holdoutActual": int(holdout.sum()),
        },
        "bgnbdAtPublished": {
            "params": dict(zip(["r", "alpha", "a", "b"], published.tolist())),
            "logLikelihood": float(bgnbd_ll_each(published, x, tx, T).sum()),
            "unconditional": [{"t": t, "expected": float(expected_purchases(published, t))} for t in horizons],
            "customers": [{
                "x": xi, "tx": ti, "T": Ti,
                "logLikelihood": float(bgnbd_ll_each(published, np.array([xi], float), np.array([ti]), np.array([Ti]))[0]),
                "pAlive": p_alive(published, xi, ti, Ti),
                "conditional": [{"t": t, "expected": float(conditional_expected(published, t, xi, ti, Ti))} for t in horizons],
            } for xi, ti, Ti in cases],
        },
        "gammaGammaAtPublished": {
            "params": dict(zip(["p", "q", "gamma"], gg_published.tolist())),
            "logLikelihood": float(gg_ll_each(gg_published, x[repeat], spend[repeat]).sum()),
            "customers": [{"x": xi, "spend": m,
                           "expectedSpend": float(expected_spend(gg_published, xi, m)) if xi > 0
                           else float(gg_published[0] * gg_published[2] / (gg_published[1] - 1))}
                          for (xi, _, _), m in zip(cases, spends)],
        },
        "hyp2f1": [{"a": a, "b": b, "c": c, "z": z, "sign": int(mpmath.sign(mpmath.hyp2f1(a, b, c, z))),
                    "log": float(mpmath.log(abs(mpmath.hyp2f1(a, b, c, z))))}
                   for a, b, c, z in [(0.243, 2.426, 2.219, 0.5), (0.243, 2.426, 2.219, 0.9), (0.243, 2.426, 2.219, 0.999),
                                      (2.5, 4.0, 1.2, 0.3), (7.243, 9.426, 9.219, 0.95), (1.0, 1.0, 2.0, 1e-9),
                                      (120.2, 122.4, 121.2, 0.6), (3.0, 0.5, 10.0, 0.99),
                                      (0.3, 0.4, -0.3, 0.7), (0.05, 0.2, -0.7, 0.2), (2.0, 3.0, -2.5, 0.5)]],
        # a + b < 1: 2F1's c = a + b + x - 1 is negative for x = 0.
        "bgnbdSmallAB": {
            "params": {"r": 0.5, "alpha": 20.0, "a": 0.3, "b": 0.4},
            "customers": [{"x": xi, "tx": ti, "T": Ti, "pAlive": p_alive([0.5, 20.0, 0.3, 0.4], xi, ti, Ti),
                           "conditional": [{"t": t, "expected": float(conditional_expected([0.5, 20.0, 0.3, 0.4], t, xi, ti, Ti))}
                                           for t in horizons]}
                          for xi, ti, Ti in [(0, 0.0, 10.0), (0, 0.0, 0.0), (1, 5.0, 50.0), (4, 30.0, 31.0)]],
        },
        "clv": [{
            "x": xi, "tx": ti, "T": Ti, "spend": m, "months": months, "monthlyDiscountRate": rate,
            "unitsPerMonth": 4.345,
            "value": float(clv(published, gg_published, xi, ti, Ti, m, months, rate, 4.345)),
        } for (xi, ti, Ti), m in zip(cases, spends) for months, rate in [(12, 0.01), (36, 0.0)]],
    }
    (HERE / "fixtures.json").write_text(json.dumps(fixtures, indent=1) + "\n")


main()
