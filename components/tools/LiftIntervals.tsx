import { formatPercent, type Locale } from "../../lib/i18n/mod.ts";
import type { Tone } from "./significance.ts";

export interface IntervalRow {
  name: string;
  lift: number;
  ci: number[];
  tone: Tone;
}

const WIDTH = 640, LEFT = 150, RIGHT = 620, ROW = 34, TOP = 10, AXIS = 28;

/** A round tick step (1, 2 or 5 × 10ᵏ) near `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled < 1.5 ? 1 : scaled < 3.5 ? 2 : scaled < 7.5 ? 5 : 10) * power;
}

/**
 * A horizontal interval plot drawn as SVG (server-rendered, printable, no script needed): one
 * row per challenger with its lift as a dot and its interval as a bar, and a line at zero.
 */
export function LiftIntervals(
  { rows, locale, label }: { rows: IntervalRow[]; locale: Locale; label: string },
) {
  if (rows.length === 0) return null;
  const ends = rows.flatMap((r) => r.ci).concat(0);
  let lo = Math.min(...ends), hi = Math.max(...ends);
  const pad = (hi - lo || 0.1) * 0.08;
  lo -= pad;
  hi += pad;
  const x = (v: number) => LEFT + ((v - lo) / (hi - lo)) * (RIGHT - LEFT);
  const height = TOP + rows.length * ROW + AXIS;
  const step = niceStep((hi - lo) / 4);
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) {
    ticks.push(Math.round(v / step) * step || 0);
  }
  const digits = Math.max(0, Math.min(3, -Math.floor(Math.log10(step * 100) + 1e-9)));
  return (
    <svg
      class="intervals"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label={label}
      data-testid="lift-chart"
    >
      {ticks.map((v) => (
        <g class="tick">
          <line x1={x(v)} x2={x(v)} y1={TOP} y2={height - AXIS} />
          <text x={x(v)} y={height - 8} text-anchor="middle">
            {formatPercent(locale, v, digits)}
          </text>
        </g>
      ))}
      <line class="zero" x1={x(0)} x2={x(0)} y1={TOP - 4} y2={height - AXIS} />
      {rows.map((r, i) => {
        const y = TOP + i * ROW + ROW / 2;
        return (
          <g class={`iv iv-${r.tone}`}>
            <text class="name" x={LEFT - 10} y={y + 4} text-anchor="end">
              {r.name.length > 16 ? `${r.name.slice(0, 15)}…` : r.name}
            </text>
            <line class="bar" x1={x(r.ci[0])} x2={x(r.ci[1])} y1={y} y2={y} />
            <circle cx={x(r.lift)} cy={y} r="5" />
          </g>
        );
      })}
    </svg>
  );
}
