/**
 * Links within the metric library. Metric keys are unique per bank, so every link names the
 * bank: `/metrics/<key>?bank=<bank>`.
 */
export function metricHref(bankId: string, key = "", action = ""): string {
  const path = key ? `/metrics/${encodeURIComponent(key)}${action}` : `/metrics${action}`;
  return `${path}?bank=${encodeURIComponent(bankId)}`;
}
