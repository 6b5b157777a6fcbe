/**
 * The significance calculator on its form fields: validation into messages per row, the
 * read-out of lib/stats/analysis.ts, and a verdict per challenger in plain words.
 */
import { formatNumber, formatPercent, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import {
  analyzeProportions,
  type ProportionsAnalysis,
  type ProportionsRow,
} from "../../lib/stats/analysis.ts";
import { parseInteger } from "./inputs.ts";

/** One arm as typed. */
export interface ArmInput {
  [key: string]: unknown;
  name: string;
  users: string;
  conversions: string;
}

export const MAX_ARMS = 20;
const MAX_USERS = 1e12;

/** The default arms: a control at 5.0 % and a variant at 5.6 %, 10,000 users each. */
export function defaultArms(t: Translate): ArmInput[] {
  return [
    { name: t("tools.sig.control"), users: "10000", conversions: "500" },
    { name: t("tools.sig.variant", { n: 1 }), users: "10000", conversions: "560" },
  ];
}

export type SignificanceOutcome =
  | { ok: true; analysis: ProportionsAnalysis }
  | { ok: false; errors: string[] };

/** Validates the arms (the same bounds as POST /api/stats/proportions) and analyses them. */
export function analyzeArms(
  arms: readonly ArmInput[],
  options: { sequential: boolean; alpha?: number },
  t: Translate,
): SignificanceOutcome {
  const errors: string[] = [];
  if (arms.length < 2 || arms.length > MAX_ARMS) errors.push(t("tools.err.armCount"));
  const names = new Set<string>();
  const parsed = arms.map((arm, i) => {
    const row = (message: string) => errors.push(t("tools.sig.armsError", { row: i + 1, message }));
    const name = arm.name.trim();
    if (!name || names.has(name)) row(t("tools.err.name"));
    names.add(name);
    const users = parseInteger(arm.users, 1, MAX_USERS);
    const conversions = parseInteger(arm.conversions, 0, MAX_USERS);
    if (users === null) row(t("tools.err.users"));
    else if (conversions === null || conversions > users) row(t("tools.err.conversions"));
    return { name, users: users ?? 0, conversions: conversions ?? 0 };
  });
  if (errors.length > 0) return { ok: false, errors };
  try {
    return { ok: true, analysis: analyzeProportions(parsed, options) };
  } catch (error) {
    return { ok: false, errors: [t("tools.err.compute", { message: String(error) })] };
  }
}

export type Tone = "win" | "lose" | "unsure" | "none";

/** A confidence level as people read it: "95%", "97.5%", "98.3%". */
export function levelText(locale: Locale, level: number): string {
  return formatNumber(locale, level, { style: "percent", maximumFractionDigits: 1 });
}

/** The figure a verdict and the interval chart show: relative lift, else absolute lift. */
export function liftOf(
  row: ProportionsRow,
): { relative: boolean; lift: number; ci: number[] } | null {
  if (row.relativeLift !== null && row.relativeCi) {
    return { relative: true, lift: row.relativeLift, ci: row.relativeCi };
  }
  if (row.ci) return { relative: false, lift: row.absoluteLift, ci: row.ci };
  return null;
}

/** A challenger's verdict in plain words, e.g. "版本 1的转化率比对照高 12.0%（95% 置信区间 …），差异尚不显著". */
export function verdict(
  row: ProportionsRow,
  analysis: ProportionsAnalysis,
  { locale, t }: { locale: Locale; t: Translate },
): { tone: Tone; text: string } {
  const figure = liftOf(row);
  if (!figure || row.pValue === null) {
    return { tone: "none", text: t("tools.verdict.noData", { name: row.variant }) };
  }
  const show = (v: number, abs = false) => {
    const value = abs ? Math.abs(v) : v;
    return figure.relative
      ? formatPercent(locale, value, 1)
      : t("tools.verdict.points", { value: formatPercent(locale, value, 2).replace(/\s?%$/, "") });
  };
  const up = figure.lift >= 0;
  const tone: Tone = row.significant ? (up ? "win" : "lose") : "unsure";
  const key = tone === "win"
    ? "tools.verdict.win"
    : tone === "lose"
    ? "tools.verdict.lose"
    : up
    ? "tools.verdict.unsureUp"
    : "tools.verdict.unsureDown";
  return {
    tone,
    text: t(key, {
      name: row.variant,
      lift: show(figure.lift, true),
      level: levelText(locale, row.ciLevel ?? 1 - analysis.alpha),
      lo: show(figure.ci[0]),
      hi: show(figure.ci[1]),
    }),
  };
}
