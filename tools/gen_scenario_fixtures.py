#!/usr/bin/env python3
"""Reference fixtures for lib/lens/scenarios.ts: the independent Python lens scorer of
tools/gen_lens_fixtures.py, extended for weights. A scenario's weights replace the model's
dimension weights (share of the overall) and capability weights (share of the dimension) where
given; each level is renormalised to sum 1; indicator weights and every other rule are the
model's. A dimension is the weighted mean of its scored capabilities of positive weight.

The extension builds a copy of the model with the scenario's weights and runs the same
score() of gen_lens_fixtures.py on it (which was written from PRODUCT.md, not from the
TypeScript), so official and scenario scores come from one implementation.

Writes lib/lens/testdata/scenarios.json. Run from the repository root:
    python3 tools/gen_scenario_fixtures.py
"""

import copy
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_lens_fixtures as lens  # noqa: E402

OFFICIAL = copy.deepcopy(lens.MODEL)

SCENARIOS = {
    "equal": {"dimensions": {"digital": 1, "intelligent": 1, "open": 1}},
    "retail_first": {
        "dimensions": {"digital": 0.5, "intelligent": 0.3, "open": 0.2},
        "capabilities": {"digital_channels": 0.3, "user_lifecycle": 0.3, "org_talent_spend": 0.05,
                         "intelligent_marketing": 0.4, "intelligent_risk": 0.05,
                         "scene_ecosystem": 0.4, "interorg_collaboration": 0.1},
    },
    "open_first": {
        "dimensions": {"digital": 0.3, "intelligent": 0.3, "open": 0.4},
        "capabilities": {"open_platform": 0.35, "scene_ecosystem": 0.35, "interorg_collaboration": 0.15},
    },
}


def weighted_model(weights):
    """The model with the scenario's weights where given, each level renormalised to 1."""
    model = copy.deepcopy(OFFICIAL)
    dims = weights.get("dimensions", {})
    caps = weights.get("capabilities", {})
    for d in model["dimensions"]:
        d["weight"] = float(dims.get(d["id"], d["weight"]))
        for c in d["capabilities"]:
            c["weight"] = float(caps.get(c["id"], c["weight"]))
        total = sum(c["weight"] for c in d["capabilities"])
        for c in d["capabilities"]:
            c["weight"] /= total
    total = sum(d["weight"] for d in model["dimensions"])
    for d in model["dimensions"]:
        d["weight"] /= total
    return model


MEAN_OF = lens.mean_of


def positive_mean(pairs):
    """Weighted mean over the pairs of positive weight; None when there are none."""
    pairs = [(w, x) for w, x in pairs if w > 0]
    return MEAN_OF(pairs) if pairs else None


def score_with(values, na, weights):
    """Scores with the weighted model; weighted means count only pairs of positive weight, so a
    capability of weight 0 drops out and a dimension whose scored capabilities all weigh 0 is null."""
    model = weighted_model(weights)
    lens.MODEL = model
    lens.mean_of = positive_mean
    try:
        result = lens.score(values, na)
    finally:
        lens.MODEL = OFFICIAL
        lens.mean_of = MEAN_OF
    dims = [{"id": d["id"], "score": d["score"]} for d in result["dimensions"]]
    return {
        "weights": {
            "dimensions": [d["weight"] for d in model["dimensions"]],
            "capabilities": [[c["weight"] for c in d["capabilities"]] for d in model["dimensions"]],
        },
        "dimensions": dims,
        "overall": result["overall"],
    }


def cases():
    out = []
    for b in lens.BANKS:
        for sid, w in SCENARIOS.items():
            out.append((f"{sid}: demo bank {b['id']}", {"values": b["values"]}, w))
    cc2 = lens.bank("CC2")
    out.append(("official weights given explicitly reproduce the official score", {"values": cc2},
                {"dimensions": {d["id"]: d["weight"] for d in OFFICIAL["dimensions"]}}))
    out.append(("unnormalised weights (percent) are normalised", {"values": cc2},
                {"dimensions": {"digital": 50, "intelligent": 30, "open": 20},
                 "capabilities": {"digital_channels": 40, "data_foundation": 10}}))
    out.append(("a capability of weight 0 drops out of its dimension", {"values": cc2},
                {"capabilities": {"data_foundation": 0, "customer_insight": 0}}))
    out.append(("a dimension of weight 0 still needs a score (overall as the model rules)", {"values": cc2},
                {"dimensions": {"open": 0}}))
    js1 = lens.bank("JS1")
    js1["data_penalties_24m"] = 2
    out.append(("the deduction stays the official one", {"values": js1}, SCENARIOS["retail_first"]))
    pb1 = lens.bank("PB1")
    pb1["optout_effective_hours"] = 100
    out.append(("the compliance cap stays: level at most 3", {"values": pb1}, SCENARIOS["open_first"]))
    cc3 = lens.bank("CC3")
    cc3.pop("insight_modeling")
    out.append(("an insufficient capability stays out", {"values": cc3,
                "notApplicable": {"insight_modeling": "No analytics team yet"}}, SCENARIOS["retail_first"]))
    soe2 = lens.bank("SOE2")
    for _, _, ind in lens.indicators():
        if ind["id"] in ("insight_modeling", "user_profile_completeness") and ind["id"] in soe2:
            soe2.pop(ind["id"])
    out.append(("only the weighted capability of a dimension is insufficient → dimension null", {"values": soe2},
                {"capabilities": {"customer_insight": 1, "intelligent_marketing": 0, "intelligent_service": 0,
                                  "intelligent_risk": 0, "closed_loop": 0}}))
    return [{"name": n, "input": {**inp, "weights": w},
             "expected": score_with(inp["values"], inp.get("notApplicable"), w)} for n, inp, w in out]


if __name__ == "__main__":
    path = os.path.join(lens.LENS, "testdata", "scenarios.json")
    doc = {"metadata": {"source": "tools/gen_scenario_fixtures.py: the independent Python scorer of "
                        "tools/gen_lens_fixtures.py run on the model with the scenario's weights "
                        "(given weights replace the model's, each level renormalised)",
                        "generated": datetime.date.today().isoformat(),
                        "model": f"{OFFICIAL['model_id']} {OFFICIAL['version']}"},
           "cases": cases()}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}: {len(doc['cases'])} cases")
