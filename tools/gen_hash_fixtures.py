#!/usr/bin/env python3
"""Reference values of assignment hash version 2 from an independent, pure-Python implementation
of the rule in docs/SDK.md:

    bucket = fmix32(fnv1a32(f"{key}:{unit}")) / 2**32

FNV-1a 32-bit over the UTF-8 bytes (a lone surrogate is encoded as U+FFFD, as the WHATWG
TextEncoder does; deno fmt refuses one in JSON, so
lib/experiments/assignment_test.ts checks that case itself), then MurmurHash3's 32-bit finaliser; the variant is the first whose cumulative
normalised weight exceeds the bucket. Bandit arms use the same rule with the allocation's seed
salted into the key ("<key>#<seed>").

Writes lib/experiments/testdata/hash_v2.json. Run from the repository root:

    python3 tools/gen_hash_fixtures.py && deno fmt lib/experiments/testdata/hash_v2.json
"""
import datetime
import json
import pathlib
import re

M32 = 2**32


def utf8(text: str) -> bytes:
    return re.sub("[\ud800-\udfff]", "\ufffd", text).encode("utf-8")


def fnv1a32(text: str) -> int:
    h = 0x811C9DC5
    for b in utf8(text):
        h ^= b
        h = (h * 0x01000193) % M32
    return h


def fmix32(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x85EBCA6B) % M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) % M32
    h ^= h >> 16
    return h


# MurmurHash3_x86_32 of the empty input with seed s is fmix32(s): the published verification
# values for seeds 0, 1 and 0xFFFFFFFF check this implementation of the finaliser.
assert fmix32(0) == 0
assert fmix32(1) == 0x514E28B7
assert fmix32(0xFFFFFFFF) == 0x81F16F39
assert fnv1a32("foobar") == 0xBF9CF968


def pick(bucket: float, variants):
    total = sum(w for _, w in variants if w > 0)
    cum = 0.0
    last = None
    for name, w in variants:
        if w <= 0:
            continue
        cum += w / total
        last = name
        if bucket < cum:
            return name
    return last


def expected(key: str, units, variants):
    rows = []
    for unit in units:
        h = fnv1a32(f"{key}:{unit}")
        m = fmix32(h)
        rows.append({
            "unit": unit,
            "fnv1a32": h,
            "fmix32": m,
            "bucket": m / M32,
            "variant": pick(m / M32, variants),
        })
    return rows


def variants_json(variants):
    return [{"name": n, "weight": w} for n, w in variants]


sequential = (
    [f"C{i:09d}" for i in range(1, 21)]
    + [str(i) for i in range(1, 11)]
    + [f"cust-{i:06d}" for i in range(1, 11)]
    + [f"U{i}" for i in range(1, 11)]
    + [str(6222020000000000 + i) for i in range(1, 11)]
    + [str(13800000000 + i) for i in range(1, 11)]
)
hostile = ["", "客户甲", "张三-储蓄卡", "🙂", "a\u0000b", "<script>alert(1)</script>", "a:b", " "]
specs = [
    ("welcome-sms", [("control", 0.5), ("coupon", 0.5)]),
    ("card-bind-coupon", [("control", 1), ("b", 1), ("c", 2)]),
    ("skewed", [("control", 0.9), ("challenger", 0.1)]),
    ("with-zero", [("control", 0.5), ("off", 0), ("on", 0.5)]),
    ("首绑-实验", [("对照", 0.5), ("满减券", 0.5)]),
]
cases = [{
    "name": "docs/SDK.md worked example",
    "input": {"experimentKey": "welcome-sms", "variants": variants_json(specs[0][1])},
    "expected": expected("welcome-sms", ["C000000001"], specs[0][1]),
}]
for key, variants in specs:
    cases.append({
        "name": f"{key} with weights {[w for _, w in variants]}",
        "input": {"experimentKey": key, "variants": variants_json(variants)},
        "expected": expected(key, sequential + hostile, variants),
    })

# Bandit arms: the experiment key, "#", the allocation's seed, as the key of the rule above.
bandit_variants = [("control", 0.2), ("coupon", 0.5), ("cashback", 0.3)]
bandit = []
for key, seed in [("bind-bandit", ""), ("bind-bandit", "1f2e3d4c"), ("repay-bandit", "20261121")]:
    bandit.append({
        "name": f"{key} seed {seed!r}",
        "input": {"experimentKey": key, "seed": seed, "variants": variants_json(bandit_variants)},
        "expected": [
            {"unit": r["unit"], "variant": r["variant"]}
            for r in expected(f"{key}#{seed}", sequential[:30] + hostile, bandit_variants)
        ],
    })

fmix = [{"input": x, "output": fmix32(x)} for x in [0, 1, 0xFFFFFFFF, 0x811C9DC5, 0x80000000, 12345678]]

text = json.dumps({
    "metadata": {
        "source": "tools/gen_hash_fixtures.py (independent pure-Python FNV-1a 32 and MurmurHash3 fmix32)",
        "generated": datetime.date.today().isoformat(),
    },
    "fmix32": fmix,
    "cases": cases,
    "bandit": bandit,
}, ensure_ascii=False, indent=2) + "\n"
out = pathlib.Path(__file__).resolve().parent.parent / "lib/experiments/testdata/hash_v2.json"
out.write_text(text, encoding="utf-8")
print(f"wrote {out}")
