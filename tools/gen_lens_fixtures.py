#!/usr/bin/env python3
"""Reference fixtures for lib/lens: an independent implementation of the lens scoring rules
(PRODUCT.md "The lens model", rules 1-7) and of the peer statistics, written from the brief,
not from the TypeScript.

Writes lib/lens/testdata/scoring.json and lib/lens/testdata/peers.json.
Quantiles come from R `quantile(type = 7)` through Rscript when it is installed, otherwise
from numpy `percentile(method="linear")` (also Hyndman-Fan type 7); metadata.source says which.
Both are computed when possible and must agree to 1e-12.

Run from the repository root: python3 tools/gen_lens_fixtures.py
"""

import copy
import datetime
import json
import math
import os
import shutil
import subprocess

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LENS = os.path.join(ROOT, "lib", "lens")
MODEL = json.load(open(os.path.join(LENS, "lens-model.json"), encoding="utf-8"))
BANKS = json.load(open(os.path.join(LENS, "demo-banks.json"), encoding="utf-8"))
TIE = 1e-9  # scores closer than this rank as ties, model order decides

# ---------------------------------------------------------------- scoring (rules 1-7)


def indicators():
    for dim in MODEL["dimensions"]:
        for cap in dim["capabilities"]:
            for ind in cap["indicators"]:
                yield dim, cap, ind


def score_value(ind, x):
    """Rule 1."""
    if ind["type"] == "maturity":
        return (x - 1) * 25.0
    norm = ind["normalisation"]
    lo, hi = norm["floor"], norm["target"]
    if norm["method"] == "log_target_band":
        x, lo, hi = math.log(x + 1), math.log(lo + 1), math.log(hi + 1)
    frac = (x - lo) / (hi - lo)
    return 100.0 * min(1.0, max(0.0, frac))


def mean_of(pairs):
    """Weighted mean of (weight, score) pairs, None if empty."""
    if not pairs:
        return None
    return sum(w * s for w, s in pairs) / sum(w for w, _ in pairs)


def score_capability(cap, values, na):
    """Rules 2 and 3."""
    rows, present = [], []
    for ind in cap["indicators"]:
        i = ind["id"]
        v = values.get(i)
        if i in na:
            rows.append({"id": i, "value": None, "score": None, "status": "not_applicable"})
        elif v is None and ind.get("critical"):
            rows.append({"id": i, "value": None, "score": 0.0, "status": "missing_critical"})
            present.append((ind["weight"], 0.0))
        elif v is None:
            rows.append({"id": i, "value": None, "score": None, "status": "missing"})
        else:
            s = score_value(ind, v)
            rows.append({"id": i, "value": v, "score": s, "status": "scored"})
            present.append((ind["weight"], s))
    if sum(w for w, _ in present) < 0.5 - 1e-9:
        return {"id": cap["id"], "score": None, "status": "insufficient", "indicators": rows}
    return {"id": cap["id"], "score": mean_of(present), "status": "scored", "indicators": rows}


def level_of(score):
    level = 1
    for lv in MODEL["levels"]:
        if score >= lv["min"]:
            level = lv["level"]
    return level


def overall_from(dim_scores, deduction):
    if any(s is None for s in dim_scores):
        return None, None
    raw = mean_of([(d["weight"], s) for d, s in zip(MODEL["dimensions"], dim_scores)])
    return raw, max(0.0, raw - deduction)


def sort_desc(items, key):
    """Stable sort, highest key first, keys within TIE treated equal (insertion sort)."""
    out = []
    for item in items:
        k = 0
        while k < len(out) and not (key(item) - key(out[k]) > TIE):
            k += 1
        out.insert(k, item)
    return out


def score(values, na=None):
    na = na or {}
    dims = []
    for dim in MODEL["dimensions"]:
        caps = [score_capability(c, values, na) for c in dim["capabilities"]]
        ds = mean_of([(c["weight"], r["score"]) for c, r in zip(dim["capabilities"], caps)
                      if r["score"] is not None])
        dims.append({"id": dim["id"], "score": ds, "capabilities": caps})
    gate = MODEL["aggregation"]["compliance_gate"]
    pen = values.get("data_penalties_24m")
    deduction = 0.0 if pen is None else float(min(gate["max_deduction"], gate["deduction_per_penalty"] * pen))
    raw, overall = overall_from([d["score"] for d in dims], deduction)
    capped = False
    for (dim, cap, ind), row in zip(indicators(), [i for d in dims for c in d["capabilities"] for i in c["indicators"]]):
        assert ind["id"] == row["id"]
        if ind.get("critical") and row["score"] is not None and row["score"] < gate["cap_level_if_any_critical_below"]:
            capped = True
    level = None
    if overall is not None:
        level = level_of(overall)
        if capped:
            level = min(level, gate["capped_level"])

    scored_caps = [{"id": c["id"], "dimensionId": d["id"], "score": c["score"]}
                   for d in dims for c in d["capabilities"] if c["score"] is not None]
    ranked = sort_desc(scored_caps, lambda c: c["score"])
    strengths = ranked[:3]
    weaknesses = list(reversed(ranked[3:]))[:3]

    entry = []
    if overall is not None:
        for di, (dim, d) in enumerate(zip(MODEL["dimensions"], dims)):
            for ci, (cap, c) in enumerate(zip(dim["capabilities"], d["capabilities"])):
                if c["score"] is None:
                    continue
                raised = min(100.0, c["score"] + 25)
                pairs = [(cc["weight"], raised if k == ci else r["score"])
                         for k, (cc, r) in enumerate(zip(dim["capabilities"], d["capabilities"]))
                         if r["score"] is not None]
                new_dims = [mean_of(pairs) if k == di else x["score"] for k, x in enumerate(dims)]
                _, new_overall = overall_from(new_dims, deduction)
                gain = new_overall - overall
                if gain <= TIE:
                    continue
                weak = [i for i in c["indicators"] if i["score"] is not None and i["score"] < 100]
                weak = sort_desc(weak, lambda i: -i["score"])[:2]
                kinds = {ind["id"]: ind["type"] for ind in cap["indicators"]}
                entry.append({
                    "capabilityId": c["id"], "dimensionId": d["id"], "score": c["score"],
                    "raisedScore": raised, "gain": gain,
                    "weakestIndicators": [{
                        "id": i["id"], "status": i["status"], "value": i["value"], "score": i["score"],
                        "level": i["value"] if kinds[i["id"]] == "maturity" and i["value"] is not None else None,
                        "nextLevel": i["value"] + 1 if kinds[i["id"]] == "maturity" and i["value"] is not None else None,
                    } for i in weak],
                })
    entry = sort_desc(entry, lambda e: e["gain"])[:3]
    return {
        "model": {"id": MODEL["model_id"], "version": MODEL["version"]},
        "overall": {"score": overall, "rawScore": raw, "deduction": deduction, "level": level, "capped": capped},
        "dimensions": dims, "strengths": strengths, "weaknesses": weaknesses, "entryPoints": entry,
    }


def bank(bank_id):
    return copy.deepcopy(next(b for b in BANKS if b["id"] == bank_id)["values"])


def scoring_cases():
    cases = [(f"demo bank {b['id']} ({b['peer_group']})", {"values": b["values"]}) for b in BANKS]

    def case(name, base, changes=None, drop=(), na=None):
        v = bank(base)
        v.update(changes or {})
        for k in drop:
            v.pop(k)
        inp = {"values": v}
        if na:
            inp["notApplicable"] = na
        cases.append((name, inp))

    case("missing non-critical values are left out", "CC2", drop=["app_mau_penetration", "tag_system"],
         changes={"churn_rate": None})
    case("not-applicable maturity indicators are left out", "CC2",
         drop=["genai_adoption", "privacy_computing"],
         na={"genai_adoption": "No GenAI use permitted by the regulator yet",
             "privacy_computing": "Single-entity bank, no inter-org data"})
    case("a missing critical indicator scores 0 and caps the level", "JS1", drop=["marketing_consent_coverage"])
    for p in (1, 2, 3, 4):
        case(f"{p} regulatory penalties deduct {min(15, 5 * p)} points", "JS1", {"data_penalties_24m": p})
    case("values beyond the bands clamp on both sides", "CC2",
         {"app_mau_penetration": 2, "digital_sales_share": 95, "journey_coverage": 100,
          "tech_spend_ratio": 0, "model_coverage": 99.5, "ab_test_share": 3})
    case("lower-is-better indicators inside and beyond the band", "RC2",
         {"churn_rate": 17.5, "release_lead_time": 200, "partner_onboarding_days": 3,
          "marketing_complaint_rate": 0.5})
    case("log bands on counts and durations", "RC2",
         {"open_api_count": 100, "realtime_trigger_latency": 60, "active_ecosystem_partners": 70,
          "fi_partners_served": 0, "optout_effective_hours": 12})
    case("negative growth and uplift score 0", "RC3",
         {"new_digital_customer_growth": -5.5, "campaign_conversion_uplift": -12})
    case("an insufficient capability is left out of its dimension", "CC3", drop=["insight_modeling"],
         na={"insight_modeling": "No analytics team yet"})
    case("present weight exactly 0.5 is still scored", "FB1", drop=["privacy_computing"])
    intelligent = [i["id"] for d, _, i in indicators() if d["id"] == "intelligent"]
    case("an insufficient dimension makes the overall score null", "SOE2", drop=intelligent)
    case("a high scorer with a critical indicator below 40 is capped at level 3", "PB1",
         {"optout_effective_hours": 100})
    case("a low scorer with a critical indicator below 40 keeps its level and says capped", "RC5",
         {"marketing_consent_coverage": 85})
    floor = {i["id"]: (1 if i["type"] == "maturity" else i["normalisation"]["floor"]) for _, _, i in indicators()}
    floor["data_penalties_24m"] = 3
    cases.append(("deduction larger than the raw score floors the overall at 0", {"values": floor}))
    top = {i["id"]: (5 if i["type"] == "maturity" else i["normalisation"]["target"]) for _, _, i in indicators()}
    cases.append(("every indicator at target scores 100 with no entry points", {"values": top}))
    cases.append(("no values at all", {"values": {}}))
    return [{"name": n, "input": inp, "expected": score(inp["values"], inp.get("notApplicable"))}
            for n, inp in cases]


# ---------------------------------------------------------------- peers

NATIONAL = ["large_state_owned", "joint_stock"]
REGIONAL = ["city_commercial", "rural_commercial"]


def r_quantiles(samples, probs):
    """R quantile(type = 7) for each sample (list of lists), or None without Rscript."""
    if not shutil.which("Rscript"):
        return None
    script = "probs <- c(%s)\n" % ",".join(repr(p) for p in probs)
    for s in samples:
        script += "cat(sprintf('%%.17g', quantile(c(%s), probs, type = 7, names = FALSE)), '\\n')\n" % (
            ",".join(repr(float(x)) for x in s))
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout
    return [[float(x) for x in line.split()] for line in out.strip().splitlines()]


def np_quantiles(samples, probs):
    return [[float(np.percentile(np.array(s, dtype=float), 100 * p, method="linear")) for p in probs]
            for s in samples]


def mid_rank(x, population, direction="higher_better"):
    sign = -1 if direction == "lower_better" else 1
    below = sum(1 for v in population if sign * v < sign * x)
    equal = sum(1 for v in population if v == x)
    return 100.0 * (below + 0.5 * equal) / len(population)


def members(group):
    if group == "all":
        return [g["id"] for g in MODEL["peer_groups"]]
    if group == "national":
        return NATIONAL
    if group == "regional":
        return REGIONAL
    return [group]


QUANT = {}  # tuple(sorted sample) -> [q10, q25, q50, q75, q90]
PROBS = [0.1, 0.25, 0.5, 0.75, 0.9]


def direction_of(ind):
    """The model's direction of a metric indicator; scores and maturity levels: higher is better."""
    for d in MODEL["dimensions"]:
        for c in d["capabilities"]:
            for i in c["indicators"]:
                if i["id"] == ind and i["type"] == "metric":
                    return i["direction"]
    return "higher_better"


def leaders_of(vals, direction):
    """The leading quarter's level: the upper quartile of the values turned so that higher is better."""
    sign = -1.0 if direction == "lower_better" else 1.0
    return sign * float(np.percentile([sign * v for v in vals], 75, method="linear"))


def summary(rows, group, direction="higher_better"):
    k_min = MODEL["peer_statistics"]["k_min"]
    tried, at = [], group
    while True:
        vals = [r["value"] for r in rows if r["peerGroup"] in members(at) and r["value"] is not None]
        tried.append({"group": at, "n": len(vals)})
        if len(vals) >= k_min:
            break
        if at == "all":
            return {"requestedGroup": group, "group": None, "reason": "TOO_FEW_BANKS", "tried": tried,
                    "n": 0, "q1": None, "median": None, "q3": None, "p10": None, "p90": None,
                    "direction": direction, "leaders": None}
        at = MODEL["fallback_groups"][at]
    q = QUANT[tuple(sorted(vals))]
    deciles = len(vals) >= MODEL["peer_statistics"]["k_deciles"]
    return {"requestedGroup": group, "group": at, "reason": "OWN_GROUP" if at == group else "FALLBACK",
            "tried": tried, "n": len(vals), "q1": q[1], "median": q[2], "q3": q[3],
            "p10": q[0] if deciles else None, "p90": q[4] if deciles else None,
            "direction": direction, "leaders": leaders_of(vals, direction)}


def peers_cases():
    samples = {
        "a single value": [42.0],
        "two values": [10.0, 20.0],
        "five unsorted values": [7.5, 1.0, 3.25, 9.0, 4.0],
        "ties": [3.0, 3.0, 3.0, 5.0, 8.0, 8.0],
        "ten values": [12.1, 55.0, 31.4, 8.0, 99.9, 47.2, 63.3, 20.0, 71.8, 40.5],
        "negative and fractional": [-5.5, -1.25, 0.0, 2.75, 3.1, 12.0, 0.001],
    }
    rows_by_indicator = {
        ind: [{"bankId": b["id"], "peerGroup": b["peer_group"], "value": b["values"].get(ind)} for b in BANKS]
        for ind in ["app_mau_penetration", "churn_rate", "fi_partners_served", "tag_system",
                    "realtime_trigger_latency"]
    }
    overall = {b["id"]: score(b["values"]) ["overall"] for b in BANKS}
    rows_by_indicator["overall score"] = [
        {"bankId": b["id"], "peerGroup": b["peer_group"], "value": overall[b["id"]]["score"]} for b in BANKS]
    sparse = [dict(r) for r in rows_by_indicator["app_mau_penetration"]]
    for r in sparse:
        if r["peerGroup"] != "city_commercial":
            r["value"] = None
    sparse[6]["value"] = None  # CC1: city_commercial falls to 4, regional to 4, all to 4
    rows_by_indicator["too few banks anywhere"] = sparse

    # every sample whose quantiles are needed, then one R run
    need = [sorted(s) for s in samples.values()]
    for rows in rows_by_indicator.values():
        for g in [g["id"] for g in MODEL["peer_groups"]] + ["national", "regional", "all"]:
            vals = sorted(r["value"] for r in rows if r["peerGroup"] in members(g) and r["value"] is not None)
            if vals:
                need.append(vals)
    r = r_quantiles(need, PROBS)
    n = np_quantiles(need, PROBS)
    if r is not None:
        assert all(abs(a - b) <= 1e-12 * max(1, abs(a)) for ra, na in zip(r, n) for a, b in zip(ra, na))
    for s, q in zip(need, r if r is not None else n):
        QUANT[tuple(s)] = q
    source = "R quantile(type = 7) via Rscript" if r is not None else "numpy percentile(method='linear')"

    cases = []
    for name, s in samples.items():
        q = QUANT[tuple(sorted(s))]
        cases.append({"name": f"type-7 quantiles: {name}", "input": {"kind": "quantiles", "values": s},
                      "expected": {"p10": q[0], "q1": q[1], "median": q[2], "q3": q[3], "p90": q[4]}})
    pops = [("mid-rank percentile with ties", [3, 3, 3, 5, 8, 8], [3, 5, 8, 4, 0, 9], "higher_better"),
            ("mid-rank percentile, lower is better", [8.0, 12.5, 5.1, 20.0, 12.5], [5.1, 12.5, 20.0, 10],
             "lower_better")]
    for name, pop, xs, direction in pops:
        for x in xs:
            cases.append({"name": f"{name}: {x}",
                          "input": {"kind": "percentile", "value": x, "population": pop, "direction": direction},
                          "expected": mid_rank(x, pop, direction)})
    for ind, rows in rows_by_indicator.items():
        for g in ["large_state_owned", "joint_stock", "city_commercial", "rural_commercial", "foreign",
                  "private_internet", "national", "all"]:
            direction = direction_of(ind)
            cases.append({"name": f"peer summary of {ind} for {g}",
                          "input": {"kind": "summary", "rows": rows, "group": g, "direction": direction},
                          "expected": summary(rows, g, direction)})
    champ_rows = [{"bankId": b["id"], "score": overall[b["id"]]["score"], "level": overall[b["id"]]["level"]}
                  for b in BANKS]
    scores = [c["score"] for c in champ_rows]
    cases.append({"name": "champions of the 20 demo banks", "input": {"kind": "champions", "rows": champ_rows},
                  "expected": [c["bankId"] for c in champ_rows
                               if mid_rank(c["score"], scores) >= 90 and c["level"] >= 4]})
    cases.append({"name": "no champions in a group under 10 banks",
                  "input": {"kind": "champions", "rows": champ_rows[:9]}, "expected": []})
    demoted = [dict(c) for c in champ_rows]
    demoted[-2]["level"] = 3  # PB1: top decile but level 3 after a cap
    cases.append({"name": "a top-decile bank below level 4 is no champion",
                  "input": {"kind": "champions", "rows": demoted},
                  "expected": [c["bankId"] for c in demoted if mid_rank(c["score"], scores) >= 90 and c["level"] >= 4]})
    return source, cases


def write(name, source, cases):
    path = os.path.join(LENS, "testdata", name)
    doc = {"metadata": {"source": source, "generated": datetime.date.today().isoformat(),
                        "model": f"{MODEL['model_id']} {MODEL['version']}"}, "cases": cases}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}: {len(cases)} cases")


if __name__ == "__main__":
    write("scoring.json", "tools/gen_lens_fixtures.py: independent Python implementation of PRODUCT.md "
          "lens rules 1-7 (strengths/weaknesses/entry-point definitions as in lib/lens/insights.ts JSDoc)",
          scoring_cases())
    q_source, p_cases = peers_cases()
    write("peers.json", f"tools/gen_lens_fixtures.py; quantiles: {q_source}; mid-rank percentile "
          "100*(below + 0.5*equal)/n in Python", p_cases)
