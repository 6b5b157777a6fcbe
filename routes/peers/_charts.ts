/** Props of the `QuartileChart` island from benchmarked figures. */
import { nameOf } from "../../components/lens/names.ts";
import type { QuartileChartProps } from "../../islands/QuartileChart.tsx";
import type { Locale, Translate } from "../../lib/i18n/mod.ts";
import type { FigureBenchmark } from "../../lib/lens/benchmark.ts";
import { capabilityById, dimensionById } from "../../lib/lens/model.ts";

export function quartileProps(
  kind: "dimension" | "capability",
  figures: FigureBenchmark[],
  withBank: boolean,
  options: { locale: Locale; t: Translate; bankName: string },
): QuartileChartProps {
  const { locale, t } = options;
  const list = figures.filter((f) => f.kind === kind);
  const named = (f: FigureBenchmark) =>
    nameOf(locale, kind === "dimension" ? dimensionById(f.id) : capabilityById(f.id));
  return {
    locale,
    title: `${t("lens.quartiles")} · ${
      t(kind === "dimension" ? "lens.dimensions" : "lens.capabilities")
    }`,
    testid: `quartiles-${kind}`,
    labels: list.map(named),
    q1: list.map((f) => f.summary.q1),
    median: list.map((f) => f.summary.median),
    q3: list.map((f) => f.summary.q3),
    bank: withBank ? list.map((f) => f.value) : null,
    names: {
      iqr: `${t("lens.peerQ1")} – ${t("lens.peerQ3")}`,
      median: t("lens.peerMedian"),
      bank: options.bankName,
    },
  };
}
