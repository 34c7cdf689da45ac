"""Reference values for the threshold optimizer's candidate rule (app/experiments/optimizer.ts),
computed independently with numpy: both ends of the range, and between them the values at the
levels 1/(k-1) ... (k-2)/(k-1) of the members inside the range (numpy's default linear
quantile), rounded to the range's step, each at least one step above the one before.

    python3 app/experiments/stats/reference/optimizer_candidates.py
"""
import numpy as np


def nice_step(span):
    raw = max(1.0, span / 20)
    power = 10 ** np.floor(np.log10(raw))
    return max(1, round(next(m * power for m in (1, 2, 5, 10) if m * power >= raw)))


def candidates(values, lo, hi, k):
    step = nice_step(hi - lo)
    inside = np.sort([v for v in values if lo <= v <= hi])
    out = []
    for q in [(i + 1) / (k - 1) for i in range(k - 2)]:
        c = min(hi, max(lo, round(np.quantile(inside, q) / step) * step))
        out.append(max(c, (out[-1] if out else lo) + step))
    return [lo, *out, hi]


# optimizer.test.ts: 1..1000 over [100, 400], four candidates.
print(candidates(range(1, 1001), 100, 400, 4))  # [100, 200, 300, 400]
# optimizer.test.ts: a skewed distribution 100 + 400 (i/999)^3 over [100, 500], five candidates.
print(candidates(100 + 400 * (np.arange(1000) / 999) ** 3, 100, 500, 5))  # [100, 120, 160, 260, 500]
# optimizer.server.test.ts: 10, 20, ..., 1000 points per 30 days over [200, 800], four candidates.
print(candidates([10 * (i + 1) for i in range(100)], 200, 800, 4))  # [200, 400, 600, 800]
