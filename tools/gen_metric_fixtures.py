#!/usr/bin/env python3
"""Reference fixtures for the metric library's statistics (lib/metrics/analysis.ts,
lib/stats/ratio.ts, lib/stats/bh.ts) and its end-to-end test (tests/metric_results_test.ts),
written from the methods as docs/STATISTICS.md states them, not from the TypeScript.

Run from the repository root:
    python3 tools/gen_metric_fixtures.py && deno fmt lib/metrics/testdata
Writes lib/metrics/testdata/{bh,metrics,e2e}.json. Deterministic (numpy Generator, fixed seed).

Independent references:
- BH: scipy.stats.false_discovery_control(method="bh") (= R p.adjust(method = "BH")); the
  interval level R*alpha/m (Benjamini & Yekutieli 2005) from the count of rejections.
- Proportions: pooled two-sample z-test; its p-value is scipy.stats.chi2_contingency(correction
  = False) on the 2x2 table (z^2 = X^2), cross-checked here.
- Means: scipy.stats.ttest_ind(equal_var=False) (Welch) with its confidence_interval; caps are
  numpy.quantile(method="linear") (= PostgreSQL percentile_cont) of all customers' values, then
  numpy.minimum (winsorizing from above). Relative interval: Fieller's interval of mean1/mean0
  (numpy.roots of the quadratic) with the Welch t critical value, as (rho - 1) for a positive
  control mean, (1 - rho) for a negative one.
- Ratios: per-customer numerator x and denominator y; R = sum x / sum y; delta-method variance
  (s_x^2 - 2 R s_xy + R^2 s_y^2) / (n * ybar^2) with numpy.cov(ddof=1); Wald z with
  scipy.stats.norm; Fieller for the relative interval with the same critical value.
- Holm by its definition (primary metric and each guardrail over the challengers), intervals at
  each row's Holm step level.
"""
import datetime
import json
import math
import pathlib

import numpy as np
import scipy
from scipy import stats

OUT = pathlib.Path("lib/metrics/testdata")
GENERATED = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
SOURCE = f"tools/gen_metric_fixtures.py (scipy {scipy.__version__}, numpy {np.__version__})"
RNG = np.random.default_rng(20261130)


def meta():
    return {"source": SOURCE, "generated": GENERATED}


def fl(x):
    return None if x is None else float(x)


# ---- multiplicity ------------------------------------------------------------------------------


def bh(p):
    """BH-adjusted p (None kept) by scipy."""
    idx = [i for i, v in enumerate(p) if v is not None]
    out = [None] * len(p)
    if idx:
        adj = stats.false_discovery_control([p[i] for i in idx], method="bh")
        for i, a in zip(idx, adj):
            out[i] = float(min(1.0, a))
    return out


def bh_own(p):
    """BH by the step-up definition, to cross-check scipy."""
    idx = sorted([i for i, v in enumerate(p) if v is not None], key=lambda i: p[i])
    m = len(idx)
    out = [None] * len(p)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        i = idx[rank]
        running = min(running, min(1.0, m * p[i] / (rank + 1)))
        out[i] = running
    return out


def bh_level(p, alpha):
    adj = [a for a in bh(p) if a is not None]
    if not adj:
        return None
    r = sum(1 for a in adj if a < alpha)
    return max(1, r) * alpha / len(adj)


def holm(p):
    idx = sorted([i for i, v in enumerate(p) if v is not None], key=lambda i: p[i])
    m = len(idx)
    out = [None] * len(p)
    running = 0.0
    for rank, i in enumerate(idx):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


def holm_levels(p, alpha):
    idx = sorted([i for i, v in enumerate(p) if v is not None], key=lambda i: p[i])
    m = len(idx)
    out = [None] * len(p)
    failed = None
    for rank, i in enumerate(idx):
        if failed is None and not (min(1.0, (m - rank) * p[i]) < alpha):
            failed = alpha / (m - rank)
        out[i] = failed if failed is not None else alpha / (m - rank)
    return out


# ---- tests -------------------------------------------------------------------------------------


def fieller_relative(m0, v0, m1, v1, c):
    """{rho : |m1 - rho m0| <= c sqrt(v1 + rho^2 v0)} via numpy.roots; as a relative interval."""
    a = m0 * m0 - c * c * v0
    if not a > 0:
        return None
    b = -2 * m0 * m1
    cc = m1 * m1 - c * c * v1
    roots = np.sort(np.real(np.roots([a, b, cc])))
    if len(roots) != 2 or roots[1] - roots[0] <= 0:
        return None
    lo, hi = float(roots[0]), float(roots[1])
    return [lo - 1, hi - 1] if m0 > 0 else [1 - hi, 1 - lo]


def proportion_test(x0, x1):
    n0, n1 = len(x0), len(x1)
    c0, c1 = int(np.sum(x0)), int(np.sum(x1))
    p0, p1 = c0 / n0, c1 / n1
    pooled = (c0 + c1) / (n0 + n1)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1))
    z = (p1 - p0) / se
    p = 2 * stats.norm.sf(abs(z))
    chi2, p_chi, _, _ = stats.chi2_contingency([[c1, n1 - c1], [c0, n0 - c0]], correction=False)
    assert abs(p_chi - p) < 1e-9 * max(1e-300, p) + 1e-15, (p, p_chi)
    assert abs(chi2 - z * z) < 1e-8 * z * z + 1e-12
    return {
        "absoluteLift": p1 - p0,
        "relativeLift": p1 / p0 - 1 if p0 > 0 else None,
        "pValue": float(p),
        "zScore": z,
    }


def welch_test(x0, x1, level):
    res = stats.ttest_ind(x1, x0, equal_var=False)
    ci = res.confidence_interval(confidence_level=1 - level)
    m0, m1 = float(np.mean(x0)), float(np.mean(x1))
    v0, v1 = float(np.var(x0, ddof=1)) / len(x0), float(np.var(x1, ddof=1)) / len(x1)
    c = float(stats.t.ppf(1 - level / 2, res.df))
    return {
        "absoluteLift": m1 - m0,
        "relativeLift": (m1 - m0) / abs(m0) if m0 != 0 else None,
        "pValue": float(res.pvalue),
        "tStatistic": float(res.statistic),
        "df": float(res.df),
        "ci": [float(ci.low), float(ci.high)],
        "relativeCi": fieller_relative(m0, v0, m1, v1, c) if m0 != 0 else None,
    }


def ratio_estimate(x, y):
    n = len(x)
    r = np.sum(x) / np.sum(y)
    cov = np.cov(np.vstack([x, y]), ddof=1)
    var = (cov[0, 0] - 2 * r * cov[0, 1] + r * r * cov[1, 1]) / (n * np.mean(y) ** 2)
    return float(r), float(var)


def ratio_test(a0, a1, level):
    r0, v0 = ratio_estimate(*a0)
    r1, v1 = ratio_estimate(*a1)
    se = math.sqrt(v0 + v1)
    lift = r1 - r0
    z = lift / se
    c = float(stats.norm.ppf(1 - level / 2))
    return {
        "absoluteLift": lift,
        "relativeLift": lift / abs(r0) if r0 != 0 else None,
        "pValue": float(2 * stats.norm.sf(abs(z))),
        "zScore": z,
        "ci": [lift - c * se, lift + c * se],
        "relativeCi": fieller_relative(r0, v0, r1, v1, c) if r0 != 0 else None,
        "variances": [v0, v1],
    }


# ---- metrics of one experiment -----------------------------------------------------------------


def arm_summary(kind, data):
    """Per-arm figures and the sums the TypeScript test feeds in."""
    if kind == "ratio":
        x, y = data
        return {
            "units": len(x),
            "mean": float(np.sum(x) / np.sum(y)),
            "numerator": float(np.sum(x)),
            "denominator": float(np.sum(y)),
        }
    x = data
    out = {"units": len(x), "mean": float(np.mean(x))}
    if kind == "mean":
        out["sd"] = float(np.std(x, ddof=1))
    else:
        out["count"] = int(np.sum(x))
    return out


def analyse(metrics, alpha):
    """Expected results of metrics = [{key, role, kind, direction, arms: [data per arm]}]."""
    first = []
    for m in metrics:
        k = len(m["arms"]) - 1
        ps = []
        for i in range(k):
            if m["kind"] == "proportion":
                ps.append(proportion_test(m["arms"][0], m["arms"][i + 1])["pValue"])
            elif m["kind"] == "mean":
                ps.append(welch_test(m["arms"][0], m["arms"][i + 1], alpha)["pValue"])
            else:
                ps.append(ratio_test(m["arms"][0], m["arms"][i + 1], alpha)["pValue"])
        first.append(ps)
    secondary = [p for m, ps in zip(metrics, first) if m["role"] == "secondary" for p in ps]
    bh_adj = bh(secondary)
    own = bh_own(secondary)
    for a, b in zip(bh_adj, own):
        assert abs(a - b) < 1e-12, (a, b)
    bh_at = bh_level(secondary, alpha) or alpha
    offset = 0
    results = []
    for m, ps in zip(metrics, first):
        if m["role"] == "secondary":
            adj = bh_adj[offset:offset + len(ps)]
            offset += len(ps)
            levels = [bh_at] * len(ps)
            correction = "bh"
        else:
            adj = holm(ps)
            levels = holm_levels(ps, alpha)
            correction = "holm"
        sign = -1 if m["direction"] == "lower_is_better" else 1
        comps = []
        for i, p in enumerate(ps):
            level = levels[i]
            a0, a1 = m["arms"][0], m["arms"][i + 1]
            if m["kind"] == "proportion":
                t = proportion_test(a0, a1)
            elif m["kind"] == "mean":
                t = welch_test(a0, a1, level)
            else:
                t = ratio_test(a0, a1, level)
            significant = adj[i] < alpha
            comps.append({
                "absoluteLift": t["absoluteLift"],
                "relativeLift": t["relativeLift"],
                "pValue": p,
                "adjustedPValue": adj[i],
                "ciLevel": 1 - level,
                "significant": bool(significant),
                "better": bool(significant and sign * t["absoluteLift"] > 0),
                "worse": bool(significant and sign * t["absoluteLift"] < 0),
                **({"ci": t["ci"], "relativeCi": t["relativeCi"]} if m["kind"] != "proportion" else {}),
            })
        result = {
            "key": m["key"],
            "role": m["role"],
            "correction": correction,
            "variants": [arm_summary(m["kind"], d) for d in m["arms"]],
            "comparisons": comps,
        }
        if m["role"] == "guardrail":
            result["breached"] = any(c["worse"] for c in comps)
        results.append(result)
    return results


def winsorize(arms, cap):
    if cap is None:
        return arms, None
    pooled = np.concatenate(arms)
    value = cap["value"] if cap["type"] == "absolute" else float(
        np.quantile(pooled, cap["value"], method="linear"))
    return [np.minimum(a, value) for a in arms], value


def as_list(a):
    return [float(v) for v in a]


def metric_case(name, alpha, specs):
    """specs: [{key, role, kind, direction, cap?, arms: raw per-customer data}]."""
    analysed = []
    inputs = []
    for s in specs:
        cap_value = None
        arms = s["arms"]
        if s["kind"] == "mean":
            arms, cap_value = winsorize(arms, s.get("cap"))
        analysed.append({**s, "arms": arms})
        inputs.append({
            "key": s["key"],
            "role": s["role"],
            "kind": s["kind"],
            "direction": s["direction"],
            "cap": s.get("cap"),
            "capValue": cap_value,
            "arms": [
                {"x": as_list(a[0]), "y": as_list(a[1])} if s["kind"] == "ratio" else {"x": as_list(a)}
                for a in s["arms"]
            ],
        })
    return {"name": name, "input": {"alpha": alpha, "metrics": inputs},
            "expected": {"metrics": analyse(analysed, alpha)}}


def heavy(n, scale, shift=0.0, negative_share=0.0):
    v = RNG.lognormal(mean=math.log(scale), sigma=1.2, size=n) + shift
    if negative_share:
        flip = RNG.random(n) < negative_share
        v[flip] = -v[flip] * 0.5
    return np.round(v, 2)


def ratio_arm(n, rate, amount):
    y = RNG.poisson(rate, size=n).astype(float)
    x = np.array([float(np.sum(heavy(int(k), amount))) if k > 0 else 0.0 for k in y])
    return (x, y)


def unit_cases():
    cases = []
    # Two arms: proportion primary, capped mean and ratio secondaries, opt-out style guardrail.
    n = 800
    cases.append(metric_case("two arms: proportion primary, capped means, ratio, guardrail", 0.05, [
        {"key": "card_bound_7d", "role": "primary", "kind": "proportion",
         "direction": "higher_is_better",
         "arms": [(RNG.random(n) < 0.20).astype(float), (RNG.random(n) < 0.27).astype(float)]},
        {"key": "deposit_30d", "role": "secondary", "kind": "mean", "direction": "higher_is_better",
         "cap": {"type": "percentile", "value": 0.95},
         "arms": [heavy(n, 800, negative_share=0.1), heavy(n, 900, negative_share=0.1)]},
        {"key": "deposit_abs_cap", "role": "secondary", "kind": "mean",
         "direction": "higher_is_better", "cap": {"type": "absolute", "value": 3000},
         "arms": [heavy(n, 800), heavy(n, 950)]},
        {"key": "amount_per_deposit", "role": "secondary", "kind": "ratio",
         "direction": "higher_is_better",
         "arms": [ratio_arm(n, 1.5, 500), ratio_arm(n, 1.6, 560)]},
        {"key": "opt_out", "role": "guardrail", "kind": "proportion",
         "direction": "lower_is_better",
         "arms": [(RNG.random(n) < 0.02).astype(float), (RNG.random(n) < 0.06).astype(float)]},
    ]))
    # Three arms: Holm over two challengers on the primary, BH over 2 metrics x 2 challengers,
    # negative means (net outflow), a lower-is-better ratio.
    n = 600
    cases.append(metric_case("three arms: Holm, BH over 4 pairs, net outflow, lower-is-better ratio", 0.05, [
        {"key": "activated", "role": "primary", "kind": "proportion", "direction": "higher_is_better",
         "arms": [(RNG.random(n) < 0.30).astype(float), (RNG.random(n) < 0.36).astype(float),
                  (RNG.random(n) < 0.31).astype(float)]},
        {"key": "net_flow", "role": "secondary", "kind": "mean", "direction": "higher_is_better",
         "arms": [np.round(RNG.normal(-10, 30, n), 2), np.round(RNG.normal(-4, 30, n), 2),
                  np.round(RNG.normal(-9, 30, n), 2)]},
        {"key": "complaints_per_call", "role": "secondary", "kind": "ratio",
         "direction": "lower_is_better",
         "arms": [ratio_arm(n, 2.0, 1), ratio_arm(n, 2.0, 1.3), ratio_arm(n, 2.1, 1)]},
        {"key": "complaint", "role": "guardrail", "kind": "proportion", "direction": "lower_is_better",
         "arms": [(RNG.random(n) < 0.05).astype(float), (RNG.random(n) < 0.05).astype(float),
                  (RNG.random(n) < 0.09).astype(float)]},
    ]))
    # alpha 0.1, nothing significant on the secondaries (BH rejects none: level alpha/m).
    n = 300
    cases.append(metric_case("alpha 0.1, BH rejects nothing", 0.1, [
        {"key": "primary_p", "role": "primary", "kind": "proportion", "direction": "higher_is_better",
         "arms": [(RNG.random(n) < 0.4).astype(float), (RNG.random(n) < 0.4).astype(float)]},
        {"key": "m1", "role": "secondary", "kind": "mean", "direction": "higher_is_better",
         "arms": [np.round(RNG.normal(5, 3, n), 2), np.round(RNG.normal(5, 3, n), 2)]},
        {"key": "m2", "role": "secondary", "kind": "mean", "direction": "lower_is_better",
         "arms": [np.round(RNG.normal(8, 4, n), 2), np.round(RNG.normal(8, 4, n), 2)]},
    ]))
    return cases


def bh_cases():
    cases = []
    fixed = [
        ("R's p.adjust example order", [0.01, 0.04, 0.03, 0.005, 0.2, 0.5]),
        ("ties", [0.02, 0.02, 0.02, 0.5]),
        ("with nulls (left out of m)", [0.03, None, 0.001, 0.04, None]),
        ("all null", [None, None]),
        ("single", [0.03]),
        ("ones and zeros", [0.0, 1.0, 0.5, 0.0]),
    ]
    for name, p in fixed:
        cases.append({"name": name, "input": {"pValues": p, "alpha": 0.05},
                      "expected": {"adjusted": bh(p), "level": bh_level(p, 0.05)}})
    for i in range(6):
        m = int(RNG.integers(2, 40))
        p = [float(v) for v in RNG.beta(0.4, 1.5, size=m)]
        cases.append({"name": f"random {i + 1} (m = {m})", "input": {"pValues": p, "alpha": 0.05},
                      "expected": {"adjusted": bh(p), "level": bh_level(p, 0.05)}})
    return cases


def ratio_cases():
    cases = []
    for name, n0, n1, rate0, rate1, amt0, amt1, level in [
        ("amount per deposit, 95 %", 500, 520, 1.5, 1.6, 400, 470, 0.05),
        ("small arms, 97.5 %", 40, 35, 2.0, 2.2, 50, 48, 0.025),
        ("calls per customer", 2000, 2000, 3.0, 3.1, 1, 1, 0.05),
    ]:
        a0, a1 = ratio_arm(n0, rate0, amt0), ratio_arm(n1, rate1, amt1)
        t = ratio_test(a0, a1, level)
        e0, e1 = ratio_estimate(*a0), ratio_estimate(*a1)
        cases.append({
            "name": name,
            "input": {"alpha": 0.05, "intervalAlpha": level,
                      "control": {"x": as_list(a0[0]), "y": as_list(a0[1])},
                      "variant": {"x": as_list(a1[0]), "y": as_list(a1[1])}},
            "expected": {"controlRatio": e0[0], "controlVariance": e0[1], "ratio": e1[0],
                         "variance": e1[1], "absoluteLift": t["absoluteLift"],
                         "relativeLift": t["relativeLift"], "zScore": t["zScore"],
                         "pValue": t["pValue"], "ci": t["ci"], "relativeCi": t["relativeCi"]},
        })
    return cases


# ---- end-to-end traffic ------------------------------------------------------------------------

E2E = {
    "alpha": 0.05,
    "arms": ["control", "coupon"],
    "perArm": 700,
    "cardBoundRate": [0.18, 0.27],
    "optOutRate": [0.015, 0.06],
    "depositRate": [1.2, 1.3],
    "depositAmount": [600, 660],
    "windows": {"card_bound_7d": 168, "deposit_30d": 720, "amount_per_deposit": 720},
    "cap": {"type": "percentile", "value": 0.95},
}


def e2e_profiles(arm):
    """Per customer: card_bound and deposit events (hours after exposure) and an opt-out flag.
    Some events fall before the exposure or after the window: the read-outs must not count them."""
    profiles = []
    for _ in range(E2E["perArm"]):
        card = []
        if RNG.random() < E2E["cardBoundRate"][arm]:
            card.append(round(float(RNG.uniform(0.5, 160)), 3))
            if RNG.random() < 0.2:
                card.append(round(float(RNG.uniform(0.5, 160)), 3))  # a second one counts once
        if RNG.random() < 0.08:
            card.append(round(float(RNG.uniform(170, 400)), 3))  # after the 7-day window
        if RNG.random() < 0.05:
            card.append(-round(float(RNG.uniform(1, 48)), 3))  # before the exposure
        deposits = []
        for _k in range(int(RNG.poisson(E2E["depositRate"][arm]))):
            deposits.append([round(float(RNG.uniform(0.1, 700)), 3),
                             float(heavy(1, E2E["depositAmount"][arm], negative_share=0.05)[0])])
        if RNG.random() < 0.1:
            deposits.append([round(float(RNG.uniform(730, 900)), 3), 5000.0])  # after 30 days
        if RNG.random() < 0.05:
            deposits.append([-round(float(RNG.uniform(1, 48)), 3), 7777.0])  # before exposure
        profiles.append({"card": card, "deposits": deposits,
                         "optOut": bool(RNG.random() < E2E["optOutRate"][arm])})
    return profiles


def e2e_fixture():
    profiles = [e2e_profiles(a) for a in range(2)]
    w = E2E["windows"]

    def card(p):
        return 1.0 if any(0 <= h < w["card_bound_7d"] for h in p["card"]) else 0.0

    def dep(p):
        return [v for h, v in p["deposits"] if 0 <= h < w["deposit_30d"]]

    card_arms = [np.array([card(p) for p in ps]) for ps in profiles]
    deposit_arms = [np.array([float(np.sum(dep(p))) for p in ps]) for ps in profiles]
    ratio_arms = [(np.array([float(np.sum(dep(p))) for p in ps]),
                   np.array([float(len(dep(p))) for p in ps])) for ps in profiles]
    opt_arms = [np.array([1.0 if p["optOut"] else 0.0 for p in ps]) for ps in profiles]
    case = metric_case("end to end", E2E["alpha"], [
        {"key": "card_bound_7d", "role": "primary", "kind": "proportion",
         "direction": "higher_is_better", "arms": card_arms},
        {"key": "deposit_30d", "role": "secondary", "kind": "mean",
         "direction": "higher_is_better", "cap": E2E["cap"], "arms": deposit_arms},
        {"key": "amount_per_deposit", "role": "secondary", "kind": "ratio",
         "direction": "higher_is_better", "arms": ratio_arms},
        {"key": "opt_out", "role": "guardrail", "kind": "proportion",
         "direction": "lower_is_better", "arms": opt_arms},
    ])
    expected = case["expected"]["metrics"]
    primary = expected[0]["comparisons"][0]
    guard = expected[3]
    assert primary["significant"] and primary["better"], primary
    assert guard["breached"], guard
    cap_value = case["input"]["metrics"][1]["capValue"]
    return {"metadata": meta(), "config": E2E, "profiles": profiles, "capValue": cap_value,
            "expected": expected}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bh.json").write_text(json.dumps({"metadata": meta(), "cases": bh_cases()}, indent=1))
    (OUT / "ratio.json").write_text(json.dumps({"metadata": meta(), "cases": ratio_cases()}, indent=1))
    (OUT / "metrics.json").write_text(json.dumps({"metadata": meta(), "cases": unit_cases()}, indent=1))
    (OUT / "e2e.json").write_text(json.dumps(e2e_fixture(), indent=1))
    print("wrote", ", ".join(sorted(p.name for p in OUT.glob("*.json"))))


if __name__ == "__main__":
    main()
