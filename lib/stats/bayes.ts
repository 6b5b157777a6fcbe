/**
 * Bayesian read-out of conversion rates under uniform priors: each arm's rate has the posterior
 * Beta(1 + conversions, 1 + users − conversions). All probabilities are computed by numerical
 * integration on ./beta_quadrature.ts (deterministic, ~1e-12 absolute), not Monte Carlo.
 */
import { betaGrid, type BetaShape } from "./beta_quadrature.ts";
import type { ConversionStats } from "./types.ts";
import { checkConversions } from "./guards.ts";

/** The posterior Beta shape of an arm under the uniform Beta(1, 1) prior. */
export function posterior({ users, conversions }: ConversionStats): BetaShape {
  checkConversions([{ users, conversions }]);
  return { a: 1 + conversions, b: 1 + users - conversions };
}

/** The same arm counted the other way round: its rate r becomes 1 − r. */
function reflect({ users, conversions }: ConversionStats): ConversionStats {
  return { users, conversions: users - conversions };
}

/** True when some posterior mean is above ½, where doubles are too coarse for tight posteriors. */
function highRates(arms: readonly ConversionStats[]): boolean {
  return arms.some((a) => 2 * (1 + a.conversions) > 2 + a.users);
}

/** Chance to beat the control and the expected loss of shipping the variant. */
export interface BayesianComparison {
  /** P(p_variant > p_control), in [0, 1]. */
  chanceToBeatControl: number;
  /** E[max(p_control − p_variant, 0)], a rate (fraction) ≥ 0: what shipping the variant risks. */
  expectedLoss: number;
}

/**
 * Compares a variant with the control. chanceToBeatControl = ∫ f_v(x)·F_c(x) dx; expectedLoss =
 * ∫ x·f_c·F_v dx − (E[p_v] − ∫ x·f_v·F_c dx), i.e. E[p_c·1{p_c > p_v}] − E[p_v·1{p_c > p_v}].
 * Arms without users simply keep the uniform prior.
 */
export function bayesianComparison(
  control: ConversionStats,
  variant: ConversionStats,
): BayesianComparison {
  checkConversions([control, variant]);
  // P(V > C) = P(1 − C > 1 − V) and E[(C − V)⁺] = E[((1 − V) − (1 − C))⁺]: swap and reflect.
  if (highRates([control, variant])) return integrateComparison(reflect(variant), reflect(control));
  return integrateComparison(control, variant);
}

function integrateComparison(
  control: ConversionStats,
  variant: ConversionStats,
): BayesianComparison {
  const grid = betaGrid([posterior(control), posterior(variant)]);
  const [fc, fv] = grid.pdf, [Fc, Fv] = grid.cdf;
  let chance = 0, controlAbove = 0, variantBelowPart = 0, variantMean = 0;
  for (let n = 0; n < grid.x.length; n++) {
    const w = grid.weight[n], x = grid.x[n];
    chance += w * fv[n] * Fc[n];
    controlAbove += w * x * fc[n] * Fv[n];
    variantBelowPart += w * x * fv[n] * Fc[n];
    variantMean += w * x * fv[n];
  }
  const expectedLoss = controlAbove - (variantMean - variantBelowPart);
  return {
    chanceToBeatControl: Math.min(1, Math.max(0, chance)),
    expectedLoss: Math.max(0, expectedLoss),
  };
}

/**
 * P(arm i has the highest rate) for every arm: ∫ f_i(x)·∏_{j≠i} F_j(x) dx. Sums to 1 within
 * ~1e-12. Used by Thompson-sampling allocation (./bandits.ts).
 */
export function probabilityBest(arms: readonly ConversionStats[]): number[] {
  checkConversions(arms);
  // With high rates: P(i is the highest rate) = P(i is the lowest failure rate) = ∫ fᵢ ∏ (1 − Fⱼ).
  const reflected = highRates(arms);
  const grid = betaGrid((reflected ? arms.map(reflect) : arms).map(posterior));
  const tail = reflected ? grid.cdf.map((f) => f.map((v) => 1 - v)) : grid.cdf;
  const k = arms.length;
  const result = new Array<number>(k).fill(0);
  for (let n = 0; n < grid.x.length; n++) {
    for (let i = 0; i < k; i++) {
      let product = grid.weight[n] * grid.pdf[i][n];
      for (let j = 0; j < k && product > 0; j++) if (j !== i) product *= tail[j][n];
      result[i] += product;
    }
  }
  return result.map((p) => Math.min(1, Math.max(0, p)));
}
