import { formatNumber, type Locale, type Translate } from "../../lib/i18n/mod.ts";

/** One event name's recent traffic (db/metric_preview.ts `previewEvents`). */
export interface EventPreview {
  event: string;
  events: number;
  customers: number;
  sample: number[];
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
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">{t("metrics.preview.event")}</th>
                  <th scope="col" class="num">{t("metrics.preview.events")}</th>
                  <th scope="col" class="num">{t("metrics.preview.customers")}</th>
                  <th scope="col">{t("metrics.preview.sample")}</th>
                </tr>
              </thead>
              <tbody>
                {preview.map((p) => (
                  <tr data-event={p.event}>
                    <th scope="row">
                      <code>{p.event}</code>
                    </th>
                    <td class="num" data-testid="preview-events">{num(p.events)}</td>
                    <td class="num" data-testid="preview-customers">{num(p.customers)}</td>
                    <td>
                      {p.sample.length > 0
                        ? p.sample.map(num).join(" · ")
                        : <span class="muted">{t("metrics.preview.noValues")}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      {preview.length > 0 && preview.every((p) => p.events === 0) && (
        <p class="warning" data-testid="preview-none">{t("metrics.preview.none")}</p>
      )}
    </section>
  );
}
