import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { MODEL } from "../../lib/lens/model.ts";
import type { LensScore } from "../../lib/lens/scoring.ts";
import { levelLabel, nameOf } from "./names.ts";

interface Props {
  trend: { period: string; status: string; score: LensScore }[];
  bankId: string;
  locale: Locale;
  t: Translate;
  /** False where the section around the table already has the heading (the board report). */
  heading?: boolean;
}

/** Overall and dimension scores of every period, with the change since the previous one. */
export function TrendTable({ trend, bankId, locale, t, heading = true }: Props) {
  const signed = { maximumFractionDigits: 1, signDisplay: "exceptZero" } as const;
  return (
    <section class="card trend" data-testid="trend">
      {heading && <h2>{t("lens.trend")}</h2>}
      <table class="data">
        <thead>
          <tr>
            <th scope="col">{t("lens.period")}</th>
            <th scope="col" class="num">{t("lens.overall")}</th>
            <th scope="col" class="num">{t("lens.change")}</th>
            <th scope="col">{t("lens.level")}</th>
            {MODEL.dimensions.map((d) => (
              <th key={d.id} scope="col" class="num">{nameOf(locale, d)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {trend.map((row, k) => {
            const before = k > 0 ? trend[k - 1].score.overall.score : null;
            const now = row.score.overall.score;
            const change = before === null || now === null ? null : now - before;
            return (
              <tr data-period={row.period}>
                <td>
                  <a href={`/banks/${bankId}?period=${row.period}`}>{row.period}</a>
                  {row.status === "draft" && (
                    <span class="badge muted">{t("lens.status.draft")}</span>
                  )}
                </td>
                <td class="num">{formatNumber(locale, now)}</td>
                <td class="num">{formatNumber(locale, change, signed)}</td>
                <td>{levelLabel(t, row.score.overall.level)}</td>
                {row.score.dimensions.map((d) => (
                  <td class="num">{formatNumber(locale, d.score)}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
