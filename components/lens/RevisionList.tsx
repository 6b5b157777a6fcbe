import { formatDate, type Locale, type Translate } from "../../lib/i18n/mod.ts";
import { DataTable } from "../DataTable.tsx";

interface Props {
  revisions: { revision: number; status: string; changedAt: Date; changedBy: string | null }[];
  base: string;
  locale: Locale;
  t: Translate;
}

/** The history of an assessment, newest first, each revision viewable read-only. */
export function RevisionList({ revisions, base, locale, t }: Props) {
  if (revisions.length === 0) return null;
  return (
    <section class="card" data-testid="revisions">
      <h2>{t("lens.revisions")}</h2>
      <DataTable
        columns={[
          {
            header: t("lens.revision"),
            cell: (r) => (
              <>
                {r.revision}{" "}
                <span class="badge muted">
                  {t(r.status === "submitted" ? "lens.status.submitted" : "lens.status.draft")}
                </span>
              </>
            ),
          },
          { header: t("lens.changedAt"), cell: (r) => formatDate(locale, r.changedAt, true) },
          { header: t("lens.changedBy"), cell: (r) => r.changedBy ?? "—" },
          {
            header: "",
            cell: (r) => <a href={`${base}?revision=${r.revision}`}>{t("lens.viewRevision")}</a>,
          },
        ]}
        rows={revisions}
        rowKey={(r) => r.revision}
        rowProps={(r) => ({ "data-revision": String(r.revision) })}
      />
    </section>
  );
}
