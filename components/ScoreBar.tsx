/**
 * A 0–100 score as a horizontal bar, drawn in SVG (attributes, not inline styles, so the
 * Content-Security-Policy can forbid inline styles). Five bands mark the maturity levels.
 */
export function ScoreBar({ score }: { score: number | null }) {
  const width = score === null ? 0 : Math.max(0, Math.min(100, score));
  return (
    <svg class="score-bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
      <rect x="0" y="0" width="100" height="8" class="track" />
      <rect x="0" y="0" width={width} height="8" class={`fill level-${levelBand(score)}`} />
      {[20, 40, 60, 80].map((x) => <line key={x} x1={x} x2={x} y1="0" y2="8" class="tick" />)}
    </svg>
  );
}

function levelBand(score: number | null): number {
  if (score === null) return 0;
  return Math.min(5, Math.floor(score / 20) + 1);
}
