"""Reference values for app/intelligence/churn (reference.test.ts compares to 1e-6).

Independent of the TypeScript: numpy Newton on the same objective as scikit-learn's
LogisticRegression(penalty="l2", C=1/lam) with an unpenalised intercept,
  sum_i log(1 + exp(-s_i eta_i)) + lam/2 |beta|^2,
scipy.stats.rankdata mid-ranks for AUC with ties, brute force over thresholds for max F1.
Run: python3 app/intelligence/churn/reference/compute.py  (writes fixtures.json beside it)
"""
import json
import os

import numpy as np
from scipy.special import expit
from scipy.stats import rankdata

rng = np.random.default_rng(20261206)
n, p = 400, 6
X = rng.normal(size=(n, p)) * [30, 1, 200, 0.5, 2, 1] + [60, 1.5, 300, 4, 1, 0]
X[:, 1] = X[:, 1] + 0.5 * X[:, 0] / 30  # correlated columns
X[:, 5] = 7.0  # a constant column: an absent feature
X = np.round(X, 4)
eta = -0.3 + 0.04 * (X[:, 0] - 60) - 0.8 * (X[:, 1] - 1.5) + 0.5 * (X[:, 4] - 1)
y = (rng.uniform(size=n) < expit(eta)).astype(int)

mean = X.mean(axis=0)
sd = X.std(axis=0)
sd_safe = np.where(sd > 1e-12, sd, 1.0)
Z = np.where(sd > 1e-12, (X - mean) / sd_safe, 0.0)


def newton(Z, y, lam):
    A = np.hstack([np.ones((len(y), 1)), Z])
    w = np.zeros(A.shape[1])
    P = lam * np.eye(A.shape[1])
    P[0, 0] = 0
    for _ in range(200):
        mu = expit(A @ w)
        g = A.T @ (mu - y) + P @ w
        H = A.T @ (A * (mu * (1 - mu))[:, None]) + P
        step = np.linalg.solve(H, g)
        w = w - step
        if np.max(np.abs(step)) < 1e-13:
            break
    return w


def auc(score, pos):
    r = rankdata(score)  # mid-ranks for ties
    n1 = pos.sum()
    n0 = len(pos) - n1
    return (r[pos == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def confusion(score, pos, t):
    flag = score >= t
    tp = np.sum(flag & (pos == 1))
    fp = np.sum(flag & (pos == 0))
    fn = np.sum(~flag & (pos == 1))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return dict(threshold=float(t), precision=float(prec), recall=float(rec), f1=float(f1), flagged=int(tp + fp))


def best_f1(score, pos):
    best = None
    for t in sorted(set(score.tolist()), reverse=True):
        c = confusion(score, pos, t)
        if best is None or c["f1"] > best["f1"]:
            best = c
    return best


def youden(score, pos):
    best, bj = None, -np.inf
    for t in sorted(set(score.tolist()), reverse=True):
        flag = score >= t
        j = np.sum(flag & (pos == 1)) / pos.sum() - np.sum(flag & (pos == 0)) / (len(pos) - pos.sum())
        if j > bj:
            best, bj = t, j
    return confusion(score, pos, best)


def calibration(score, pos, bins=10):
    order = np.argsort(score, kind="stable")
    s, q = score[order], pos[order]
    out = []
    for k in range(bins):
        a, b = (len(s) * k) // bins, (len(s) * (k + 1)) // bins
        if b > a:
            out.append(dict(frm=float(s[a]), to=float(s[b - 1]), count=int(b - a),
                            predicted=float(s[a:b].mean()), observed=float(q[a:b].mean())))
    return out


fits = {}
for lam in (1.0, 0.1, 25.0):
    w = newton(Z, y, lam)
    fits[str(lam)] = dict(intercept=float(w[0]), coef=w[1:].tolist())
w = newton(Z, y, 1.0)
prob = expit(np.hstack([np.ones((n, 1)), Z]) @ w)
tied = np.round(prob, 1)  # heavy ties for the AUC
out = dict(
    X=X.tolist(), y=y.tolist(), mean=mean.tolist(), sd=np.where(sd > 1e-12, sd, 0).tolist(), fits=fits,
    prob=prob.tolist(), auc=float(auc(prob, y)), aucTied=float(auc(tied, y)),
    at05=confusion(prob, y, 0.5), best=best_f1(prob, y), youden=youden(prob, y), calibration=calibration(prob, y),
    brier=float(np.mean((prob - y) ** 2)),
)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures.json"), "w") as f:
    json.dump(out, f)
print("auc", out["auc"], "tied", out["aucTied"], "best", out["best"], "churn rate", y.mean())
