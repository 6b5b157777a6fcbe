import type { Locale, MessageKey, Translate } from "../lib/i18n/mod.ts";

/** A bank as the picker lists it. */
export interface PickableBank {
  id: string;
  nameZh: string;
  nameEn: string;
}

/**
 * The form an admin (or anyone who reaches several banks) uses to choose a bank first: a
 * `GET action?bank=<id>` with the banks as `<id> · <name>`.
 */
export function BankPicker(
  { t, locale, action, banks, label, submit }: {
    t: Translate;
    locale: Locale;
    /** Where the form goes (the page itself). */
    action: string;
    banks: readonly PickableBank[];
    /** The select's label, e.g. `alerts.pickBank`. */
    label: MessageKey;
    /** The button, e.g. `alerts.show`. */
    submit: MessageKey;
  },
) {
  return (
    <form method="get" action={action} class="card inline-form" data-testid="bank-picker">
      <label>
        {t(label)}{" "}
        <select name="bank">
          {banks.map((b) => (
            <option value={b.id}>{`${b.id} · ${locale === "en" ? b.nameEn : b.nameZh}`}</option>
          ))}
        </select>
      </label>{" "}
      <button type="submit">{t(submit)}</button>
    </form>
  );
}
