/**
 * A mutual-exclusion layer as a bar from 0 to 100 %: the ranges running experiments hold (the
 * rest is free), and below it each experiment's own range, coloured by its status and labelled
 * with its key, status and range. SVG with presentation attributes (the Content-Security-Policy
 * forbids inline styles); every figure is also in the table's text.
 */
import { DataTable } from "../DataTable.tsx";
import { type LayerWithExperiments, rangePercent } from "../../lib/governance/layers.ts";
import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";

/** Fill colour per status: running stands out, drafts are pale, finished ones grey. */
export const STATUS_FILL = {
  running: "#1f7a4d",
  draft: "#8fb3d9",
  stopped: "#9aa3ad",
  decided: "#5b4b9a",
} as const;

const TICKS = [25, 50, 75];
const pc = (fraction: number) => `${Math.round(fraction * 1e6) / 1e4}%`;

// No viewBox: x and width in percent of the bar's width, so text keeps its size at any width.
function Segment(props: { range: [number, number]; fill: string; title: string; height: number }) {
  const [from, to] = props.range;
  return (
    <rect
      x={pc(from)}
      y="0"
      width={pc(to - from)}
      height={props.height}
      fill={props.fill}
      stroke="#ffffff"
      stroke-width="1"
    >
      <title>{props.title}</title>
    </rect>
  );
}

function Track(
  props: { label: string; height: number; children: preact.ComponentChildren; testid?: string },
) {
  return (
    <svg
      width="100%"
      height={props.height}
      role="img"
      aria-label={props.label}
      class="layer-bar"
      data-testid={props.testid}
    >
      <rect x="0" y="0" width="100%" height={props.height} fill="#edf1f5" />
      {props.children}
      {TICKS.map((x) => (
        <line
          key={x}
          x1={`${x}%`}
          x2={`${x}%`}
          y1={props.height - 4}
          y2={props.height}
          stroke="#5b6570"
          stroke-width="1"
        />
      ))}
    </svg>
  );
}

/** 0 %, 25 %, 50 %, 75 %, 100 % under the bar, at their places. */
function Scale({ locale }: { locale: Locale }) {
  const marks = [0, 25, 50, 75, 100];
  return (
    <svg width="100%" height="16" aria-hidden="true" class="layer-scale">
      {marks.map((m) => (
        <text
          key={m}
          x={`${m}%`}
          y="12"
          font-size="11"
          fill="#5b6570"
          text-anchor={m === 0 ? "start" : m === 100 ? "end" : "middle"}
        >
          {`${formatNumber(locale, m)}%`}
        </text>
      ))}
    </svg>
  );
}

/** A running experiment's key inside its segment, clipped to it. */
function SegmentLabel(props: { id: string; range: [number, number]; text: string }) {
  const [from, to] = props.range;
  return (
    <>
      <clipPath id={props.id}>
        <rect x={pc(from)} y="0" width={pc(to - from)} height="28" />
      </clipPath>
      <text
        x={pc(from)}
        dx="6"
        y="18"
        font-size="12"
        fill="#ffffff"
        clip-path={`url(#${props.id})`}
        aria-hidden="true"
      >
        {props.text}
      </text>
    </>
  );
}

export function LayerBar(props: { layer: LayerWithExperiments; t: Translate; locale: Locale }) {
  const { layer, t, locale } = props;
  const pct = (value: number) => formatNumber(locale, value, { maximumFractionDigits: 2 });
  const label = (e: LayerWithExperiments["experiments"][number]) => {
    const [from, to] = rangePercent(e.range);
    return t("layers.segment", {
      experiment: e.key,
      status: t(`loop.status.${e.status}`),
      from: pct(from),
      to: pct(to),
    });
  };
  const running = layer.experiments.filter((e) => e.status === "running");
  return (
    <div class="layer" data-testid={`layer-${layer.key}`}>
      <Track
        label={t("layers.bar", { layer: layer.name })}
        height={28}
        testid={`layer-bar-${layer.key}`}
      >
        {running.map((e) => (
          <Segment range={e.range} fill={STATUS_FILL.running} title={label(e)} height={28} />
        ))}
        {running.map((e) => (
          <SegmentLabel id={`layer-${layer.key}-${e.key}`} range={e.range} text={e.key} />
        ))}
      </Track>
      <Scale locale={locale} />
      {layer.experiments.length === 0 ? <p class="muted">{t("layers.none")}</p> : (
        <DataTable
          class="layer-table"
          columns={[
            {
              header: t("layers.table.experiment"),
              cell: (e) => (
                <>
                  <a href={`/experiments/${e.key}?bank=${layer.bankId}`}>{e.key}</a>
                  <div class="muted small">{e.name}</div>
                </>
              ),
            },
            {
              header: t("layers.table.range"),
              cell: (e) => {
                const [from, to] = rangePercent(e.range);
                return (
                  <>
                    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
                      <rect width="12" height="12" rx="2" fill={STATUS_FILL[e.status]} />
                    </svg>{" "}
                    {`${t(`loop.status.${e.status}`)} · ${pct(from)}%–${pct(to)}%`}
                    <Track label={label(e)} height={10}>
                      <Segment
                        range={e.range}
                        fill={STATUS_FILL[e.status]}
                        title={label(e)}
                        height={10}
                      />
                    </Track>
                  </>
                );
              },
            },
          ]}
          rows={layer.experiments}
          rowProps={(e) => ({ "data-testid": `layer-experiment-${e.key}` })}
        />
      )}
    </div>
  );
}
