/** Display helpers shared by the lens pages: names in the page's language, values with units. */
import { formatNumber, type Locale, type MessageKey, type Translate } from "../../lib/i18n/mod.ts";
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
  return ["national", "regional", "all"].includes(id) ? t(`lens.group.${id}` as MessageKey) : id;
}

/** `L3` for a maturity level, the number for a metric (its unit is shown beside it). */
export function formatValue(locale: Locale, indicator: Indicator, value: number | null): string {
  if (value === null) return "—";
  if (indicator.type === "maturity") return `L${value}`;
  return formatNumber(locale, value, { maximumFractionDigits: 2 });
}

export function levelLabel(t: Translate, level: number | null): string {
  return level === null ? "—" : `L${level} ${t(`level.${level}` as MessageKey)}`;
}

/** The rubric text of a level in the page's language (rubrics are written "中文 / English"). */
export function rubricText(locale: Locale, text: string): string {
  const [zh, en] = text.split(" / ");
  if (en === undefined) return text;
  return locale === "zh-CN" ? zh : en;
}
