#!/usr/bin/env python3
"""Reference fixtures for lib/stats/stratified.ts (bandit statistics weighted by allocation
period), written from the method as GrowthBook states it rather than from the TypeScript.

Run from the repository root:  python3 tools/gen_stratified_fixtures.py && deno fmt lib/stats/testdata
Writes lib/stats/testdata/stratified.json. Deterministic (numpy Generator with a fixed seed).

Method (GrowthBook's bandits, packages/back-end/src/integrations/sql/ctes/bandit-statistics-cte.ts
feeding gbstats/bayesian/bandits.py with weight_by_period):
- period weight w_p = N_p / N (the period's share of all customers);
- arm rate sum_p w_p c_ap / n_ap, variance sum_p w_p^2 r_ap (1 - r_ap) / n_ap (n, not n - 1);
- per arm, consecutive periods grouped into blocks of at least 100 of its customers (a short tail
  joins the last block); within a block the arm's rate is one, counted with the block's summed
  weight. The weights stay common to all arms.
Posterior of an arm's rate: the uniform prior once, on effective counts n* = r(1 - r)/Var (at most
the arm's customers), c* = r n*; P(best) and the chance to beat control by scipy.integrate.quad of
beta.pdf x beta.cdf. The script also computes P(best) GrowthBook's way (normal posteriors N(r, Var),
Monte Carlo, 400,000 draws) and stops if the two differ by more than 0.02 where the normal
approximation holds (at least 5 conversions and 5 non-conversions per arm and block).
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


MIN_USERS = 100


def blocks_of(users):
    """Consecutive periods with >= MIN_USERS of the arm's customers; a short tail joins the last."""
    blocks, current, count = [], [], 0
    for p, n in enumerate(users):
        current.append(p)
        count += n
        if count >= MIN_USERS:
            blocks.append(current)
            current, count = [], 0
    if current:
        if blocks:
            blocks[-1] = blocks[-1] + current
        else:
            blocks.append(current)
    return blocks


def arm_stats(periods, w, i):
    """Blocks, weighted rate, its variance, and the Beta posterior of the effective counts."""
    blocks = blocks_of([p["users"][i] for p in periods])
    users = sum(p["users"][i] for p in periods)
    conversions = sum(p["conversions"][i] for p in periods)
    if users == 0:
        return blocks, 0.0, 0.0, (1.0, 1.0), 0
    if len(blocks) == 1:
        r = conversions / users
        return blocks, r, r * (1 - r) / users, (1 + conversions, 1 + users - conversions), users
    rate = var = 0.0
    for b in blocks:
        wb = sum(w[p] for p in b)
        nb = sum(periods[p]["users"][i] for p in b)
        cb = sum(periods[p]["conversions"][i] for p in b)
        rate += wb * cb / nb
        var += wb**2 * (cb / nb) * (1 - cb / nb) / nb
    n_eff = min(users, rate * (1 - rate) / var) if var > 0 else users
    return blocks, rate, var, (1 + rate * n_eff, 1 + n_eff - rate * n_eff), users


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
    sizes = [sum(p["users"]) for p in periods]
    w = [n / sum(sizes) if sum(sizes) else 1 / len(periods) for n in sizes]
    stats_ = [arm_stats(periods, w, i) for i in range(k)]
    blocks = [st[0] for st in stats_]
    totals = [st[4] for st in stats_]
    arms = [(st[1], st[2], st[3]) for st in stats_]
    shapes = [a[2] for a in arms]
    best = probability_best(shapes)
    if all(a[1] > 0 for a in arms):
        mc = growthbook_best(arms, k)
        gap = max(abs(x - y) for x, y in zip(best, mc))
        # Where the normal approximation holds (>= 5 conversions and non-conversions per arm and
        # block) the two must agree; elsewhere (zero conversions in a block) the Beta is kept.
        normal_ok = all(
            sum(periods[p]["conversions"][i] for p in b) >= 5
            and sum(periods[p]["users"][i] - periods[p]["conversions"][i] for p in b) >= 5
            for i in range(k) for b in blocks[i])
        print(f"{name}: P(best) {[round(x, 4) for x in best]}, GrowthBook's normal Monte Carlo {mc}, "
              f"gap {gap:.4f}{'' if normal_ok else ' (normal approximation not applicable)'}")
        assert gap < 0.02 or not normal_ok, (name, best, mc)

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
            "expected": {"weights": w, "users": totals, "blocks": blocks,
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
        case("an arm without customers in a period takes its block's rate there", ["control", "a", "b"],
             [period([2000, 2000, 2000], [100, 120, 90]), period([900, 1800, 0], [40, 95, 0]),
              period([300, 3000, 300], [9, 120, 10])]),
        case("an arm at the 1 % floor: its thin periods form one block, the others keep theirs", ["control", "a", "b"],
             [period([3000, 3000, 3000], [90, 120, 60]), period([12, 2376, 12], [0, 100, 1]),
              period([600, 4800, 600], [15, 190, 10])]),
        case("a first period without one arm joins the next block", ["control", "a"],
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
