/** The evidence of an assessment's values as the JSON API shows it (issue 19 part 6). */
import { confidenceShares, sourceOf, type ValueEvidence } from "../../lib/lens/evidence.ts";
import type { LensScore } from "../../lib/lens/scoring.ts";

/**
 * `provenance`: per indicator with a value, `{source, note?, link?}` (the field names a value
 * takes in a PUT); `confidence`: the shares (0–1) of the overall score's weight resting on
 * verified and on measured values (null when the overall score is insufficient).
 */
export function provenanceOf(
  a: {
    values: Record<string, number>;
    evidence: Record<string, string>;
    valueEvidence: Record<string, ValueEvidence>;
  },
  score: LensScore,
) {
  const provenance = Object.fromEntries(
    Object.keys(a.values).map((id) => {
      const note = Object.hasOwn(a.evidence, id) ? a.evidence[id] : undefined;
      const link = a.valueEvidence[id]?.link;
      return [id, {
        source: sourceOf(a.valueEvidence, id),
        ...(note ? { note } : {}),
        ...(link ? { link } : {}),
      }];
    }),
  );
  return { provenance, confidence: confidenceShares(score, a.valueEvidence) };
}
