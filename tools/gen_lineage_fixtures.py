#!/usr/bin/env python3
"""Reference fixtures for lib/experiments/lineage.ts, written from PRODUCT.md and the lineage
rules rather than from the TypeScript.

Run from the repository root:  python3 tools/gen_lineage_fixtures.py && deno fmt lib/experiments/testdata
Writes lib/experiments/testdata/{lineage,lineage_program}.json. Deterministic.

- Step lift of a decided iteration: r = p_w / p_0 - 1 (winner over the first arm), log-ratio
  interval exp(ln(p_w/p_0) +- z sqrt(v)) - 1 with v = (1 - p_w)/(n_w p_w) + (1 - p_0)/(n_0 p_0) and
  z = scipy.stats.norm.ppf(1 - alpha/2); never below -100 %. A winner equal to the control: lift 0,
  no interval; a winner without conversions: no log-ratio, no interval.
- Compounded lift: prod(1 + r_i) - 1, interval exp(sum ln(1 + r_i) +- z sqrt(sum var_i/(1 + r_i)^2)) - 1.
- Both variances are cross-checked against the delta method done numerically: the gradient of
  p -> ln(p_w/p_0) and of p -> sum ln(p_w,i / p_0,i) by central differences, times the diagonal
  covariance of the rates (the script stops if they disagree by more than 1e-6 relative).
- Chain: only iterations linked by promotion (parentKey) compound. From each root (no parent among
  the iterations) follow the promoted child (the first by iteration number); the longest chain is
  the chain, ties to the earliest root. Every other iteration is listed under "standalone" with its
  own step lift and no compounded lift.
- Program: 100 x tested campaigns / campaigns, and 100 x numpy.median of the known lifts.
"""
import datetime
import json
import math
import pathlib

import numpy as np
import scipy
from scipy import stats

OUT = pathlib.Path("lib/experiments/testdata")
GENERATED = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
SOURCE = f"tools/gen_lineage_fixtures.py (scipy {scipy.__version__}, numpy {np.__version__})"


def close(a, b, rel=1e-6):
    assert abs(a - b) <= rel * max(abs(a), abs(b), 1e-300), (a, b)


def numeric_variance(f, rates, ns):
    """Delta method with a central-difference gradient: sum_j (df/dp_j)^2 p_j(1 - p_j)/n_j."""
    total = 0.0
    for j, (p, n) in enumerate(zip(rates, ns)):
        h = 1e-6 * p
        up, down = list(rates), list(rates)
        up[j], down[j] = p + h, p - h
        grad = (f(up) - f(down)) / (2 * h)
        total += grad * grad * p * (1 - p) / n
    return total


def step(arms, winner, z):
    """(result, lift, se, rates, ns) of one decided iteration; se None when unknown."""
    control = arms[0]
    rate = lambda a: a["conversions"] / a["users"] if a and a["users"] > 0 else None
    won = next((a for a in arms if a["variant"] == winner), None)
    result = {"controlRate": rate(control), "winnerRate": rate(won)}
    if won is None:
        return {**result, "outcome": "promoted", "lift": None, "ci": None, "reasons": ["UNKNOWN_WINNER"]}, None, None
    if won is control:
        return {**result, "outcome": "kept_control", "lift": 0.0, "ci": None, "reasons": []}, 0.0, 0.0
    n0, n1 = control["users"], won["users"]
    if n0 == 0 or n1 == 0:
        return {**result, "outcome": "promoted", "lift": None, "ci": None, "reasons": ["NOT_ENOUGH_DATA"]}, None, None
    p0, p1 = control["conversions"] / n0, won["conversions"] / n1
    if p0 == 0:
        return {**result, "outcome": "promoted", "lift": None, "ci": None, "reasons": ["BASELINE_ZERO"]}, None, None
    lift = p1 / p0 - 1
    logvar = (1 - p1) / (n1 * p1) + (1 - p0) / (n0 * p0) if p1 > 0 else 0.0
    if logvar == 0:
        return {**result, "outcome": "promoted", "lift": lift, "ci": None, "reasons": ["ZERO_VARIANCE"]}, lift, None
    if 0 < p1 < 1 and p0 < 1:
        close(logvar, numeric_variance(lambda p: math.log(p[1] / p[0]), [p0, p1], [n0, n1]))
    half = z * math.sqrt(logvar)
    centre = math.log(p1 / p0)
    # se of r on the log scale's terms: compound() divides it by (1 + r) again.
    se = (1 + lift) * math.sqrt(logvar)
    return {**result, "outcome": "promoted", "lift": lift,
            "ci": [math.exp(centre - half) - 1, math.exp(centre + half) - 1], "reasons": []}, lift, se


def compound(done, z):
    """done: list of (lift, se, (p0, n0, p1, n1) or None)."""
    k = len(done)
    if k == 0:
        return {"decidedSteps": 0, "lift": None, "ci": None, "reasons": ["NO_DECIDED_STEP"]}
    if any(lift is None for lift, _, _ in done):
        return {"decidedSteps": k, "lift": None, "ci": None, "reasons": ["STEP_WITHOUT_LIFT"]}
    factor = math.prod(1 + lift for lift, _, _ in done)
    if any(se is None or 1 + lift <= 0 for lift, se, _ in done):
        return {"decidedSteps": k, "lift": factor - 1, "ci": None, "reasons": ["ZERO_VARIANCE"]}
    logvar = sum((se / (1 + lift)) ** 2 for lift, se, _ in done)
    promoted = [r for _, _, r in done if r is not None]
    if promoted and all(0 < p < 1 for r in promoted for p in (r[0], r[2])):
        rates = [p for r in promoted for p in (r[0], r[2])]
        ns = [n for r in promoted for n in (r[1], r[3])]
        log_ratio = lambda p: sum(math.log(p[2 * i + 1] / p[2 * i]) for i in range(len(promoted)))
        close(logvar, numeric_variance(log_ratio, rates, ns))
    half = z * math.sqrt(logvar)
    centre = math.log(factor)
    return {"decidedSteps": k, "lift": factor - 1,
            "ci": [math.exp(centre - half) - 1, math.exp(centre + half) - 1], "reasons": []}


def chain_of(ordered):
    keys = {i["key"] for i in ordered}
    child = {}
    for i in ordered:
        if i["parentKey"] in keys:
            child.setdefault(i["parentKey"], i)
    chains = []
    for root in ordered:
        if root["parentKey"] in keys:
            continue
        chain = [root]
        while chain[-1]["key"] in child and child[chain[-1]["key"]] not in chain:
            chain.append(child[chain[-1]["key"]])
        chains.append(chain)
    return max(chains, key=len) if chains else []  # max keeps the first of equal lengths


def lineage(iterations, alpha):
    z = stats.norm.ppf(1 - alpha / 2)
    ordered = sorted(iterations, key=lambda i: i["iteration"])
    chain = chain_of(ordered)
    standalone = []
    for it in ordered:
        if any(it is c for c in chain):
            continue
        entry = {"key": it["key"], "control": it["arms"][0]["variant"] if it["arms"] else None,
                 "users": sum(a["users"] for a in it["arms"]), "result": None, "compounded": None,
                 "winner": None}
        if it["status"] == "decided":
            entry.update(winner=it["winnerVariant"], result=step(it["arms"], it["winnerVariant"], z)[0])
        standalone.append(entry)
    done, steps, series = [], [], []
    for it in chain:
        entry = {"key": it["key"], "control": it["arms"][0]["variant"] if it["arms"] else None,
                 "users": sum(a["users"] for a in it["arms"]), "result": None, "compounded": None,
                 "winner": None}
        if it["status"] == "decided":
            result, lift, se = step(it["arms"], it["winnerVariant"], z)
            rates = None
            won = next((a for a in it["arms"] if a["variant"] == it["winnerVariant"]), None)
            if result["outcome"] == "promoted" and se is not None:
                c = it["arms"][0]
                rates = (c["conversions"] / c["users"], c["users"], won["conversions"] / won["users"], won["users"])
            done.append((lift, se, rates))
            entry.update(winner=it["winnerVariant"], result=result, compounded=compound(done, z))
            cmp = entry["compounded"]
            series.append({"iteration": it["iteration"], "lift": cmp["lift"],
                           "lower": cmp["ci"][0] if cmp["ci"] else None,
                           "upper": cmp["ci"][1] if cmp["ci"] else None})
        steps.append(entry)
    if series:
        series.insert(0, {"iteration": 0, "lift": 0.0, "lower": 0.0, "upper": 0.0})
    return {"confidence": 1 - alpha, "steps": steps, "standalone": standalone,
            "compounded": compound(done, z), "series": series}


def arms(*spec):
    return [{"variant": v, "users": n, "conversions": c} for v, n, c in spec]


def it(key, iteration, status, winner, arm_list, mode="ab", parent=None):
    return {"key": key, "name": key, "iteration": iteration, "mode": mode, "status": status,
            "winnerVariant": winner, "parentKey": parent, "arms": arm_list}


def linked(iteration, parent):
    return {**iteration, "parentKey": parent}


def lineage_cases():
    two = [
        it("w1", 1, "decided", "personal", arms(("control", 20000, 400), ("personal", 20000, 520))),
        it("w2", 2, "decided", "coupon", arms(("personal", 25000, 613), ("coupon", 25000, 725)), parent="w1"),
    ]
    return [
        ("two promoted steps", two, 0.05),
        ("two promoted steps and a draft third", two + [it("w3", 3, "draft", None, arms(("coupon", 0, 0), ("evening", 0, 0)), parent="w2")], 0.05),
        ("iterations given out of order", [two[1], two[0]], 0.05),
        ("one step", [two[0]], 0.05),
        ("one step at alpha 0.1", [two[0]], 0.1),
        ("a kept control in the middle", [
            two[0],
            it("k2", 2, "decided", "personal", arms(("personal", 18000, 470), ("emoji", 18000, 455)), parent="w1"),
            it("k3", 3, "decided", "short", arms(("personal", 30000, 780), ("short", 30000, 870)), parent="k2"),
        ], 0.05),
        ("only a kept control", [it("k1", 1, "decided", "control", arms(("control", 5000, 100), ("b", 5000, 90)))], 0.05),
        ("unequal arms, three challengers, the second wins", [
            it("u1", 1, "decided", "b", arms(("a", 9000, 270), ("x", 3000, 95), ("b", 3100, 121), ("c", 2900, 80))),
        ], 0.05),
        ("running and stopped iterations do not compound", [
            two[0],
            it("r2", 2, "stopped", None, arms(("personal", 4000, 100), ("late", 4000, 130)), parent="w1"),
            it("r3", 3, "running", None, arms(("personal", 1000, 30), ("night", 1000, 20)), parent="r2"),
        ], 0.05),
        ("an experiment made on its own in the campaign stands alone", two + [
            it("repay-bandit-v1", 3, "decided", "红包", arms(("plain", 3000, 60), ("红包", 9000, 400), ("短信", 2000, 41)), mode="bandit"),
            it("r4", 4, "running", None, arms(("plain", 500, 9), ("night", 500, 12))),
        ], 0.05),
        ("the longer of two chains is the chain", [
            it("a1", 1, "decided", "b", arms(("a", 5000, 150), ("b", 5000, 190))),
            it("b1", 2, "decided", "c", arms(("a", 6000, 150), ("c", 6000, 170))),
            it("b2", 3, "decided", "d", arms(("c", 7000, 200), ("d", 7000, 240)), parent="b1"),
        ], 0.05),
        ("two unlinked iterations: the earlier one is the chain", [
            it("e2", 2, "decided", "b", arms(("a", 5000, 150), ("b", 5000, 190))),
            it("e1", 1, "decided", "b", arms(("a", 4000, 100), ("b", 4000, 130))),
        ], 0.05),
        ("a bandit step", [
            two[0],
            it("b2", 2, "decided", "arm3", arms(("personal", 3000, 78), ("arm2", 1200, 30), ("arm3", 14000, 420)), mode="bandit", parent="w1"),
        ], 0.05),
        ("a winner that lost ground", [
            it("n1", 1, "decided", "b", arms(("a", 10000, 300), ("b", 10000, 285))),
            linked(two[1], "n1"),
        ], 0.05),
        ("a zero baseline breaks the product", [
            it("z1", 1, "decided", "b", arms(("a", 800, 0), ("b", 800, 12))),
            linked(two[1], "z1"),
        ], 0.05),
        ("a winner with no conversions", [it("z2", 1, "decided", "b", arms(("a", 1000, 30), ("b", 1000, 0)))], 0.05),
        ("a winner with no users", [it("z3", 1, "decided", "b", arms(("a", 1000, 30), ("b", 0, 0)))], 0.05),
        ("an unknown winner", [it("z4", 1, "decided", "gone", arms(("a", 1000, 30), ("b", 1000, 40))), linked(two[1], "z4")], 0.05),
        ("very large n", [
            it("l1", 1, "decided", "b", arms(("a", 10_000_000, 200_000), ("b", 10_000_000, 203_000))),
            it("l2", 2, "decided", "c", arms(("b", 12_000_000, 243_000), ("c", 11_000_000, 224_000)), parent="l1"),
        ], 0.05),
        ("six steps", [
            it(f"s{i}", i, "decided", "v", arms(("c", 10000 + 500 * i, 200 + 10 * i), ("v", 10000 + 400 * i, 230 + 9 * i)),
               parent=f"s{i - 1}" if i > 1 else None)
            for i in range(1, 7)
        ], 0.05),
        ("no decided step", [it("d1", 1, "draft", None, arms(("a", 0, 0), ("b", 0, 0)))], 0.05),
        ("an empty chain", [], 0.05),
    ]


def program_cases():
    specs = [
        ("typical", 4, 3, [0.3, 0.184, 0.0, 0.12]),
        ("odd count", 2, 2, [0.05, -0.02, 0.4]),
        ("kept controls count as 0", 3, 1, [0.0, 0.0, 0.25]),
        ("unknown lifts are left out", 5, 2, [None, 0.1, None, 0.3]),
        ("only unknown lifts", 2, 1, [None]),
        ("campaigns but no decided test", 3, 0, []),
        ("no campaigns", 0, 0, []),
        ("one lift", 1, 1, [0.07]),
    ]
    cases = []
    for name, campaigns, tested, lifts in specs:
        known = [x for x in lifts if x is not None]
        cases.append({
            "name": name,
            "input": {"campaigns": campaigns, "testedCampaigns": tested, "decidedLifts": lifts},
            "expected": {
                "abTestShare": 100 * tested / campaigns if campaigns else None,
                "medianUplift": 100 * float(np.median(known)) if known else None,
                "liftsCounted": len(known),
            },
        })
    return cases


def write(file, what, cases):
    meta = {"source": f"{SOURCE}: {what}", "generated": GENERATED}
    (OUT / file).write_text(json.dumps({"metadata": meta, "cases": cases}, indent=1, ensure_ascii=False) + "\n")
    print("wrote", file, len(cases), "cases")


def main():
    cases = [{"name": name, "input": {"alpha": alpha, "iterations": its}, "expected": lineage(its, alpha)}
             for name, its, alpha in lineage_cases()]
    write("lineage.json", "step lifts (delta method), compounded lift (log-scale delta method)", cases)
    write("lineage_program.json", "ab_test_share and median uplift (numpy.median)", program_cases())


if __name__ == "__main__":
    main()
