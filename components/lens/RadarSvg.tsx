/**
 * A 0–100 radar drawn on the server as SVG, for the printed board report: vector in the PDF,
 * sized by the page rather than by a canvas, and readable in black and white (each series has
 * its own line pattern and marker shape, and the legend repeats them).
 */
import type { LensRadarProps, RadarSeries } from "../../islands/LensRadar.tsx";

const STYLE: Record<
  RadarSeries["kind"],
  { stroke: string; dash?: string; width: number; fill: boolean; marker: Marker }
> = {
  bank: { stroke: "#1d4ed8", width: 2.6, fill: true, marker: "circle" },
  median: { stroke: "#374151", dash: "7 4", width: 1.8, fill: false, marker: "square" },
  q3: { stroke: "#9a3412", dash: "2 3", width: 1.8, fill: false, marker: "triangle" },
  other: { stroke: "#047857", dash: "10 3 2 3", width: 1.8, fill: false, marker: "diamond" },
};

type Marker = "circle" | "square" | "triangle" | "diamond";

function MarkerShape({ kind, x, y, r, stroke }: {
  kind: Marker;
  x: number;
  y: number;
  r: number;
  stroke: string;
}) {
  const common = { stroke, "stroke-width": 1.4 };
  if (kind === "circle") return <circle cx={x} cy={y} r={r} fill={stroke} {...common} />;
  if (kind === "square") {
    return <rect x={x - r} y={y - r} width={2 * r} height={2 * r} fill="#fff" {...common} />;
  }
  const pts = kind === "triangle"
    ? [[x, y - r * 1.3], [x + r * 1.2, y + r * 0.9], [x - r * 1.2, y + r * 0.9]]
    : [[x, y - r * 1.3], [x + r * 1.1, y], [x, y + r * 1.3], [x - r * 1.1, y]];
  return <polygon points={pts.map((p) => p.join(",")).join(" ")} fill="#fff" {...common} />;
}

/** Splits a label into lines of at most `max` characters (at spaces in English). */
export function wrapLabel(label: string, max: number): string[] {
  // English wraps at spaces; Chinese between characters, never inside a Latin word ("API").
  const spaced = /\s/.test(label) && !/[\u3400-\u9fff]/.test(label);
  const words = spaced ? label.split(/\s+/) : label.match(/[A-Za-z0-9.+-]+|\s+|./gu) ?? [];
  const joiner = spaced ? " " : "";
  // Balanced lines: 8 characters at 7 a line give 4 + 4, not 7 + 1.
  const total = Array.from(label).length;
  if (!spaced) max = Math.ceil(total / Math.ceil(total / max));
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    const next = line ? line + joiner + word : word;
    if (Array.from(next).length > max && line) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

const LEGEND_FONT = 13;

/** Rough width of a text in font units: CJK characters are square, others about half. */
function textWidth(text: string, size: number): number {
  return Array.from(text).reduce(
    (w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 1 : 0.56),
    0,
  ) *
    size;
}

/** Legend entries side by side and centred: x of each entry's sample line. */
function legend(labels: string[], width: number): { x: number; label: string }[] {
  const gap = 22;
  const sizes = labels.map((l) => 44 + textWidth(l, LEGEND_FONT));
  const total = sizes.reduce((a, b) => a + b, 0) + gap * (labels.length - 1);
  let x = Math.max(4, (width - total) / 2);
  return labels.map((label, k) => {
    const at = x;
    x += sizes[k] + gap;
    return { x: at, label };
  });
}

const fmt = (v: number) => (Math.round(v * 10) / 10).toString();

export function RadarSvg({ title, testid, labels, series, locale }: LensRadarProps) {
  const many = labels.length > 6;
  const width = many ? 640 : 520;
  const radius = many ? 185 : 140;
  const cx = width / 2;
  const cy = radius + (many ? 70 : 60);
  const legendY = cy + radius + (many ? 70 : 60);
  const height = legendY + 24;
  const maxChars = locale === "zh-CN" ? (many ? 7 : 10) : (many ? 15 : 22);
  const angle = (k: number) => -Math.PI / 2 + (2 * Math.PI * k) / labels.length;
  const at = (k: number, value: number) => [
    cx + Math.cos(angle(k)) * radius * value / 100,
    cy + Math.sin(angle(k)) * radius * value / 100,
  ];
  const ring = (v: number) => labels.map((_, k) => at(k, v).map(fmt).join(",")).join(" ");
  return (
    <figure class="radar-svg" data-testid={testid}>
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={title}
        class="radar-svg-chart"
      >
        {[20, 40, 60, 80, 100].map((v) => (
          <polygon
            points={ring(v)}
            fill="none"
            stroke="#b8c0c8"
            stroke-width={v === 100 ? 1.2 : 0.7}
          />
        ))}
        {labels.map((_, k) => {
          const [x, y] = at(k, 100);
          return (
            <line x1={cx} y1={cy} x2={fmt(x)} y2={fmt(y)} stroke="#b8c0c8" stroke-width="0.7" />
          );
        })}
        {[20, 40, 60, 80, 100].map((v) => (
          <text x={cx + 4} y={fmt(cy - radius * v / 100 + 11)} font-size="10" fill="#5b6876">
            {v}
          </text>
        ))}
        {series.map((s) => {
          const style = STYLE[s.kind];
          const points = s.data.flatMap((v, k) => v === null ? [] : [at(k, v)]);
          if (points.length === 0) return null;
          return (
            <g data-series={s.kind}>
              <polygon
                points={points.map((p) => p.map(fmt).join(",")).join(" ")}
                fill={style.fill ? style.stroke : "none"}
                fill-opacity={style.fill ? 0.14 : undefined}
                stroke={style.stroke}
                stroke-width={style.width}
                stroke-dasharray={style.dash}
                stroke-linejoin="round"
              />
              {points.map(([x, y]) => (
                <MarkerShape kind={style.marker} x={x} y={y} r={3.6} stroke={style.stroke} />
              ))}
            </g>
          );
        })}
        {labels.map((label, k) => {
          const [x, y] = at(k, 100);
          const dx = x - cx;
          const anchor = Math.abs(dx) < 8 ? "middle" : dx > 0 ? "start" : "end";
          const lines = wrapLabel(label, maxChars);
          const lx = x + Math.cos(angle(k)) * 12;
          const above = y < cy - radius * 0.6;
          const ly = above ? y - 18 - (lines.length - 1) * 14 : y + Math.sin(angle(k)) * 12 + 4;
          return (
            <text x={fmt(lx)} y={fmt(ly)} text-anchor={anchor} font-size="13" fill="#1d2733">
              {lines.map((line, i) => (
                <tspan key={i} x={fmt(lx)} dy={i === 0 ? 0 : 14}>{line}</tspan>
              ))}
            </text>
          );
        })}
        {legend(series.map((s) => s.label), width).map(({ x: x0, label }, i) => {
          const style = STYLE[series[i].kind];
          return (
            <g class="legend-item">
              <line
                x1={x0}
                x2={x0 + 36}
                y1={legendY}
                y2={legendY}
                stroke={style.stroke}
                stroke-width={style.width}
                stroke-dasharray={style.dash}
              />
              <MarkerShape
                kind={style.marker}
                x={x0 + 18}
                y={legendY}
                r={3.6}
                stroke={style.stroke}
              />
              <text x={x0 + 44} y={legendY + 4.5} font-size={LEGEND_FONT} fill="#1d2733">
                {label}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
