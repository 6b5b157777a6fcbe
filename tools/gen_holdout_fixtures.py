#!/usr/bin/env python3
"""Reference fixture of the global holdout's report (routes/holdout/_report.ts,
lib/governance/holdout_report.ts; tests/holdout_report_test.ts), written from docs/GOVERNANCE.md
"Holdout report", not from the TypeScript.

Run from the repository root:
    python3 tools/gen_holdout_fixtures.py && deno fmt lib/governance/testdata/holdout.json
Writes lib/governance/testdata/holdout.json. Deterministic (numpy Generator, fixed seed).

The fixture holds the raw rows the test inserts (customers, tracked events, opt-outs, experiment
events of bank CC2, plus rows that must not count: before the holdout's start, after "now",
another bank's) and the expected report:
- membership: fmix32(fnv1a32(f"holdout/{salt}:{unit}")) / 2**32 < percent / 100, the hash of
  tools/gen_hash_fixtures.py (re-stated here), computed here independently of the TypeScript;
- population: customers with a record, or a tracked or experiment event in [start, now);
- per customer over [start, now): proportion = 1 if any event; mean = sum of values (percentile
  cap by numpy.quantile(method="linear") = PostgreSQL percentile_cont, then numpy.minimum);
  ratio = (sum of spend values, count of visits);
- statistics: tools/gen_metric_fixtures.py's scipy references (pooled z-test and
  chi2_contingency; scipy.stats.ttest_ind(equal_var=False) with Fieller; the delta method), the
  holdout as control and the rest as the challenger, at alpha = 0.05.
"""
import datetime
import json
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import gen_metric_fixtures as gm  # noqa: E402

M32 = 2**32


def fnv1a32(text):
    """FNV-1a 32-bit over UTF-8 (as tools/gen_hash_fixtures.py, which writes on import)."""
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) % M32
    return h


def fmix32(h):
    """MurmurHash3's 32-bit finaliser."""
    h ^= h >> 16
    h = (h * 0x85EBCA6B) % M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) % M32
    return h ^ (h >> 16)


assert fmix32(1) == 0x514E28B7 and fnv1a32("foobar") == 0xBF9CF968

OUT = pathlib.Path("lib/governance/testdata/holdout.json")
RNG = np.random.default_rng(20261130)
SALT = "7f3a9c1e-holdout-cc2"
PERCENT = 20
START = datetime.datetime(2026, 10, 1, tzinfo=datetime.timezone.utc)
NOW = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.timezone.utc)
ALPHA = 0.05


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def in_holdout(unit):
    return fmix32(fnv1a32(f"holdout/{SALT}:{unit}")) / 2**32 < PERCENT / 100


def at(days):
    return START + datetime.timedelta(days=float(days))


def main():
    units = [str(6222000000 + i) for i in range(1, 601)]
    holdout = {u: in_holdout(u) for u in units}
    customers = units[:450]  # the bank's records; the other 150 only have events
    track, opt_outs, experiment_events = [], [], []
    n = 0

    def ev(event, unit, value, t, bank="CC2"):
        nonlocal n
        n += 1
        track.append({"bank": bank, "eventId": f"h{n:05d}", "event": event, "unit": unit,
                      "value": None if value is None else round(float(value), 2),
                      "occurredAt": iso(t)})

    for u in units:
        h = holdout[u]
        # the programme's effect: the rest applies more, deposits more, spends more per visit
        if RNG.random() < (0.08 if h else 0.13):
            ev("card_apply", u, None, at(RNG.uniform(0, 59)))
        for _ in range(RNG.poisson(1.2)):
            ev("deposit", u, RNG.normal(900 if h else 1100, 2500), at(RNG.uniform(0, 59)))
        visits = RNG.poisson(2.0)
        for _ in range(visits):
            ev("app_visit", u, None, at(RNG.uniform(0, 59)))
            if RNG.random() < 0.4:
                ev("spend", u, RNG.gamma(2.0, 120 if h else 150), at(RNG.uniform(0, 59)))
        if RNG.random() < 0.05:
            opt_outs.append({"bank": "CC2", "unit": u, "channel": "sms",
                             "createdAt": iso(at(RNG.uniform(0, 59)))})
    # rows that must not count
    ev("card_apply", units[0], None, START - datetime.timedelta(hours=1))
    ev("deposit", units[1], 50_000, START - datetime.timedelta(days=3))
    ev("deposit", units[2], -70_000, NOW + datetime.timedelta(hours=2))
    ev("deposit", units[3], 1_000_000, at(10), bank="CC1")
    ev("card_apply", "9990000001", None, START - datetime.timedelta(days=1))  # never seen since
    ev("deposit", "9990000002", 5000, at(5), bank="CC1")  # another bank's customer
    opt_outs.append({"bank": "CC2", "unit": units[4], "channel": "*",
                     "createdAt": iso(START - datetime.timedelta(days=2))})
    # customers seen only through experiment events (values 0 for every metric)
    only_exp = [str(6223000000 + i) for i in range(1, 21)]
    for i, u in enumerate(only_exp):
        holdout[u] = in_holdout(u)
        experiment_events.append({"eventId": f"x{i:04d}", "unit": u, "type": "exposure",
                                  "occurredAt": iso(at(1 + i))})
    experiment_events.append({"eventId": "x9999", "unit": "9990000003", "type": "exposure",
                              "occurredAt": iso(START - datetime.timedelta(days=1))})

    population = sorted(set(customers)
                        | {e["unit"] for e in track if e["bank"] == "CC2"
                           and START <= datetime.datetime.fromisoformat(e["occurredAt"]) < NOW}
                        | {e["unit"] for e in experiment_events
                           if START <= datetime.datetime.fromisoformat(e["occurredAt"]) < NOW})

    def live(e):
        return e["bank"] == "CC2" and START <= datetime.datetime.fromisoformat(e["occurredAt"]) < NOW

    def per_unit(fn):
        return {u: fn(u) for u in population}

    by_unit = {}
    for e in track:
        if live(e):
            by_unit.setdefault(e["unit"], []).append(e)
    apply_ = per_unit(lambda u: 1.0 if any(e["event"] == "card_apply" for e in by_unit.get(u, [])) else 0.0)
    deposit = per_unit(lambda u: sum(e["value"] for e in by_unit.get(u, []) if e["event"] == "deposit"))
    spend = per_unit(lambda u: sum(e["value"] for e in by_unit.get(u, []) if e["event"] == "spend"))
    visits = per_unit(lambda u: float(sum(1 for e in by_unit.get(u, []) if e["event"] == "app_visit")))
    opted = per_unit(lambda u: 1.0 if any(
        o["unit"] == u and START <= datetime.datetime.fromisoformat(o["createdAt"]) < NOW
        for o in opt_outs if o["bank"] == "CC2") else 0.0)

    def arms(values):
        return [np.array([values[u] for u in population if holdout[u]]),
                np.array([values[u] for u in population if not holdout[u]])]

    expected = []

    def proportion(key, values):
        a = arms(values)
        t = gm.proportion_test(a[0], a[1])
        expected.append({"key": key, "kind": "proportion",
                         "variants": [gm.arm_summary("proportion", x) for x in a],
                         "comparison": {k: t[k] for k in ("absoluteLift", "relativeLift", "pValue")}})

    def mean(key, values, cap=None):
        a, cap_value = gm.winsorize(arms(values), cap)
        t = gm.welch_test(a[0], a[1], ALPHA)
        expected.append({"key": key, "kind": "mean", "capValue": cap_value,
                         "variants": [gm.arm_summary("mean", x) for x in a],
                         "comparison": {k: t[k] for k in
                                        ("absoluteLift", "relativeLift", "pValue", "ci", "relativeCi")}})

    def ratio(key, num, den):
        a = [(x, y) for x, y in zip(arms(num), arms(den))]
        t = gm.ratio_test(a[0], a[1], ALPHA)
        expected.append({"key": key, "kind": "ratio",
                         "variants": [gm.arm_summary("ratio", x) for x in a],
                         "comparison": {k: t[k] for k in
                                        ("absoluteLift", "relativeLift", "pValue", "ci", "relativeCi")}})

    proportion("card_apply_rate", apply_)
    mean("deposit_amount", deposit)
    mean("deposit_amount_capped", deposit, {"type": "percentile", "value": 0.9})
    ratio("spend_per_visit", spend, visits)
    proportion("opt_out", opted)

    fixture = {
        "metadata": {"source": f"tools/gen_holdout_fixtures.py ({gm.SOURCE.split('(')[1]}",
                     "generated": gm.GENERATED},
        "holdout": {"percent": PERCENT, "salt": SALT, "startedAt": iso(START)},
        "now": iso(NOW),
        "alpha": ALPHA,
        "customers": customers,
        "trackEvents": track,
        "optOuts": opt_outs,
        "experimentEvents": experiment_events,
        "inHoldout": sorted(u for u in population if holdout[u]),
        "population": {"total": len(population),
                       "holdout": sum(1 for u in population if holdout[u]),
                       "rest": sum(1 for u in population if not holdout[u])},
        "metrics": expected,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n")
    print("wrote", OUT, fixture["population"])


if __name__ == "__main__":
    main()
