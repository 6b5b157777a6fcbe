/**
 * Links to an experiment's pages. Keys are unique per bank only (two banks may both run
 * `b-draft`), so every link and form names the bank: `/experiments/<key>?bank=<bank>`. A link
 * without `?bank=` still works where the key is unambiguous (a user of one bank).
 */
export function experimentHref(
  experiment: { key: string; bankId: string },
  action = "",
): string {
  return `/experiments/${encodeURIComponent(experiment.key)}${action}?bank=${
    encodeURIComponent(experiment.bankId)
  }`;
}
