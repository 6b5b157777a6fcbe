#!/usr/bin/env python3
"""Reference fixtures for lib/stats/stratified.ts (bandit statistics weighted by allocation
period), written from the method as GrowthBook states it rather than from the TypeScript.

Run from the repository root:  python3 tools/gen_stratified_fixtures.py && deno fmt lib/stats/testdata
Writes lib/stats/testdata/stratified.json. Deterministic (numpy Generator with a fixed seed).

Method (GrowthBook's bandits, packages/back-end/src/integrations/sql/ctes/bandit-statistics-cte.ts
feeding gbstats/bayesian/bandits.py with weight_by_period):
- period weight w_p = N_p / N (the period's share of all customers);
- arm rate sum_p w_p c_ap / n_ap, variance sum_p w_p^2 r_ap (1 - r_ap) / n_ap (n, not n - 1);
- a period in which some arm has fewer than 30 customers is merged into the stratum before it (the
  next one when it comes first).
Posterior of an arm's rate: the uniform prior once, on effective counts n* = r(1 - r)/Var (at most
the arm's customers), c* = r n*; P(best) and the chance to beat control by scipy.integrate.quad of
beta.pdf x beta.cdf. The script also computes P(best) GrowthBook's way (normal posteriors N(r, Var),
Monte Carlo, 400,000 draws) and stops if the two differ by more than 0.02 where the normal
approximation holds (at least 5 conversions and 5 non-conversions per arm and stratum).
Comparisons: Wald z on the difference (scipy.stats.norm), Fieller's interval of the ratio by
numpy.roots, clipped at 0; Holm by its definition; each interval at its Holm step's level.
Omnibus: Cochran's homogeneity statistic sum u_a (r_a - r_bar)^2, u_a = 1/Var_a, scipy.stats.chi2.sf.
"""
import datetime
import json
import math
import pathlib

import numpy as np
import scipy
from scipy import integrate, stats

OUT = pathlib.Path("lib/stats/testdata")
GENERATED = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
SOURCE = f"tools/gen_stratified_fixtures.py (scipy {scipy.__version__}, numpy {np.__version__})"
RNG = np.random.default_rng(20261130)


MIN_USERS = 30


def strata(periods, k):
    out, carry = [], [[0] * k, [0] * k]
    for p in periods:
        users, conv = p["users"], p["conversions"]
        if all(n >= MIN_USERS for n in users):
            out.append([[carry[0][i] + users[i] for i in range(k)], [carry[1][i] + conv[i] for i in range(k)]])
            carry = [[0] * k, [0] * k]
        elif out:
            out[-1] = [[out[-1][0][i] + users[i] for i in range(k)], [out[-1][1][i] + conv[i] for i in range(k)]]
        else:
            carry = [[carry[0][i] + users[i] for i in range(k)], [carry[1][i] + conv[i] for i in range(k)]]
    return out or [carry]


def arm_stats(s, w, i):
    """Weighted rate, its variance, and the Beta posterior of the effective counts."""
    rate = sum(wp * st[1][i] / st[0][i] for wp, st in zip(w, s) if st[0][i] > 0)
    var = sum(wp**2 * (st[1][i] / st[0][i]) * (1 - st[1][i] / st[0][i]) / st[0][i] for wp, st in zip(w, s) if st[0][i] > 0)
    users = sum(st[0][i] for st in s)
    conversions = sum(st[1][i] for st in s)
    if len(s) == 1 or users == 0:
        n_eff, c_eff = users, conversions
    else:
        n_eff = min(users, rate * (1 - rate) / var) if var > 0 else users
        c_eff = rate * n_eff
    return rate, var, (1 + c_eff, 1 + n_eff - c_eff)


def integrate_pdf(a, b, g, shapes):
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    m = a / (a + b)
    lo, hi = max(0.0, m - 40 * sd), min(1.0, m + 40 * sd)
    cuts = {lo, hi}
    for sa, sb in shapes:
        sm, ss = sa / (sa + sb), math.sqrt(sa * sb / ((sa + sb) ** 2 * (sa + sb + 1)))
        cuts.update(x for k in (0, 1, 2, 3, 5, 8, 12, 20, 30) for x in (sm - k * ss, sm + k * ss) if lo < x < hi)
    edges = sorted(cuts)
    return sum(integrate.quad(lambda x: stats.beta.pdf(x, a, b) * g(x), l, r, epsabs=1e-14, epsrel=1e-12, limit=200)[0]
               for l, r in zip(edges, edges[1:]))


def probability_best(shapes):
    return [integrate_pdf(a, b, lambda x: math.prod(stats.beta.cdf(x, oa, ob) for oa, ob in shapes[:i] + shapes[i + 1:]), shapes)
            for i, (a, b) in enumerate(shapes)]


def growthbook_best(arms, k, draws=400_000):
    """GrowthBook's way: normal posteriors N(rate, var) per arm, Monte Carlo argmax."""
    y = np.column_stack([RNG.normal(rate, math.sqrt(var), draws) for rate, var, _ in arms])
    best = y.argmax(axis=1)
    return [float(np.mean(best == i)) for i in range(k)]


def chance_and_loss(control, variant):
    (ac, bc), (av, bv) = control, variant
    shapes = [control, variant]
    chance = integrate_pdf(av, bv, lambda x: stats.beta.cdf(x, ac, bc), shapes)
    mv = av / (av + bv)
    loss = integrate_pdf(ac, bc, lambda c: c * stats.beta.cdf(c, av, bv) - mv * stats.beta.cdf(c, av + 1, bv), shapes)
    return chance, max(0.0, loss)


def fieller(m0, v0, m1, v1, c):
    a = m0 * m0 - c * c * v0
    disc = m0 * m0 * v1 + m1 * m1 * v0 - c * c * v0 * v1
    if a <= 0 or disc <= 0:
        return None
    roots = sorted(np.roots([a, -2 * m0 * m1, m1 * m1 - c * c * v1]).real)
    return [max(0.0, roots[0]), max(0.0, roots[1])]


def holm(p, alpha):
    idx = sorted((i for i, v in enumerate(p) if v is not None), key=lambda i: p[i])
    m, running, failed = len(idx), 0.0, None
    adj, lev = [None] * len(p), [None] * len(p)
    for step, i in enumerate(idx):
        running = max(running, min(1.0, (m - step) * p[i]))
        adj[i] = running
        if failed is None and not (min(1.0, (m - step) * p[i]) < alpha):
            failed = alpha / (m - step)
        lev[i] = failed if failed is not None else alpha / (m - step)
    return adj, lev


def case(name, names, periods, alpha=0.05):
    k = len(names)
    s = strata(periods, k)
    sizes = [sum(st[0]) for st in s]
    w = [n / sum(sizes) for n in sizes]
    arms = [arm_stats(s, w, i) for i in range(k)]
    shapes = [a[2] for a in arms]
    best = probability_best(shapes)
    if all(a[1] > 0 for a in arms):
        mc = growthbook_best(arms, k)
        gap = max(abs(x - y) for x, y in zip(best, mc))
        # Where the normal approximation holds (>= 5 conversions and non-conversions per arm and
        # stratum) the two must agree; elsewhere (zero conversions in a stratum) the Beta is kept.
        normal_ok = all(c >= 5 and n - c >= 5 for st in s for n, c in zip(st[0], st[1]))
        print(f"{name}: P(best) {[round(x, 4) for x in best]}, GrowthBook's normal Monte Carlo {mc}, "
              f"gap {gap:.4f}{'' if normal_ok else ' (normal approximation not applicable)'}")
        assert gap < 0.02 or not normal_ok, (name, best, mc)
    totals = [sum(st[0][i] for st in s) for i in range(k)]

    def compare(j, level):
        (r0, v0, _), (r1, v1, _) = arms[0], arms[j]
        lift = r1 - r0
        se = math.sqrt(v0 + v1)
        row = {"controlRate": r0, "rate": r1, "absoluteLift": lift, "relativeLift": r1 / r0 - 1 if r0 > 0 else None}
        if se == 0:
            return {**row, "zScore": None, "pValue": None, "ci": None, "relativeCi": None}
        q = stats.norm.ppf(1 - level / 2)
        ratio = fieller(r0, v0, r1, v1, q)
        return {**row, "zScore": lift / se, "pValue": 2 * stats.norm.sf(abs(lift / se)),
                "ci": [lift - q * se, lift + q * se],
                "relativeCi": [ratio[0] - 1, ratio[1] - 1] if ratio and r0 > 0 else None}

    first = [compare(j, alpha) for j in range(1, k)]
    adj, lev = holm([r["pValue"] for r in first], alpha)
    comparisons = []
    for j in range(1, k):
        level = lev[j - 1] if lev[j - 1] is not None else alpha
        chance, loss = chance_and_loss(shapes[0], shapes[j])
        comparisons.append({"variant": names[j], **compare(j, level), "ciLevel": 1 - level,
                            "adjustedPValue": adj[j - 1],
                            "significant": adj[j - 1] is not None and adj[j - 1] < alpha,
                            "chanceToBeatControl": chance, "expectedLoss": loss})
    if all(t > 0 for t in totals) and all(a[1] > 0 for a in arms):
        u = [1 / a[1] for a in arms]
        centre = sum(ui * a[0] for ui, a in zip(u, arms)) / sum(u)
        q = sum(ui * (a[0] - centre) ** 2 for ui, a in zip(u, arms))
        omnibus = {"chiSquare": q, "df": k - 1, "pValue": stats.chi2.sf(q, k - 1)}
    else:
        omnibus = {"chiSquare": None, "df": k - 1, "pValue": None}
    return {"name": name, "input": {"names": names, "periods": periods, "alpha": alpha},
            "expected": {"weights": w, "users": totals,
                         "rates": [a[0] for a in arms], "variances": [a[1] for a in arms],
                         "posteriors": [{"users": a + b - 2, "conversions": a - 1} for a, b in shapes],
                         "probabilityBest": best, "omnibus": omnibus, "comparisons": comparisons},
            }


def plain(value):
    """numpy scalars as JSON numbers and booleans."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value))


def period(users, conversions):
    return {"users": users, "conversions": conversions}


def main():
    cases = [
        # The issue: identical arms moved from 50/50 to 10/90 while the rate fell from 10 % to 2 %.
        case("issue 13: identical arms, 50/50 then 10/90 while 10 % falls to 2 %", ["对照", "挑战者"],
             [period([5000, 5000], [500, 500]), period([2000, 18000], [40, 360])]),
        case("one period is the unweighted rule", ["control", "coupon"], [period([4000, 4100], [80, 107])]),
        case("three arms, three periods, a real winner", ["control", "立减10元", "积分"],
             [period([3000, 3000, 3000], [150, 180, 150]), period([1500, 6000, 1500], [60, 300, 58]),
              period([400, 7200, 400], [12, 260, 11])]),
        case("a period without one arm merges into the one before", ["control", "a", "b"],
             [period([2000, 2000, 2000], [100, 120, 90]), period([900, 1800, 0], [40, 95, 0]),
              period([300, 3000, 300], [9, 120, 10])]),
        case("a thin period (an arm at the 1 % floor) merges into the one before", ["control", "a", "b"],
             [period([3000, 3000, 3000], [90, 120, 60]), period([12, 2376, 12], [0, 100, 1]),
              period([600, 4800, 600], [15, 190, 10])]),
        case("a first period without one arm merges forward", ["control", "a"],
             [period([40, 0], [3, 0]), period([3000, 3000], [90, 120]), period([500, 4500], [10, 120])]),
        case("zero conversions in a period", ["control", "push"],
             [period([1000, 1000], [0, 3]), period([800, 3200], [16, 80])]),
        case("high rates (reflected integration)", ["control", "a"],
             [period([2000, 2000], [1700, 1720]), period([500, 4500], [400, 3650])]),
        case("rate drifting up, alpha 0.01", ["control", "a", "b"],
             [period([5000, 5000, 5000], [100, 110, 120]), period([2000, 2000, 11000], [80, 84, 480])], alpha=0.01),
        case("very large n", ["control", "a"],
             [period([2_000_000, 2_000_000], [40_000, 40_600]), period([400_000, 3_600_000], [6_000, 54_900])]),
        case("no conversions anywhere", ["control", "a"], [period([500, 500], [0, 0]), period([100, 900], [0, 0])]),
    ]
    meta = {"source": f"{SOURCE}: period weights N_p/N (GrowthBook bandits), weighted rates and variances, "
                      "Beta posteriors of the effective counts by quad (checked against GrowthBook's normal "
                      "Monte Carlo), Wald/Fieller/Holm, Cochran's homogeneity test",
            "generated": GENERATED}
    (OUT / "stratified.json").write_text(json.dumps({"metadata": meta, "cases": cases}, indent=1, ensure_ascii=False, default=plain) + "\n")
    print("wrote stratified.json", len(cases), "cases")


if __name__ == "__main__":
    main()
