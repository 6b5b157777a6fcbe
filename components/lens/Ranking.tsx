import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import type { RankingEntry } from "../../lib/lens/benchmark.ts";
import type { PeerSummary } from "../../lib/lens/peers.ts";
import { groupName } from "./names.ts";

interface Props {
  ranking: {
    summary: PeerSummary;
    n: number;
    entries: (RankingEntry & { bank: { nameZh: string; nameEn: string } })[];
  };
  locale: Locale;
  t: Translate;
}

/** The ranking by overall score: only banks in the viewer's scope are named. */
export function Ranking({ ranking, locale, t }: Props) {
  return (
    <section class="card" data-testid="ranking">
      <h2>{t("lens.ranking")} · {groupName(locale, t, ranking.summary.group)}</h2>
      {ranking.summary.group !== null && (
        <p class="muted small">{t("lens.rankNote", { n: ranking.n })}</p>
      )}
      {ranking.entries.length === 0
        ? <p class="muted">{t("lens.noRanking")}</p>
        : (
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t("lens.rank")}</th>
                <th scope="col">{t("banks.name")}</th>
                <th scope="col" class="num">{t("lens.overall")}</th>
                <th scope="col" class="num">{t("lens.percentile")}</th>
              </tr>
            </thead>
            <tbody>
              {ranking.entries.map((e) => (
                <tr data-bank={e.bankId}>
                  <td>{e.rank} / {ranking.n}</td>
                  <td>
                    <a href={`/banks/${e.bankId}`}>
                      {locale === "zh-CN" ? e.bank.nameZh : e.bank.nameEn}
                    </a>
                  </td>
                  <td class="num">{formatNumber(locale, e.score)}</td>
                  <td class="num">{formatNumber(locale, e.percentile)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </section>
  );
}
