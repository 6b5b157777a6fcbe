import type { AppliedTargeting, Targeting } from "../../lib/experiments/eligibility.ts";
import { keyFor, type Locale, translator } from "../../lib/i18n/mod.ts";

function conditions(locale: Locale, targeting: Targeting): string {
  const t = translator(locale);
  const list = (items: string[]) => items.join(locale === "en" ? " or " : "或");
  const parts = [];
  if (targeting.stages?.length) {
    const stages = targeting.stages.map((s) => {
      const key = keyFor("loop.stage.", s);
      return key ? t(key) : s;
    });
    parts.push(t("targeting.stages", { list: list(stages) }));
  }
  if (targeting.tags?.length) parts.push(t("targeting.tags", { list: list(targeting.tags) }));
  return parts.join(locale === "en" ? " and " : "且");
}

/** Which targeting applies to an experiment: the campaign's segment, its own, or both. */
export function AppliedTargetingNote(
  { applied, locale }: { applied: AppliedTargeting; locale: Locale },
) {
  const t = translator(locale);
  const wrap = (text: string) => locale === "en" ? `(${text})` : `（${text}）`;
  return (
    <p class="small" data-testid="targeting" data-source={applied.source}>
      {t("targeting.title")}
      {locale === "en" ? ": " : "："}
      {t(`targeting.${applied.source}`, {
        segment: wrap(conditions(locale, applied.segment)),
        own: wrap(conditions(locale, applied.own)),
      })}
    </p>
  );
}
