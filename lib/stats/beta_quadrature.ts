/**
 * Numerical integration over Beta posteriors, for exact Bayesian probabilities without Monte
 * Carlo and without the Θ(conversions) closed-form sums (Evan Miller 2015), which are too slow
 * at 10⁷ users.
 *
 * Method: every posterior Beta(a, b) (a, b ≥ 1) contributes breakpoints at mean + k·sd for
 * k ∈ ±{0…8, 10, 12, 15, 19, 24, 30, 37}, clipped to [0, 1]; the merged breakpoints cut [0, 1]
 * into panels, each integrated with 10-point Gauss–Legendre. So the grid is fine wherever any
 * posterior has mass or any cdf moves, whatever the counts (beyond 37 sd even the most skewed
 * Beta(1, b) keeps < 1e-16 of its mass). Densities are evaluated in log space relative to the
 * mean, ln f(x) = (a − 1)·ln(x/m) + (b − 1)·ln((1 − x)/(1 − m)) + const, and normalised by
 * their integrated mass, so no log-gamma of huge arguments is needed; cdfs at the nodes are the
 * masses of the panels to the left plus a Gauss–Legendre integral over the partial panel.
 * Agreement with scipy's `quad` on `beta.pdf · beta.cdf` is ~1e-12 (see testdata/bayes.json).
 * Doubles are dense near 0 but not near 1, so callers reflect rates above ½ (x → 1 − x) first.
 */

/** Beta(a, b) shape parameters, a ≥ 1, b ≥ 1 (posteriors under a uniform prior). */
export interface BetaShape {
  a: number;
  b: number;
}

/** The nodes and weights of the grid, with each posterior's density and cdf at the nodes. */
export interface BetaGrid {
  x: Float64Array;
  weight: Float64Array;
  pdf: Float64Array[];
  cdf: Float64Array[];
}

const GL_NODES = [
  -0.9739065285171717,
  -0.8650633666889845,
  -0.6794095682990244,
  -0.4333953941292472,
  -0.14887433898163122,
  0.14887433898163122,
  0.4333953941292472,
  0.6794095682990244,
  0.8650633666889845,
  0.9739065285171717,
];
const GL_WEIGHTS = [
  0.06667134430868814,
  0.1494513491505804,
  0.219086362515982,
  0.2692667193099965,
  0.2955242247147528,
  0.2955242247147528,
  0.2692667193099965,
  0.219086362515982,
  0.1494513491505804,
  0.06667134430868814,
];
const OFFSETS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 19, 24, 30, 37];

function unnormalizedDensity({ a, b }: BetaShape): (x: number) => number {
  const m = a / (a + b), mc = b / (a + b);
  return (x) => {
    let log = 0;
    // Clamped at −1: near an end, rounding may step past it (log1p of less than −1 is NaN).
    if (a !== 1) log += (a - 1) * Math.log1p(Math.max(-1, (x - m) / m));
    if (b !== 1) log += (b - 1) * Math.log1p(Math.max(-1, (m - x) / mc));
    return Math.exp(log);
  };
}

function breakpoints(shapes: readonly BetaShape[]): number[] {
  const points = [0, 1];
  for (const { a, b } of shapes) {
    const m = a / (a + b);
    const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
    for (const k of OFFSETS) {
      for (const p of [m - k * sd, m + k * sd]) if (p > 0 && p < 1) points.push(p);
    }
  }
  points.sort((p, q) => p - q);
  // A non-integer shape a (or b) makes the density behave like x^(a − 1) at 0 (or like that at
  // 1), which no polynomial follows: panels halving towards that end keep Gauss–Legendre exact
  // to ~1e-12 there (period-weighted posteriors, ./stratified.ts). Integer shapes keep the grid.
  const inner = points.filter((p) => p > 0 && p < 1);
  if (inner.length > 0 && shapes.some((s) => !Number.isInteger(s.a))) {
    for (let j = 1; j <= 60; j++) points.push(inner[0] * 2 ** -j);
  }
  if (inner.length > 0 && shapes.some((s) => !Number.isInteger(s.b))) {
    for (let j = 1; j <= 60; j++) points.push(1 - (1 - inner[inner.length - 1]) * 2 ** -j);
  }
  points.sort((p, q) => p - q);
  return points.filter((p, i) => i === 0 || p > points[i - 1]);
}

/** Integral of f over [lo, hi] by 10-point Gauss–Legendre. */
function gaussLegendre(f: (x: number) => number, lo: number, hi: number): number {
  const half = (hi - lo) / 2, mid = (hi + lo) / 2;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += GL_WEIGHTS[i] * f(mid + half * GL_NODES[i]);
  return sum * half;
}

/** Builds the grid for the given posteriors (see the module comment). */
export function betaGrid(shapes: readonly BetaShape[]): BetaGrid {
  const edges = breakpoints(shapes);
  const panels = edges.length - 1;
  const size = panels * 10;
  const x = new Float64Array(size), weight = new Float64Array(size);
  for (let p = 0; p < panels; p++) {
    const half = (edges[p + 1] - edges[p]) / 2, mid = (edges[p + 1] + edges[p]) / 2;
    for (let i = 0; i < 10; i++) {
      x[p * 10 + i] = mid + half * GL_NODES[i];
      weight[p * 10 + i] = half * GL_WEIGHTS[i];
    }
  }
  const pdf: Float64Array[] = [], cdf: Float64Array[] = [];
  for (const shape of shapes) {
    const g = unnormalizedDensity(shape);
    const density = new Float64Array(size), cumulative = new Float64Array(size);
    let before = 0;
    for (let p = 0; p < panels; p++) {
      let panelMass = 0;
      for (let i = 0; i < 10; i++) {
        const n = p * 10 + i;
        density[n] = g(x[n]);
        panelMass += weight[n] * density[n];
        cumulative[n] = before + gaussLegendre(g, edges[p], x[n]);
      }
      before += panelMass;
    }
    for (let n = 0; n < size; n++) {
      density[n] /= before;
      cumulative[n] = Math.min(1, cumulative[n] / before);
    }
    pdf.push(density);
    cdf.push(cumulative);
  }
  return { x, weight, pdf, cdf };
}
