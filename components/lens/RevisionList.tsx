import { formatDate, type Locale, type Translate } from "../../lib/i18n/mod.ts";

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
      <table class="data">
        <thead>
          <tr>
            <th scope="col">{t("lens.revision")}</th>
            <th scope="col">{t("lens.changedAt")}</th>
            <th scope="col">{t("lens.changedBy")}</th>
            <th scope="col"></th>
          </tr>
        </thead>
        <tbody>
          {revisions.map((r) => (
            <tr data-revision={r.revision}>
              <td>
                {r.revision}{" "}
                <span class="badge muted">
                  {t(r.status === "submitted" ? "lens.status.submitted" : "lens.status.draft")}
                </span>
              </td>
              <td>{formatDate(locale, r.changedAt, true)}</td>
              <td>{r.changedBy ?? "—"}</td>
              <td>
                <a href={`${base}?revision=${r.revision}`}>{t("lens.viewRevision")}</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
