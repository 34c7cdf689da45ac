"""Reference values for app/intelligence/recommendations (reference.test.ts compares to 1e-9).

Independent of the TypeScript, written from the definitions in the README:
  TF-IDF   words = lower-case runs of letters/digits (>= 2 chars, not only digits, no stop
           words) of title (twice), description, type, tags; tf = 1 + ln(count);
           idf = ln((1 + n) / (1 + df)) + 1; words in more than half the products dropped; L2.
  content  cosine of the TF-IDF vectors, 50 candidates per product.
  CF       co(i,j) / (n_i^alpha n_j^(1-alpha)) * co / (co + 5), alpha = 1, co >= 2,
           customers with more than 200 distinct products left out; 100 per product.
  blend    0.8 cf + 0.2 content over the union of both candidate lists; 20 per product.
  members  sum of neighbour scores over the bought products + 0.5 * buyers / top buyers;
           bought products left out; best sellers fill; ties to the smaller id.
  holdout  train before the cutoff, test = products first bought after it;
           precision@k = hits / k, recall@k = hits / |test|, averaged; random = its expectation.
Run: python3 app/intelligence/recommendations/reference/compute.py  (reads fixture.json,
writes expected.json beside it; export-fixture.ts writes the fixture)
"""
import json
import math
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
STOP = set(
    (
        "a an and are as at be been but by for from has have in into is it its of on or our so "
        "than that the their them then there these this those to was were will with you your also "
        "can each every more most all any very made"
    ).split()
)
W_CF, W_CONTENT, POP_WEIGHT = 0.8, 0.2, 0.5
CANDIDATES, CF_N, N_KEPT, MIN_SUPPORT, SHRINK, ALPHA, MAX_BASKET = 50, 100, 20, 2, 5, 1.0, 200
KS = [5, 10]


def id_key(pid):
    return (len(pid), pid)


def tokenize(text):
    out = []
    for w in re.split(r"[\W_]+", text.lower()):
        if len(w) < 2 or w in STOP or w.isdigit():
            continue
        out.append(w)
    return out


def product_tokens(p):
    return tokenize(" ".join([p["title"], p["title"], p["description"] or "", p["productType"] or "", " ".join(p["tags"])]))


def tfidf(docs, max_df=0.5):
    n = len(docs)
    df = {}
    for d in docs:
        for w in set(d):
            df[w] = df.get(w, 0) + 1
    limit = max_df * n if n >= 4 else n
    vocab = sorted(w for w in df if df[w] <= limit)
    index = {w: i for i, w in enumerate(vocab)}
    idf = [math.log((1 + n) / (1 + df[w])) + 1 for w in vocab]
    vectors = []
    for d in docs:
        counts = {}
        for w in d:
            if w in index:
                counts[index[w]] = counts.get(index[w], 0) + 1
        idx = sorted(counts)
        vals = [(1 + math.log(counts[i])) * idf[i] for i in idx]
        norm = math.sqrt(sum(v * v for v in vals))
        if norm > 0:
            vals = [v / norm for v in vals]
        vectors.append(dict(zip(idx, vals)))
    return vocab, vectors


def dot(a, b):
    return sum(a[k] * b[k] for k in sorted(a) if k in b)


def top(scored, n):
    return sorted(scored, key=lambda s: (-s[1], s[0]))[:n]


def content_lists(vectors):
    out = []
    for i, v in enumerate(vectors):
        scored = [(j, dot(v, w)) for j, w in enumerate(vectors) if j != i]
        out.append(top([s for s in scored if s[1] > 1e-9], CANDIDATES))
    return out


def cf_lists(baskets, products):
    kept = [b for b in baskets if 1 <= len(b) <= MAX_BASKET]
    buyers = [0] * products
    for b in kept:
        for i in b:
            buyers[i] += 1
    co = [dict() for _ in range(products)]
    for b in kept:
        for i in b:
            for j in b:
                if i != j:
                    co[i][j] = co[i].get(j, 0) + 1
    out = []
    for i in range(products):
        scored = []
        for j, c in co[i].items():
            if c >= MIN_SUPPORT:
                scored.append((j, (c / (buyers[i] ** ALPHA * buyers[j] ** (1 - ALPHA))) * (c / (c + SHRINK)), c))
        out.append(sorted(scored, key=lambda s: (-s[1], s[0]))[:CF_N])
    return out


def blend(cf, content, vectors, w_cf, w_content):
    rows = []
    for i in range(len(cf)):
        parts = {}
        for j, s, c in cf[i]:
            parts[j] = [s, dot(vectors[i], vectors[j]) if w_content > 0 else 0.0, c]
        if w_content > 0:
            for j, s in content[i]:
                if j not in parts:
                    parts[j] = [0.0, s, 0]
        scored = []
        for j, (c, t, co) in parts.items():
            score = w_cf * c + w_content * t
            if score > 0:
                scored.append((j, score, c, t, co))
        rows.append(sorted(scored, key=lambda s: (-s[1], s[0]))[:N_KEPT])
    return rows


def recommend(history, neighbours, popular, k, pop_weight):
    bought = set(history)
    cand = {}
    topb = popular[0][1] if popular else 0
    if bought and topb > 0 and pop_weight > 0:
        for pid, b in popular:
            if pid not in bought:
                cand[pid] = pop_weight * b / topb
    for src in sorted(bought, key=id_key):
        for pid, score in neighbours.get(src, []):
            if pid == src or pid in bought:
                continue
            cand[pid] = cand.get(pid, 0.0) + score
    ranked = sorted(cand.items(), key=lambda x: (-x[1], id_key(x[0])))[:k]
    out = [pid for pid, _ in ranked]
    for pid, _ in popular:
        if len(out) >= k:
            break
        if pid in out or pid in bought:
            continue
        out.append(pid)
    return out


def main():
    fx = json.load(open(os.path.join(HERE, "fixture.json")))
    products = fx["products"]
    ids = [p["id"] for p in products]
    index = {pid: i for i, pid in enumerate(ids)}
    vocab, vectors = tfidf([product_tokens(p) for p in products])
    content = content_lists(vectors)
    cutoff = fx["cutoff"]
    train, test = {}, {}
    for p in fx["purchases"]:
        (train if p["day"] < cutoff else test).setdefault(p["customerId"], set()).add(p["productId"])
    baskets = [sorted(index[p] for p in s if p in index) for s in train.values()]
    counts = {}
    for s in train.values():
        for p in s:
            counts[p] = counts.get(p, 0) + 1
    popular = sorted(counts.items(), key=lambda x: (-x[1], id_key(x[0])))[: len(ids)]
    cf = cf_lists(baskets, len(ids))
    variants = {"blend": (W_CF, W_CONTENT), "cf": (1.0, 0.0), "content": (0.0, 1.0)}
    lookups = {}
    blended = None
    for name, (a, b) in variants.items():
        rows = blend(cf, content, vectors, a, b)
        if name == "blend":
            blended = rows
        lookups[name] = {ids[i]: [(ids[j], s) for j, s, *_ in row] for i, row in enumerate(rows)}
    lookups["popularity"] = {}
    users = []
    for c, bought in train.items():
        later = [p for p in test.get(c, set()) if p not in bought]
        if later:
            users.append((sorted(bought, key=id_key), set(later)))
    methods = {m: [[0.0, 0.0] for _ in KS] for m in ["blend", "cf", "content", "popularity", "random"]}
    for history, relevant in users:
        for m in ["blend", "cf", "content", "popularity"]:
            recs = recommend(history, lookups[m], popular, max(KS), 0.0 if m == "popularity" else POP_WEIGHT)
            for j, k in enumerate(KS):
                hits = sum(1 for p in recs[:k] if p in relevant)
                methods[m][j][0] += hits / k
                methods[m][j][1] += hits / len(relevant)
        cand = len(ids) - len(history)
        for j, k in enumerate(KS):
            hits = min(k, cand) * len(relevant) / cand if cand > 0 else 0
            methods["random"][j][0] += hits / k
            methods["random"][j][1] += hits / len(relevant)
    out = {
        "vocabulary": vocab,
        "vectors": [{"indices": sorted(v), "values": [v[i] for i in sorted(v)]} for v in vectors],
        "neighbours": [[{"productId": ids[j], "score": s, "cfScore": c, "contentScore": t, "coPurchases": co} for j, s, c, t, co in row] for row in blended],
        "popular": [{"productId": p, "buyers": b} for p, b in popular[:10]],
        "testCustomers": len(users),
        "trainCustomers": len(train),
        "methods": {m: [{"k": k, "precision": v[j][0] / len(users), "recall": v[j][1] / len(users)} for j, k in enumerate(KS)] for m, v in methods.items()},
        "memberRecs": {c: recommend(sorted(train[c], key=id_key), lookups["blend"], popular, 10, POP_WEIGHT) for c in sorted(train, key=id_key)[:15]},
    }
    json.dump(out, open(os.path.join(HERE, "expected.json"), "w"))
    print(json.dumps(out["methods"], indent=1), out["testCustomers"], "test customers")


if __name__ == "__main__":
    main()
