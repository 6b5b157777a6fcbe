/** Props of the `LensRadar` island: a bank's scores against its group's median and leaders. */
import type { Locale, Translate } from "../../lib/i18n/mod.ts";
import type { FigureBenchmark } from "../../lib/lens/benchmark.ts";
import { MODEL } from "../../lib/lens/model.ts";
import type { LensScore } from "../../lib/lens/scoring.ts";
import type { LensRadarProps } from "../../islands/LensRadar.tsx";
import { nameOf } from "./names.ts";

export function radarProps(
  kind: "dimension" | "capability",
  score: LensScore | null,
  benchmarks: Map<string, FigureBenchmark>,
  options: { locale: Locale; t: Translate; bankName: string; testid?: string },
): LensRadarProps {
  const { locale, t } = options;
  const items = kind === "dimension"
    ? MODEL.dimensions
    : MODEL.dimensions.flatMap((d) => d.capabilities);
  const stat = (id: string, key: "median" | "leaders") =>
    benchmarks.get(`${kind}:${id}`)?.summary[key] ?? null;
  const own = score
    ? (kind === "dimension"
      ? score.dimensions.map((d) => d.score)
      : score.dimensions.flatMap((d) => d.capabilities.map((c) => c.score)))
    : null;
  return {
    locale,
    title: t(kind === "dimension" ? "lens.radarDimensions" : "lens.radarCapabilities"),
    testid: options.testid ?? `radar-${kind}`,
    labels: items.map((i) => nameOf(locale, i)),
    series: [
      ...(own ? [{ kind: "bank" as const, label: options.bankName, data: own }] : []),
      { kind: "median", label: t("lens.peerMedian"), data: items.map((i) => stat(i.id, "median")) },
      { kind: "q3", label: t("lens.peerLeaders"), data: items.map((i) => stat(i.id, "leaders")) },
    ],
  };
}
