"""Measures what mixing a sentence encoder's cosine with iq's score does.

    python3 analyze.py DIR [VECTORS]

DIR holds the exports of export_test.go and the vectors of embed.js
(use.vectors.jsonl unless VECTORS names another file). Pair set: iq's
score, the encoder's cosine and their mix (1-w)*score + w*cosine, each
called a duplicate at a threshold; w (and a threshold where one is
tuned) is chosen on the tuning half (odd lines of pairs.jsonl) and
reported on the held-out half (even lines). SemEval-2016 subtask B: MAP
and MRR as dedup.rankScores computes them. Plain Python, no numpy.
"""
import json
import math
import os
import sys

d = sys.argv[1]
vec_file = sys.argv[2] if len(sys.argv) > 2 else "use.vectors.jsonl"


def read(name):
    with open(os.path.join(d, name)) as f:
        return [json.loads(l) for l in f if l.strip()]


vecs = {}
for r in read(vec_file):
    v = r["v"]
    n = math.sqrt(sum(x * x for x in v)) or 1.0
    vecs[r["text"]] = [x / n for x in v]


def cos(a, b):
    return sum(x * y for x, y in zip(vecs[a], vecs[b]))


THRESHOLD = 0.6  # dedup.DefaultMinScore, as the export logged
recs = read("records.export.jsonl")
pairs = read("pairs.export.jsonl")
for p in pairs:
    qa, qb = recs[p["a"]]["question"], recs[p["b"]]["question"]
    p["cos"] = 1.0 if p["a"] == p["b"] else cos(qa, qb)
tune = [p for p in pairs if p["line"] % 2 == 1]
held = [p for p in pairs if p["line"] % 2 == 0]


def measure(ps, pred):
    tp = fp = fn = 0
    for p in ps:
        hit = pred(p)
        same = p["label"] == "same"
        tp += hit and same
        fp += hit and not same
        fn += (not hit) and same
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, tp, fp, fn


def fmt(m):
    return "P %.3f R %.3f (tp %d fp %d fn %d)" % m


def mix(w):
    return lambda p: (1 - w) * p["score"] + w * p["cos"]


def show(name, pred):
    print("  %-46s tune %s | held-out %s" % (name, fmt(measure(tune, pred)), fmt(measure(held, pred))))


print("pair set: %d located pairs (%d tuning, %d held-out); same: %d / %d" % (
    len(pairs), len(tune), len(held),
    sum(p["label"] == "same" for p in tune), sum(p["label"] == "same" for p in held)))
base_tune = measure(tune, lambda p: p["score"] >= THRESHOLD)
show("iq clusters (together)", lambda p: p["together"])
show("iq score >= %.2f" % THRESHOLD, lambda p: p["score"] >= THRESHOLD)

grid_w = [i / 20 for i in range(21)]
grid_t = [i / 100 for i in range(30, 100)]


def best(cands):
    """The candidate with the highest tuning recall at a tuning precision
    no lower than iq's own; ties to the higher precision."""
    ok = [c for c in cands if c[1][0] >= base_tune[0]]
    if not ok:
        return None
    return max(ok, key=lambda c: (c[1][1], c[1][0]))


# The encoder alone, threshold tuned.
c = best([(t, measure(tune, lambda p, t=t: p["cos"] >= t)) for t in grid_t])
if c:
    show("encoder cosine >= %.2f (tuned)" % c[0], lambda p, t=c[0]: p["cos"] >= t)
else:
    print("  encoder alone: no threshold reaches iq's tuning precision")
# Mix at iq's threshold, w tuned.
c = best([(w, measure(tune, lambda p, w=w: mix(w)(p) >= THRESHOLD)) for w in grid_w])
if c:
    show("mix w=%.2f at %.2f (w tuned)" % (c[0], THRESHOLD), lambda p, w=c[0]: mix(w)(p) >= THRESHOLD)
for w in (0.3, 0.5, 0.7):
    show("mix w=%.2f at %.2f (fixed)" % (w, THRESHOLD), lambda p, w=w: mix(w)(p) >= THRESHOLD)
# Mix with w and threshold both tuned.
c = best([((w, t), measure(tune, lambda p, w=w, t=t: mix(w)(p) >= t)) for w in grid_w for t in grid_t])
if c:
    (w, t) = c[0]
    show("mix w=%.2f at %.2f (both tuned)" % (w, t), lambda p: mix(w)(p) >= t)
# The encoder as a rescue only: iq's verdict, or a cosine above a tuned bar.
c = best([(t, measure(tune, lambda p, t=t: p["score"] >= THRESHOLD or p["cos"] >= t)) for t in grid_t])
if c:
    show("iq OR cosine >= %.2f (tuned)" % c[0], lambda p, t=c[0]: p["score"] >= THRESHOLD or p["cos"] >= t)
else:
    print("  iq OR cosine: no bar keeps iq's tuning precision")
# And as a veto only: iq's verdict unless the cosine is below a tuned bar.
c = best([(t, measure(tune, lambda p, t=t: p["score"] >= THRESHOLD and p["cos"] >= t)) for t in grid_t])
if c:
    show("iq AND cosine >= %.2f (tuned)" % c[0], lambda p, t=c[0]: p["score"] >= THRESHOLD and p["cos"] >= t)

# Separation: mean cosine by label, and how often a same pair scores
# above a related or different one (AUC), for iq and the encoder.
def auc(ps, key):
    pos = [key(p) for p in ps if p["label"] == "same"]
    neg = [key(p) for p in ps if p["label"] != "same"]
    wins = sum((x > y) + 0.5 * (x == y) for x in pos for y in neg)
    return wins / (len(pos) * len(neg))


for lab in ("same", "related", "different"):
    xs = [p["cos"] for p in pairs if p["label"] == lab]
    ys = [p["score"] for p in pairs if p["label"] == lab]
    print("  %-9s n=%4d  mean cosine %.3f  mean iq score %.3f" % (lab, len(xs), sum(xs) / len(xs), sum(ys) / len(ys)))
print("  AUC same vs rest (all pairs): iq %.3f, encoder %.3f, mix 0.5 %.3f" % (
    auc(pairs, lambda p: p["score"]), auc(pairs, lambda p: p["cos"]), auc(pairs, mix(0.5))))
print("  AUC same vs related: iq %.3f, encoder %.3f" % (
    auc([p for p in pairs if p["label"] != "different"], lambda p: p["score"]),
    auc([p for p in pairs if p["label"] != "different"], lambda p: p["cos"])))

# SemEval-2016 Task 3 subtask B.
MASK = (1 << 64) - 1
sem = read("semeval.export.jsonl")
for s in sem:
    s["use"] = cos(s["org_text"], s["rel_text"])
    s["tb"] = int(s["tiebreak"])


def rank(rows, key):
    by = {}
    order = []
    for s in rows:
        if s["org"] not in by:
            order.append(s["org"])
            by[s["org"]] = []
        by[s["org"]].append(s)
    aps, rrs = [], []
    for org in order:
        cands = by[org]
        if not any(c["relevant"] for c in cands):
            continue
        cands = sorted(cands, key=lambda c: (-key(c), c["tb"]))
        correct, ap, rr = 0, 0.0, 0.0
        for i, c in enumerate(cands[:10]):
            if not c["relevant"]:
                continue
            correct += 1
            ap += correct / (i + 1)
            if rr == 0:
                rr = 1 / (i + 1)
        aps.append(ap / correct if correct else 0.0)
        rrs.append(rr)
    return sum(aps) / len(aps), sum(rrs) / len(rrs), len(aps)


print("SemEval-2016 subtask B (%d pairs)" % len(sem))
runs = [
    ("search engine order (ir_rank)", lambda s: -s["ir_rank"]),
    ("iq score", lambda s: s["score"]),
    ("TF-IDF cosine (iq)", lambda s: s["cosine"]),
    ("encoder cosine", lambda s: s["use"]),
    ("0.3 TF-IDF + 0.7 encoder", lambda s: 0.3 * s["cosine"] + 0.7 * s["use"]),
]
for w in (0.3, 0.5, 0.7):
    runs.append(("%.1f iq score + %.1f encoder" % (1 - w, w), lambda s, w=w: (1 - w) * s["score"] + w * s["use"]))
for name, key in runs:
    m, r, n = rank(sem, key)
    print("  %-32s MAP %.3f MRR %.3f (%d ranked)" % (name, m, r, n))

# Every mix weight with its threshold tuned as above: does any w > 0 beat
# iq's own score on the tuning half, and what does it do held out?
print("pair set, mix weight by weight (threshold tuned on the tuning half for iq's tuning precision):")
for w in grid_w[:11]:
    c = best([(t, measure(tune, lambda p, t=t: mix(w)(p) >= t)) for t in grid_t])
    if c:
        t = c[0]
        print("  w=%.2f t=%.2f  tune %s | held-out %s" % (
            w, t, fmt(c[1]), fmt(measure(held, lambda p: mix(w)(p) >= t))))
    else:
        print("  w=%.2f  no threshold keeps iq's tuning precision" % w)
