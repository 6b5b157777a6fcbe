#!/usr/bin/env python3
"""Reference fixtures for lib/stats from scipy: distribution tails and quantiles, and the
Bayesian Beta-posterior integrals (chance to beat control, expected loss, probability best).

Run from the repository root:  python3 tools/gen_stats_fixtures.py
Writes lib/stats/testdata/{dist,bayes,probability_best}.json. Deterministic.

Integrals use scipy.integrate.quad (adaptive Gauss-Kronrod) over the density of the narrower
posterior, split at every posterior's mean +- k sd, with boost's beta cdf/sf for the others.
Where the counts allow (<= 20,000 variant conversions), chanceToBeatControl is also checked against Evan Miller's exact sum
(https://www.evanmiller.org/bayesian-ab-testing.html) and the script stops if they disagree.
"""
import datetime
import json
import math
import pathlib

import numpy as np
import scipy
from scipy import integrate, special, stats

OUT = pathlib.Path("lib/stats/testdata")
GENERATED = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
KS = [0, 1, 2, 3, 4, 6, 8, 12, 20, 30, 45]


def write(file, what, cases):
    meta = {"source": f"tools/gen_stats_fixtures.py (scipy {scipy.__version__}): {what}", "generated": GENERATED}
    (OUT / file).write_text(json.dumps({"metadata": meta, "cases": cases}, indent=1) + "\n")
    print("wrote", file, len(cases), "cases")


def dist_cases():
    cases = []
    for z in [-0.3, -1.96, -3, -5, -8, -12, -20, -37, 2.5]:
        cases.append(("normalCdf", [z], stats.norm.cdf(z)))
    for p in [1e-12, 1e-6, 0.025, 0.3, 0.8, 0.975, 0.9995]:
        cases.append(("normalQuantile", [p], stats.norm.ppf(p)))
    for df in [1, 2.5, 7, 30, 1000, 1e5, 1e6, 5e6, 5e7, 1e12]:
        for t in [-0.2, -2, -6]:
            cases.append(("tCdf", [t, df], stats.t.cdf(t, df)))
        cases.append(("tQuantile", [0.975, df], stats.t.ppf(0.975, df)))
        cases.append(("tQuantile", [0.005, df], stats.t.ppf(0.005, df)))
    for df in [1, 2, 3, 7, 19]:
        for x in [0.05, 1, 4, 25, 120, 500]:
            cases.append(("chiSquareSurvival", [x, df], stats.chi2.sf(x, df)))
    for x in [0.5, 3.3, 12, 1e4, 1e9]:
        cases.append(("logGamma", [x], special.gammaln(x)))
    for a, b in [(0.5, 3), (12, 40), (1e6, 0.5), (2e5, 9.8e6)]:
        cases.append(("logBeta", [a, b], special.betaln(a, b)))
    return [{"name": f"{fn}({', '.join(repr(a) for a in args)})", "input": {"fn": fn, "args": args},
             "expected": {"value": float(v)}} for fn, args, v in cases]


def shape(arm):
    return 1 + arm["conversions"], 1 + arm["users"] - arm["conversions"]


def moments(a, b):
    return a / (a + b), math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))


def pieces(shapes, lo, hi):
    points = {lo, hi}
    for a, b in shapes:
        m, s = moments(a, b)
        points.update(p for k in KS for p in (m - k * s, m + k * s) if lo < p < hi)
    return sorted(points)


def integrate_over(a, b, integrand, shapes):
    """Integral of beta.pdf(x; a, b) * integrand(x) over the support, split into pieces."""
    m, s = moments(a, b)
    lo, hi = max(0.0, m - 45 * s), min(1.0, m + 45 * s)
    edges = pieces(shapes, lo, hi)
    total = 0.0
    for left, right in zip(edges, edges[1:]):
        value, _ = integrate.quad(lambda x: stats.beta.pdf(x, a, b) * integrand(x), left, right,
                                  epsabs=1e-15, epsrel=1e-13, limit=200)
        total += value
    return total


def chance_to_beat(control, variant):
    (ac, bc), (av, bv) = shape(control), shape(variant)
    shapes = [(ac, bc), (av, bv)]
    if moments(av, bv)[1] <= moments(ac, bc)[1]:
        return integrate_over(av, bv, lambda x: stats.beta.cdf(x, ac, bc), shapes)
    return integrate_over(ac, bc, lambda x: stats.beta.sf(x, av, bv), shapes)


def evan_miller(control, variant):
    (ac, bc), (av, bv) = shape(control), shape(variant)
    i = np.arange(av)
    terms = special.betaln(ac + i, bc + bv) - np.log(bv + i) - special.betaln(1 + i, bv) - special.betaln(ac, bc)
    return float(np.exp(terms).sum())


def expected_loss(control, variant):
    """E[max(p_c - p_v, 0)]."""
    (ac, bc), (av, bv) = shape(control), shape(variant)
    shapes = [(ac, bc), (av, bv)]
    mc, mv = ac / (ac + bc), av / (av + bv)
    if moments(av, bv)[1] <= moments(ac, bc)[1]:
        # over v: E[(C - v)+] = mc * sf(v; ac + 1, bc) - v * sf(v; ac, bc)
        return integrate_over(av, bv, lambda v: mc * stats.beta.sf(v, ac + 1, bc) - v * stats.beta.sf(v, ac, bc), shapes)
    # over c: E[(c - V)+] = c * F(c; av, bv) - mv * F(c; av + 1, bv)
    return integrate_over(ac, bc, lambda c: c * stats.beta.cdf(c, av, bv) - mv * stats.beta.cdf(c, av + 1, bv), shapes)


def bayes_cases():
    specs = [
        ("typical, 2.0% vs 2.6%", (10000, 200), (10000, 260)),
        ("unequal arms", (4000, 120), (12000, 300)),
        ("small counts", (10, 0), (12, 1)),
        ("variant with zero conversions", (800, 12), (750, 0)),
        ("zero baseline", (900, 0), (1000, 7)),
        ("no users yet: two uniform priors", (0, 0), (0, 0)),
        ("variant clearly worse", (5000, 300), (5000, 150)),
        ("very large n, 10^7 per arm", (10_000_000, 200_000), (10_000_000, 200_800)),
        ("very different widths, 10^3 vs 10^7", (1000, 20), (10_000_000, 210_000)),
        ("very large n, zero conversions vs three", (10_000_000, 0), (10_000_000, 3)),
    ]
    cases = []
    for name, (n0, c0), (n1, c1) in specs:
        control, variant = {"users": n0, "conversions": c0}, {"users": n1, "conversions": c1}
        chance = chance_to_beat(control, variant)
        if c1 <= 20_000:  # the sum loses precision beyond (lbeta of huge arguments cancels)
            exact = evan_miller(control, variant)
            assert abs(exact - chance) < 1e-9, (name, exact, chance)
        cases.append({"name": name, "input": {"control": control, "variant": variant},
                      "expected": {"chanceToBeatControl": chance, "expectedLoss": expected_loss(control, variant)}})
    return cases


def probability_best(arms):
    shapes = [shape(a) for a in arms]
    result = []
    for i, (a, b) in enumerate(shapes):
        others = [s for j, s in enumerate(shapes) if j != i]
        result.append(integrate_over(a, b, lambda x: math.prod(stats.beta.cdf(x, oa, ob) for oa, ob in others), shapes))
    return result


def best_cases():
    specs = [
        ("two arms", [(1000, 20), (1000, 30)]),
        ("three small arms", [(100, 5), (100, 7), (100, 3)]),
        ("identical arms share equally", [(500, 25)] * 4),
        ("unequal arms, one without conversions", [(2000, 40), (300, 9), (150, 0), (800, 20), (1200, 30)]),
        ("one dominant arm", [(5000, 100), (5000, 300), (5000, 110)]),
        ("very large n, twenty arms", [(10_000_000, 200_000 + 50 * i) for i in range(20)]),
    ]
    return [{"name": name, "input": {"arms": [{"users": n, "conversions": c} for n, c in arms]},
             "expected": {"probabilityBest": probability_best([{"users": n, "conversions": c} for n, c in arms])}}
            for name, arms in specs]


write("dist.json", "scipy.stats norm/t/chi2 cdf, sf, ppf and scipy.special gammaln/betaln", dist_cases())
write("bayes.json", "quad of beta.pdf x beta.cdf/sf (checked against Evan Miller's exact sum)", bayes_cases())
write("probability_best.json", "quad of beta.pdf_i x prod_j beta.cdf_j", best_cases())
