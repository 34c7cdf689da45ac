"""Reference values for app/intelligence/rewards (reference.test.ts compares to 1e-6).

Independent of the TypeScript: 240 synthetic members with orders, spendable points, pending
points and redemptions of three rewards over 400 days are drawn here; the features of
features.ts are recomputed from their definitions (README), the L2 logistic regression is
numpy Newton on scikit-learn's objective (C = 1/lam, intercept unpenalised) on population-
standardised columns, and margin impact, expected value, the ranking and precision@1 follow
value.ts / pipeline.ts / evaluate.ts as written in the README.
Run: python3 app/intelligence/rewards/reference/compute.py  (writes fixtures.json beside it)
"""
import json
import math
import os

import numpy as np
from scipy.special import expit

rng = np.random.default_rng(20261207)
H = 90
NOW = 400.0
LAM = 1.0
GM, MEDIAN = 0.4, 60.0
REWARDS = [
    {"id": "five", "name": "$5 off", "pointsCost": 200, "minimumSubtotal": 0.0, "value": 5.0},
    {"id": "fifteen", "name": "$15 off", "pointsCost": 500, "minimumSubtotal": 50.0, "value": 15.0},
    {"id": "ship", "name": "Free shipping", "pointsCost": 150, "minimumSubtotal": 0.0, "value": 7.0},
]

members = []
for i in range(240):
    rate = rng.gamma(2.0, 1.5) / 365  # orders per day
    basket = rng.gamma(6.0, 12.0)
    likes = rng.dirichlet([1, 1, 1])
    eager = rng.uniform(0.2, 0.9)
    t = rng.uniform(0, 120)
    orders, points, pending, redemptions = [], [], [], []
    balance_events = []  # (day, delta) for the generator's own bookkeeping
    while t < NOW:
        subtotal = round(float(rng.gamma(6.0, basket / 6.0)), 2)
        orders.append({"day": round(t, 3), "subtotal": subtotal})
        bal = sum(d for (day, d) in balance_events if day < t)
        fits = [k for k, r in enumerate(REWARDS) if r["pointsCost"] <= bal and subtotal >= r["minimumSubtotal"]]
        if fits and rng.uniform() < eager:
            k = int(rng.choice(fits, p=likes[fits] / likes[fits].sum()))
            redemptions.append({"day": round(t, 3), "rewardId": REWARDS[k]["id"]})
            points.append({"day": round(t, 3), "delta": -REWARDS[k]["pointsCost"]})
            balance_events.append((t, -REWARDS[k]["pointsCost"]))
        earned = int(math.floor(subtotal))
        opens = round(t + 30.0, 3)
        points.append({"day": opens, "delta": earned})
        pending.append({"since": round(t, 3), "day": opens, "points": earned})
        balance_events.append((opens, earned))
        t += rng.exponential(1 / rate)
    members.append({"id": f"m{i}", "orders": orders, "points": points, "pending": pending, "redemptions": redemptions})


def features(m, cutoff):
    bal = max(0.0, sum(p["delta"] for p in m["points"] if p["day"] < cutoff))
    scheduled = sum(p["points"] for p in m["pending"] if p["since"] < cutoff <= p["day"] < cutoff + H)
    last_year = sum(p["delta"] for p in m["points"] if p["delta"] > 0 and cutoff - 365 <= p["day"] < cutoff)
    gain = scheduled + last_year / 365 * H
    orders = [o for o in m["orders"] if o["day"] < cutoff]
    past = [r for r in m["redemptions"] if r["day"] < cutoff]
    recency = cutoff - max(o["day"] for o in orders) if orders else 3650
    rows = []
    for r in REWARDS:
        fits = (sum(o["subtotal"] >= r["minimumSubtotal"] for o in orders) / len(orders)) if orders else (0.0 if r["minimumSubtotal"] > 0 else 1.0)
        row = [
            1.0 if bal >= r["pointsCost"] else 0.0,
            max(0.0, r["pointsCost"] - bal) / r["pointsCost"],
            min(2.0, (bal + gain) / r["pointsCost"]),
            1.0 if any(o["value"] > r["value"] and bal >= o["pointsCost"] for o in REWARDS) else 0.0,
            fits,
            math.log1p(sum(1 for p in past if p["rewardId"] == r["id"])),
            math.log1p(len(past)),
            len(past) / len(orders) if orders else 0.0,
            math.log1p(recency),
            float(sum(1 for o in orders if o["day"] >= cutoff - 365)),
            math.log1p(r["value"]),
        ] + [1.0 if o["id"] == r["id"] else 0.0 for o in REWARDS]
        rows.append(row)
    return bal, rows


def dataset(cutoff):
    X, y, ids = [], [], []
    for m in members:
        if not any(o["day"] < cutoff for o in m["orders"]):
            continue
        _, rows = features(m, cutoff)
        for r, row in zip(REWARDS, rows):
            X.append(row)
            y.append(1 if any(e["rewardId"] == r["id"] and cutoff <= e["day"] < cutoff + H for e in m["redemptions"]) else 0)
            ids.append(m["id"])
    return np.array(X), np.array(y), ids


def fit(X, y):
    mean = X.mean(axis=0)
    sd = X.std(axis=0)
    ok = sd > 1e-12
    Z = np.where(ok, (X - mean) / np.where(ok, sd, 1.0), 0.0)
    A = np.hstack([np.ones((len(y), 1)), Z])
    w = np.zeros(A.shape[1])
    P = LAM * np.eye(A.shape[1])
    P[0, 0] = 0
    for _ in range(200):
        mu = expit(A @ w)
        step = np.linalg.solve(A.T @ (A * (mu * (1 - mu))[:, None]) + P, A.T @ (mu - y) + P @ w)
        w = w - step
        if np.max(np.abs(step)) < 1e-13:
            break
    return mean, np.where(ok, sd, 0.0), w


def predict(model, row):
    mean, sd, w = model
    z = np.where(sd > 0, (np.array(row) - mean) / np.where(sd > 0, sd, 1.0), 0.0)
    return float(expit(w[0] + z @ w[1:]))


def ranked(model, m, at):
    bal, rows = features(m, at)
    orders = [o["subtotal"] for o in m["orders"] if o["day"] < at]
    mean_order = sum(orders) / len(orders) if orders else None
    out = []
    for r, row in zip(REWARDS, rows):
        order = max(mean_order if mean_order is not None else MEDIAN, r["minimumSubtotal"])
        impact = GM * order - r["value"]
        p = predict(model, row)
        out.append({"rewardId": r["id"], "probability": p, "marginImpact": impact, "expectedValue": p * impact})
    out.sort(key=lambda s: (-s["expectedValue"], -s["probability"]))
    return bal, out


Xtr, ytr, _ = dataset(NOW - 2 * H)
Xte, yte, _ = dataset(NOW - H)
holdout = fit(Xtr, ytr)
deployed = fit(Xte, yte)

# precision@1 of the holdout model (ranked by probability) on the test window's first redemptions
hits = n = 0
for m in members:
    cut = NOW - H
    if not any(o["day"] < cut for o in m["orders"]):
        continue
    window = [e for e in m["redemptions"] if cut <= e["day"] < cut + H]
    if not window:
        continue
    actual = min(window, key=lambda e: e["day"])["rewardId"]
    _, r = ranked(holdout, m, cut)
    top = max(r, key=lambda s: s["probability"])["rewardId"]
    n += 1
    hits += top == actual

scores = {}
for m in members[:40]:
    bal, r = ranked(deployed, m, NOW)
    scores[m["id"]] = {"balance": bal, "ranked": r}

out = {
    "horizon": H,
    "now": NOW,
    "lambda": LAM,
    "grossMargin": GM,
    "shopMedianOrder": MEDIAN,
    "rewards": REWARDS,
    "members": members,
    "train": {"X": Xtr.tolist(), "y": ytr.tolist()},
    "holdout": {"intercept": holdout[2][0], "coef": holdout[2][1:].tolist()},
    "deployed": {"intercept": deployed[2][0], "coef": deployed[2][1:].tolist()},
    "precisionAt1": {"members": n, "hits": int(hits)},
    "scores": scores,
}
with open(os.path.join(os.path.dirname(__file__), "fixtures.json"), "w") as f:
    json.dump(out, f)
print("train rows", len(ytr), "positives", int(ytr.sum()), "test positives", int(yte.sum()), "p@1", hits, "/", n)
