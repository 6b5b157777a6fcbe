import { type Column, DataTable } from "../DataTable.tsx";
import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";

/** One event name's recent traffic (db/metric_preview.ts `previewEvents`). */
export interface EventPreview {
  event: string;
  events: number;
  customers: number;
  sample: number[];
}

function previewColumns(t: Translate, num: (v: number) => string): Column<EventPreview>[] {
  return [
    { header: t("metrics.preview.event"), rowHeader: true, cell: (p) => <code>{p.event}</code> },
    {
      header: t("metrics.preview.events"),
      numeric: true,
      cellProps: () => ({ "data-testid": "preview-events" }),
      cell: (p) => num(p.events),
    },
    {
      header: t("metrics.preview.customers"),
      numeric: true,
      cellProps: () => ({ "data-testid": "preview-customers" }),
      cell: (p) => num(p.customers),
    },
    {
      header: t("metrics.preview.sample"),
      cell: (p) =>
        p.sample.length > 0
          ? p.sample.map(num).join(" · ")
          : <span class="muted">{t("metrics.preview.noValues")}</span>,
    },
  ];
}

/** The metric form's preview: per chosen event, events and customers of the last 7 days. */
export function PreviewTable(
  { t, locale, preview }: { t: Translate; locale: Locale; preview: EventPreview[] },
) {
  const num = (v: number) => formatNumber(locale, v, { maximumFractionDigits: 2 });
  return (
    <section class="metric-preview" data-testid="metric-preview-result" aria-live="polite">
      <h3>{t("metrics.preview.title")}</h3>
      {preview.length === 0
        ? <p class="muted">{t("metrics.preview.noEvent")}</p>
        : (
          <div class="table-scroll">
            <DataTable
              columns={previewColumns(t, num)}
              rows={preview}
              rowProps={(p) => ({ "data-event": p.event })}
            />
          </div>
        )}
      {preview.length > 0 && preview.every((p) => p.events === 0) && (
        <p class="warning" data-testid="preview-none">{t("metrics.preview.none")}</p>
      )}
    </section>
  );
}
