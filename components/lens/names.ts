/** Display helpers shared by the lens pages: names in the page's language, values with units. */
import { formatNumber, keyFor, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { type Indicator, MODEL, type Named } from "../../lib/lens/model.ts";

export function nameOf(locale: Locale, named: Named | undefined): string {
  if (!named) return "";
  return locale === "zh-CN" ? named.name_zh : named.name_en;
}

/** A peer group's name: a model group, or one of the aggregates national/regional/all. */
export function groupName(locale: Locale, t: Translate, id: string | null): string {
  if (id === null) return "—";
  const group = MODEL.peer_groups.find((g) => g.id === id);
  if (group) return nameOf(locale, group);
  const key = keyFor("lens.group.", id);
  return key ? t(key) : id;
}

/** `L3` for a maturity level, the number for a metric (its unit is shown beside it). */
export function formatValue(locale: Locale, indicator: Indicator, value: number | null): string {
  if (value === null) return "—";
  if (indicator.type === "maturity") return `L${value}`;
  return formatNumber(locale, value, { maximumFractionDigits: 2 });
}

export function levelLabel(t: Translate, level: number | null): string {
  if (level === null) return "—";
  const key = keyFor("level.", level);
  return key ? `L${level} ${t(key)}` : `L${level}`;
}

/** The rubric text of a level in the page's language (rubrics are written "中文 / English"). */
export function rubricText(locale: Locale, text: string): string {
  const [zh, en] = text.split(" / ");
  if (en === undefined) return text;
  return locale === "zh-CN" ? zh : en;
}
