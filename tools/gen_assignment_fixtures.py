#!/usr/bin/env python3
"""Reference A/B assignments from an independent Python implementation of the PRODUCT.md rule:
bucket = fnv1a32(f"{key}:{unit}") / 2**32 over UTF-8 bytes, first cumulative weight above it.

Writes lib/experiments/testdata/assignment.json. Run: python3 tools/gen_assignment_fixtures.py
"""
import datetime
import json
import pathlib


def fnv1a32(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) % 2**32
    return h


def pick(key, unit, variants):
    bucket = fnv1a32(f"{key}:{unit}") / 2**32
    total = sum(w for _, w in variants if w > 0)
    cum = 0.0
    last = None
    for name, w in variants:
        if w <= 0:
            continue
        cum += w / total
        last = name
        if bucket < cum:
            return name, bucket
    return last, bucket


cases = []
hashes = [{"text": t, "hash": fnv1a32(t)} for t in ["", "a", "foobar", "welcome-sms:u1", "实验:客户-001", "🙂"]]
specs = [
    ("welcome-sms", [("control", 0.5), ("coupon", 0.5)]),
    ("three-way", [("control", 1), ("b", 1), ("c", 2)]),
    ("skewed", [("control", 0.9), ("challenger", 0.1)]),
    ("with-zero", [("control", 0.5), ("off", 0), ("on", 0.5)]),
]
for key, variants in specs:
    units = [f"u{i}" for i in range(200)] + ["客户甲", "13800138000", "a:b", ""]
    assignments = []
    for unit in units:
        name, bucket = pick(key, unit, variants)
        assignments.append({"unit": unit, "variant": name, "bucket": bucket})
    cases.append({
        "name": f"{key} with weights {[w for _, w in variants]}",
        "input": {"experimentKey": key, "variants": [{"name": n, "weight": w} for n, w in variants]},
        "expected": assignments,
    })

out = pathlib.Path(__file__).resolve().parent.parent / "lib/experiments/testdata/assignment.json"
out.parent.mkdir(parents=True, exist_ok=True)
out.write_text(json.dumps({
    "metadata": {
        "source": "tools/gen_assignment_fixtures.py (independent Python FNV-1a 32 implementation)",
        "generated": datetime.date.today().isoformat(),
    },
    "hashes": hashes,
    "cases": cases,
}, ensure_ascii=False, indent=1) + "\n")
print(f"wrote {out}")
