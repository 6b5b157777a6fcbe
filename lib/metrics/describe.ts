/**
 * A metric definition in plain words, in the reader's language: what the library, the metric
 * page, the experiment form and the results page say a metric measures. Pure.
 *
 * "曝光后 7 天内至少发生一次 card_bound 的客户占比" / "Share of exposed customers with at least
 * one card_bound within 7 days of exposure". Windows of whole days are said in days, others in
 * hours; no window is "until the experiment stops". Percentile caps are said in percent
 * ("第 99 百分位", "the 99th percentile").
 */
import { formatNumber, type Locale, translator } from "../i18n/mod.ts";
import type {
  Aggregate,
  Cap,
  EventAggregate,
  LocalizedText,
  MetricKind,
  MetricSource,
} from "./definition.ts";

/** What a sentence needs: a definition (stored, built-in) or a metric's result. */
export interface Describable {
  kind: MetricKind;
  windowHours: number | null;
  source?: MetricSource;
  key?: string;
  event?: string | null;
  aggregate?: Aggregate | null;
  cap?: Cap | null;
  numerator?: EventAggregate | null;
  denominator?: EventAggregate | null;
}

/** The window as part of a sentence: "曝光后 7 天内" / "within 7 days of exposure". */
export function windowPhrase(locale: Locale, windowHours: number | null): string {
  const t = translator(locale);
  if (windowHours === null) return t("metrics.window.none");
  if (windowHours === 24) return t("metrics.window.day");
  if (windowHours === 1) return t("metrics.window.hour");
  return windowHours % 24 === 0
    ? t("metrics.window.days", { n: formatNumber(locale, windowHours / 24) })
    : t("metrics.window.hours", { n: formatNumber(locale, windowHours) });
}

/** The window on its own, for a table cell: "7 天" / "7 days", "至实验停止". */
export function windowShort(locale: Locale, windowHours: number | null): string {
  const t = translator(locale);
  if (windowHours === null) return t("metrics.windowShort.none");
  if (windowHours === 24) return t("metrics.windowShort.day");
  if (windowHours === 1) return t("metrics.windowShort.hour");
  return windowHours % 24 === 0
    ? t("metrics.windowShort.days", { n: formatNumber(locale, windowHours / 24) })
    : t("metrics.windowShort.hours", { n: formatNumber(locale, windowHours) });
}

/** An English ordinal for a percentile: 99 → "99th", 1 → "1st", 92 → "92nd", 99.5 → "99.5th". */
function ordinal(value: number, text: string): string {
  if (!Number.isInteger(value)) return `${text}th`;
  const teen = value % 100 >= 11 && value % 100 <= 13;
  const suffix = teen ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[
    value % 10
  ] ?? "th";
  return `${text}${suffix}`;
}

function capPhrase(locale: Locale, cap: Cap | null | undefined): string {
  if (!cap) return "";
  const t = translator(locale);
  if (cap.type === "absolute") {
    return t("metrics.describe.capAbsolute", {
      value: formatNumber(locale, cap.value, { maximumFractionDigits: 6 }),
    });
  }
  const percent = Math.round(cap.value * 1e6) / 1e4;
  const text = formatNumber(locale, percent, { maximumFractionDigits: 4 });
  return t("metrics.describe.capPercentile", {
    p: locale === "en" ? ordinal(percent, text) : text,
  });
}

function side(locale: Locale, part: EventAggregate): string {
  return translator(locale)(`metrics.describe.side.${part.aggregate}`, { event: part.event });
}

/** The definition in one sentence in `locale`. */
export function describeMetric(locale: Locale, d: Describable): string {
  const t = translator(locale);
  const window = windowPhrase(locale, d.windowHours);
  if (d.source === "opt_outs") return t("metrics.describe.optOut", { window });
  if (d.source === "experiment_conversions") {
    return t(
      d.kind === "mean" ? "metrics.describe.conversionValue" : "metrics.describe.conversion",
      { window },
    );
  }
  if (d.kind === "proportion") {
    return t("metrics.describe.proportion", { window, event: d.event ?? "—" });
  }
  if (d.kind === "mean") {
    const key = d.aggregate === "count" ? "metrics.describe.meanCount" : "metrics.describe.meanSum";
    return t(key, { window, event: d.event ?? "—" }) + capPhrase(locale, d.cap);
  }
  if (!d.numerator || !d.denominator) return "—";
  return t("metrics.describe.ratio", {
    window,
    numerator: side(locale, d.numerator),
    denominator: side(locale, d.denominator),
  });
}

/** A metric's name in the reader's language (the other language when that one is blank). */
export function metricName(locale: Locale, name: LocalizedText): string {
  return (locale === "en" ? name.en : name["zh-CN"]) || name.en || name["zh-CN"];
}
