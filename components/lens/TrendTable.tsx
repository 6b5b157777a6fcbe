import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { type Column, DataTable } from "../DataTable.tsx";
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
  const rows = trend.map((row, k) => {
    const before = k > 0 ? trend[k - 1].score.overall.score : null;
    const now = row.score.overall.score;
    return { ...row, now, change: before === null || now === null ? null : now - before };
  });
  type Row = (typeof rows)[number];
  const columns: Column<Row>[] = [
    {
      header: t("lens.period"),
      cell: (row) => (
        <>
          <a href={`/banks/${bankId}?period=${row.period}`}>{row.period}</a>
          {row.status === "draft" && <span class="badge muted">{t("lens.status.draft")}</span>}
        </>
      ),
    },
    { header: t("lens.overall"), numeric: true, cell: (row) => formatNumber(locale, row.now) },
    {
      header: t("lens.change"),
      numeric: true,
      cell: (row) => formatNumber(locale, row.change, signed),
    },
    { header: t("lens.level"), cell: (row) => levelLabel(t, row.score.overall.level) },
    ...MODEL.dimensions.map((d, k): Column<Row> => ({
      header: nameOf(locale, d),
      numeric: true,
      cell: (row) => formatNumber(locale, row.score.dimensions[k]?.score),
    })),
  ];
  return (
    <section class="card trend" data-testid="trend">
      {heading && <h2>{t("lens.trend")}</h2>}
      <DataTable
        columns={columns}
        rows={rows}
        rowKey={(row) => row.period}
        rowProps={(row) => ({ "data-period": row.period })}
      />
    </section>
  );
}
