"""Reference values for app/intelligence/picks (reference.test.ts compares to 1e-6).

Independent of the TypeScript: the design matrix of the pooled weekly Poisson model is built
again here from its definition (ADR 0034-weekly-picks-forecast) and the penalised objective
  sum_i [exp(eta_i) - y_i eta_i] + lg/2 sum_g a_g^2 + lx/2 sum_j b_j^2,
  eta_i = b0 + a_{g(i)} + x_i . b
is minimised by scipy.optimize.minimize (trust-exact, analytic gradient and full dense Hessian
with one-hot product columns, no Schur complement). WAPE of the model, naive and
seasonal-naive forecasts over a rolling origin, by numpy.
Run: python3 app/intelligence/picks/reference/compute.py  (writes fixtures.json beside it)
"""
import json
import os

import numpy as np
from scipy.optimize import minimize

rng = np.random.default_rng(20261207)
P, W = 6, 70
LEVEL = 4
LG, LX = 2.0, 0.1
yearpos = ((np.arange(W + 1) * 7 + 40) % 365.25) / 365.25
base = rng.normal(0.5, 0.7, size=P)
season = 0.3 * np.sin(2 * np.pi * yearpos[:W])
usual = np.round(rng.uniform(10, 60, size=P), 2)
units = np.zeros((P, W), dtype=int)
price = np.full((P, W), np.nan)
promo = np.zeros((P, W), dtype=int)
promo[1, 20:22] = 1
promo[3, 30:33] = 1
promo[4, 50] = 1
for p in range(P):
    for w in range(W):
        disc = 1 - 0.2 * rng.uniform() * (rng.uniform() < 0.2)
        mu = np.exp(base[p] + season[w] + 0.004 * w + 0.4 * promo[p, w] - 1.2 * np.log(disc))
        units[p, w] = rng.poisson(mu)
        if units[p, w] > 0:
            price[p, w] = round(usual[p] * disc, 4)


def design(origin, p, t, price_t, promo_t, use_promo, usual_p):
    seasonal = origin >= 60
    x = [(t - origin) / 52, np.log1p(units[p, t - LEVEL:t].mean())]
    if seasonal:
        a = 2 * np.pi * yearpos[t]
        x += [np.sin(a), np.cos(a), np.sin(2 * a), np.cos(2 * a)]
    x.append(np.log(price_t / usual_p[p]) if usual_p[p] is not None and price_t is not None and price_t > 0 else 0.0)
    if use_promo:
        x.append(promo_t)
    return x


def usual_prices(origin):
    out = []
    for p in range(P):
        v = price[p, :origin]
        v = v[~np.isnan(v)]
        out.append(float(np.median(v)) if len(v) else None)
    return out


def fit(origin):
    use_promo = promo[:, LEVEL:origin].sum() >= 4
    up = usual_prices(origin)
    rows, groups, ys = [], [], []
    for p in range(P):
        for t in range(LEVEL, origin):
            pt = None if np.isnan(price[p, t]) else price[p, t]
            rows.append(design(origin, p, t, pt, promo[p, t], use_promo, up))
            groups.append(p)
            ys.append(units[p, t])
    X = np.array(rows)
    G = np.zeros((len(ys), P))
    G[np.arange(len(ys)), groups] = 1
    A = np.hstack([np.ones((len(ys), 1)), G, X])
    y = np.array(ys, dtype=float)
    pen = np.r_[0.0, np.full(P, LG), np.full(X.shape[1], LX)]

    def f(w):
        eta = A @ w
        return np.sum(np.exp(eta) - y * eta) + 0.5 * np.sum(pen * w * w)

    def g(w):
        return A.T @ (np.exp(A @ w) - y) + pen * w

    def h(w):
        return A.T @ (A * np.exp(A @ w)[:, None]) + np.diag(pen)

    w0 = np.zeros(A.shape[1])
    w0[0] = np.log(y.mean())
    res = minimize(f, w0, jac=g, hess=h, method="trust-exact", options={"gtol": 1e-12, "maxiter": 500})
    w = res.x
    return {"w": w, "use_promo": use_promo, "usual": up, "objective": float(res.fun)}


def predict(m, origin, p, t, price_t, promo_t):
    x = design(origin, p, t, price_t, promo_t, m["use_promo"], m["usual"])
    w = m["w"]
    return float(np.exp(w[0] + w[1 + p] + np.dot(w[1 + P:], x)))


def wape(a, f):
    a, f = np.asarray(a, float), np.asarray(f, float)
    return float(np.abs(a - f).sum() / a.sum())


full = fit(W)
origins = 6
act, mod, nai, sact, smod, snai = [], [], [], [], [], []
for o in range(W - origins, W):
    m = fit(o)
    for p in range(P):
        pt = None if np.isnan(price[p, o]) else price[p, o]
        f_ = predict(m, o, p, o, pt, promo[p, o])
        act.append(units[p, o]); mod.append(f_); nai.append(units[p, o - 1])
        if o >= 52:
            sact.append(units[p, o]); smod.append(f_); snai.append(units[p, o - 52])

out = {
    "yearPosition": yearpos.tolist(),
    "units": units.tolist(),
    "price": [[None if np.isnan(v) else float(v) for v in row] for row in price],
    "promo": promo.tolist(),
    "fit": {
        "intercept": float(full["w"][0]),
        "groupEffect": full["w"][1:1 + P].tolist(),
        "coef": full["w"][1 + P:].tolist(),
        "objective": full["objective"],
        "usePromo": bool(full["use_promo"]),
        "forecastNext": [predict(full, W, p, W, None, 0) for p in range(P)],
    },
    "backtest": {
        "origins": origins,
        "wape": wape(act, mod),
        "naiveWape": wape(act, nai),
        "seasonalNaiveWape": wape(sact, snai),
        "wapeSeasonalOrigins": wape(sact, smod),
    },
}
with open(os.path.join(os.path.dirname(__file__), "fixtures.json"), "w") as fh:
    json.dump(out, fh, indent=1)
print(json.dumps({"fit": {k: v for k, v in out["fit"].items()}, "backtest": out["backtest"]}, indent=1))
