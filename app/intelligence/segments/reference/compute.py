"""Independent reference values for app/intelligence/segments, written to fixtures.json.

Run: python3 app/intelligence/segments/reference/compute.py
Quintile scores come from scipy's ranks (ties share the minimum rank), silhouettes from the
full numpy/scipy pairwise distance matrix with Rousseeuw's definition (as scikit-learn's
silhouette_score: a point alone in its cluster scores 0), standardisation from numpy.
"""
import json
from pathlib import Path

import numpy as np
from scipy.spatial.distance import cdist
from scipy.stats import rankdata

OUT = Path(__file__).with_name("fixtures.json")
rng = np.random.default_rng(20261206)


def quintiles(values, lower_is_better):
    x = np.asarray(values, dtype=float)
    worse = rankdata(-x if lower_is_better else x, method="min") - 1  # members strictly worse
    return np.minimum(5, 1 + (5 * worse) // len(x)).astype(int).tolist()


def silhouette(points, labels):
    x = np.asarray(points, dtype=float)
    lab = np.asarray(labels)
    d = cdist(x, x)
    out = np.zeros(len(x))
    for i in range(len(x)):
        own = lab == lab[i]
        if own.sum() <= 1:
            continue
        a = d[i, own].sum() / (own.sum() - 1)
        b = min(d[i, lab == c].mean() for c in np.unique(lab) if c != lab[i])
        out[i] = (b - a) / max(a, b)
    return float(out.mean())


def standardise(rows):
    x = np.log1p(np.maximum(0, np.asarray(rows, dtype=float)))
    mean, sd = x.mean(axis=0), x.std(axis=0)
    varies = sd > 1e-12 * np.maximum(1, np.abs(mean))
    z = np.where(varies, (x - mean) / np.where(varies, sd, 1), 0.0)
    return z.tolist()


quintile_cases = []
for name, values, lower in [
    ("recency days, continuous", rng.integers(0, 400, 137).tolist(), True),
    ("frequency, heavy ties", rng.geometric(0.55, 211).tolist(), False),
    ("monetary, skewed", np.round(rng.lognormal(8, 1.1, 96)).astype(int).tolist(), False),
    ("three distinct values", rng.choice([1, 2, 3], 50, p=[0.7, 0.2, 0.1]).tolist(), False),
    ("all equal", [4] * 12, True),
    ("fewer members than scores", [30, 10, 20], True),
]:
    quintile_cases.append({"name": name, "values": values, "lowerIsBetter": lower, "scores": quintiles(values, lower)})

silhouette_cases = []
for name, centers, n, spread in [
    ("three separated blobs", [[0, 0], [5, 5], [0, 6]], 40, 1.0),
    ("two overlapping blobs in 4-d", [[0, 0, 0, 0], [1, 1, 0, 1]], 60, 1.0),
    ("five blobs in 6-d", rng.normal(0, 3, (5, 6)).tolist(), 25, 1.2),
]:
    pts, labs = [], []
    for c, centre in enumerate(centers):
        pts += (np.asarray(centre) + rng.normal(0, spread, (n, len(centre)))).tolist()
        labs += [c] * n
    silhouette_cases.append({"name": name, "points": pts, "labels": labs, "silhouette": silhouette(pts, labs)})
singleton = {"name": "a singleton cluster", "points": [[0, 0], [0, 1], [1, 0], [9, 9]], "labels": [0, 0, 0, 1]}
singleton["silhouette"] = silhouette(singleton["points"], singleton["labels"])
silhouette_cases.append(singleton)

std_rows = np.column_stack([rng.integers(0, 300, 30), rng.geometric(0.5, 30), rng.lognormal(8, 1, 30), [7] * 30]).tolist()
fixtures = {
    "quintiles": quintile_cases,
    "silhouette": silhouette_cases,
    "standardise": {"rows": std_rows, "z": standardise(std_rows)},
}
OUT.write_text(json.dumps(fixtures, indent=1) + "\n")
print(f"wrote {OUT}")
