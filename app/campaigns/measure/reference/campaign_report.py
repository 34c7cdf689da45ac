"""Independent reference for a campaign report's net incremental margin (app/campaigns/measure).

Run: python3 app/campaigns/measure/reference/campaign_report.py
Draws a seeded campaign test (a holdout and two variants), writes each member's orders
before and after exposure and their used rewards to campaign-report.json, and computes from
those raw rows, with numpy and the textbook formulas (not a port of the TypeScript):
- per arm: members, orders, net revenue, reward cost, net margin (revenue x margin - cost);
- per variant against the holdout: the CUPED-adjusted difference in net margin per member
  (theta pooled within arms over all arms, covariate = net revenue in the 90 days before
  exposure), its always-valid 95% interval (normal-mixture confidence sequence, Howard et
  al. 2021 eq. 14, tuning N* = 5000), and both times the variant's members: the report's
  "net incremental margin".
"""
import json
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

OUT = Path(__file__).with_name("campaign-report.json")
rng = np.random.default_rng(20261208)
GROSS_MARGIN = 0.4
ALPHA = 0.05
TUNING = 5000
BASE = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
AS_OF = datetime(2026, 12, 7, 0, 0, tzinfo=timezone.utc)
# True effects on the order rate: the holdout buys least, variant b (with an offer) most.
ARMS = [("holdout", 60, 0.5), ("a", 60, 0.8), ("b", 60, 1.1)]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


members = []
cid = 5000
for arm, n, rate in ARMS:
    for i in range(n):
        cid += 1
        exposed = BASE + timedelta(minutes=int(rng.integers(0, 60 * 24 * 3)))
        pre = [
            {"at": iso(exposed - timedelta(days=int(rng.integers(1, 85)))), "totalMinor": int(rng.integers(1500, 12000))}
            for _ in range(int(rng.poisson(0.7)))
        ]
        post = [
            {"at": iso(exposed + timedelta(days=float(rng.uniform(0.01, 30)))), "totalMinor": int(rng.integers(1500, 12000))}
            for _ in range(int(rng.poisson(rate)))
        ]
        # A used $5 reward after exposure for some buyers (the reward cost).
        cost = 500 if post and rng.random() < 0.3 else 0
        members.append({"customerId": cid, "arm": arm, "exposedAt": iso(exposed), "pre": pre, "post": post, "rewardCost": cost})


def arm_rows(arm):
    rows = [m for m in members if m["arm"] == arm]
    y = np.array([sum(o["totalMinor"] for o in m["post"]) * GROSS_MARGIN - m["rewardCost"] for m in rows], dtype=float)
    x = np.array([sum(o["totalMinor"] for o in m["pre"]) for m in rows], dtype=float)
    return rows, y, x


data = {a: arm_rows(a) for a, _, _ in ARMS}
# theta = pooled within-arm covariance / pooled within-arm variance of the covariate.
sxy = sum(((x - x.mean()) * (y - y.mean())).sum() for _, y, x in data.values())
sxx = sum(((x - x.mean()) ** 2).sum() for _, y, x in data.values())
theta = sxy / sxx
pooled_x = np.concatenate([x for _, _, x in data.values()]).mean()


def adjusted(y, x):
    n = len(y)
    mean = y.mean() - theta * (x.mean() - pooled_x)
    var = np.var(y - theta * x, ddof=1)  # Var(y - theta x) = Var y - 2 theta Cov + theta^2 Var x
    return n, mean, var / n


def halfwidth(se, n_total):
    rho2 = (-2 * math.log(ALPHA) + math.log(-2 * math.log(ALPHA) + 1)) / TUNING
    return se * math.sqrt(2 * (n_total * rho2 + 1) / (n_total * rho2) * math.log(math.sqrt(n_total * rho2 + 1) / ALPHA))


expected = {"arms": {}, "theta": theta}
nc, mc, vc = adjusted(data["holdout"][1], data["holdout"][2])
for arm, _, _ in ARMS:
    rows, y, x = data[arm]
    entry = {
        "exposed": len(rows),
        "orders": sum(len(m["post"]) for m in rows),
        "revenue": sum(o["totalMinor"] for m in rows for o in m["post"]),
        "rewardCost": sum(m["rewardCost"] for m in rows),
        "netMargin": float(y.sum()),
    }
    if arm != "holdout":
        n, m, v = adjusted(y, x)
        diff, se = m - mc, math.sqrt(v + vc)
        h = halfwidth(se, n + nc)
        entry["incremental"] = {"estimate": diff * n, "lower": (diff - h) * n, "upper": (diff + h) * n,
                                "significant": bool(diff - h > 0 or diff + h < 0)}
    expected["arms"][arm] = entry

OUT.write_text(json.dumps({"asOf": iso(AS_OF), "grossMarginPercent": 40, "members": members, "expected": expected}, indent=1) + "\n")
print(json.dumps(expected, indent=1))
