/**
 * Indicator units as readers see them. The model (lib/lens/lens-model.json) states units in
 * English; `INDICATOR_UNITS` maps each to its message key.
 */
export const unitZh = {
  "unit.percent": "%",
  "unit.percentYoY": "%，同比",
  "unit.percentPerYear": "%/年",
  "unit.percentRelative": "%，相对提升",
  "unit.count": "个",
  "unit.daysMedian": "天，中位数",
  "unit.hours": "小时",
  "unit.per100kReached": "每 10 万触达",
  "unit.secondsP50": "秒，中位数",
} as const;

export const unitEn: Record<keyof typeof unitZh, string> = {
  "unit.percent": "%",
  "unit.percentYoY": "% YoY",
  "unit.percentPerYear": "% per year",
  "unit.percentRelative": "% relative",
  "unit.count": "count",
  "unit.daysMedian": "days (median)",
  "unit.hours": "hours",
  "unit.per100kReached": "per 100k reached",
  "unit.secondsP50": "seconds (p50)",
};

/** The model's unit → its message key. */
export const INDICATOR_UNITS: Record<string, keyof typeof unitZh> = {
  "%": "unit.percent",
  "% YoY": "unit.percentYoY",
  "% per year": "unit.percentPerYear",
  "% relative": "unit.percentRelative",
  "count": "unit.count",
  "days (median)": "unit.daysMedian",
  "hours": "unit.hours",
  "per 100k reached": "unit.per100kReached",
  "seconds (p50)": "unit.secondsP50",
};

/** A unit in the reader's language via `t`; a unit the map does not know is shown as is. */
export function unitLabel(t: (key: keyof typeof unitZh) => string, unit: string): string {
  const key = INDICATOR_UNITS[unit];
  return key ? t(key) : unit;
}
