"""Reference values for app/campaigns/send-time (reference.test.ts compares to 1e-9).

Independent of the TypeScript: scipy.ndimage.convolve1d(mode="wrap") for the circular
kernel, scipy.stats.dirichlet.mean for the Dirichlet-multinomial posterior mean,
scipy.stats.beta.mean for the channels' Beta-Bernoulli posterior means.
Run: python3 app/campaigns/send-time/reference/compute.py  (writes fixtures.json beside it)
"""
import json
import os

import numpy as np
from scipy.ndimage import convolve1d
from scipy.stats import beta, dirichlet

KERNEL = np.array([0.25, 0.5, 0.25])
PRIOR_STRENGTH = 8.0
PRIOR_FLOOR = 0.05
WEIGHT = {"order": 1.0, "click": 1.0, "open": 0.5}
CHANNEL_PRIOR_STRENGTH = 10.0

rng = np.random.default_rng(20261207)


def counts(n_order, n_open, n_click, centre, spread):
    out = {}
    for kind, n in (("order", n_order), ("open", n_open), ("click", n_click)):
        hours = np.round(rng.normal(centre, spread, size=n)).astype(int) % 24
        out[kind] = np.bincount(hours, minlength=24).astype(int).tolist()
    return out


def activity(c):
    return sum(WEIGHT[k] * np.array(c[k], dtype=float) for k in WEIGHT)


def smooth(x):
    # convolve1d flips the weights; the kernel is symmetric, so the flip is harmless.
    return convolve1d(np.asarray(x, dtype=float), KERNEL, mode="wrap")


shop = counts(900, 300, 60, 19.5, 3.5)
s = smooth(activity(shop))
share = s / s.sum()
alpha = PRIOR_STRENGTH * ((1 - PRIOR_FLOOR) * share + PRIOR_FLOOR / 24)

members = {
    "none": counts(0, 0, 0, 0, 1),
    "one-night-order": counts(1, 0, 0, 3, 0.1),
    "night-owl": counts(6, 4, 1, 23.6, 1.2),
    "morning": counts(9, 0, 2, 8, 1.5),
    "opens-only": counts(0, 12, 0, 12, 2),
}
results = {}
for name, c in members.items():
    post = dirichlet.mean(alpha + smooth(activity(c)))
    results[name] = {"counts": c, "posterior": post.tolist(), "hour": int(np.argmax(post))}

shop_channels = {"email": {"sends": 5000, "responses": 900}, "sms": {"sends": 800, "responses": 200}, "inbox": {"sends": 0, "responses": 0}}
member_channels = {"email": {"sends": 12, "responses": 1}, "sms": {"sends": 3, "responses": 2}}
channel_means = {}
used = [(st["responses"] + 1) / (st["sends"] + 2) for st in shop_channels.values() if st["sends"] > 0]
for ch, st in shop_channels.items():
    m = (st["responses"] + 1) / (st["sends"] + 2) if st["sends"] > 0 else min(used)
    a, b = CHANNEL_PRIOR_STRENGTH * m, CHANNEL_PRIOR_STRENGTH * (1 - m)
    own = member_channels.get(ch, {"sends": 0, "responses": 0})
    channel_means[ch] = float(beta.mean(a + own["responses"], b + own["sends"] - own["responses"]))

out = {
    "shop": shop,
    "smoothedShop": s.tolist(),
    "alpha": alpha.tolist(),
    "members": results,
    "shopChannels": shop_channels,
    "memberChannels": member_channels,
    "channelMeans": channel_means,
}
with open(os.path.join(os.path.dirname(__file__), "fixtures.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print({k: v["hour"] for k, v in results.items()}, channel_means)
