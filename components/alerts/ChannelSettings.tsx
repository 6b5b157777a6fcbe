import type { Locale, Translate } from "../../lib/i18n/mod.ts";
import {
  CHANNEL_KINDS,
  type ChannelKind,
  MESSAGE_TYPES,
  type MessageType,
  type NotifyLocale,
} from "../../lib/notify/types.ts";

/** The alert types a channel can choose from on the form (the others are not raised yet). */
export const OFFERED_TYPES: readonly MessageType[] = MESSAGE_TYPES.filter((m) =>
  m !== "cap_pressure"
);

/** What the page shows of a channel (db/notification_channels.ts `ChannelView`). */
export interface ChannelRow {
  id: string;
  kind: ChannelKind;
  name: string;
  urlHint: string;
  hasSecret: boolean;
  events: MessageType[] | null;
  locale: NotifyLocale;
}

/** What the page shows of a delivery (db/deliveries.ts `DeliveryView`). */
export interface DeliveryRow {
  channelId: string;
  type: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastAnswer: string | null;
  createdAt: Date;
}

type ViewProps = {
  bankId: string;
  channels: readonly ChannelRow[];
  deliveries: readonly DeliveryRow[];
  t: Translate;
  locale: Locale;
  canManage: boolean;
};

const bankQuery = (bankId: string) => `?bank=${encodeURIComponent(bankId)}`;

/** The channels table (secrets never shown), with test and delete buttons for managers. */
function ChannelTable(props: ViewProps) {
  const { t, channels } = props;
  const q = bankQuery(props.bankId);
  return (
    <section class="card">
      {channels.length === 0
        ? <p class="muted" data-testid="channels-empty">{t("channels.empty")}</p>
        : (
          <table class="data" data-testid="channels">
            <thead>
              <tr>
                <th>{t("channels.col.kind")}</th>
                <th>{t("channels.col.name")}</th>
                <th>{t("channels.col.url")}</th>
                <th>{t("channels.col.secret")}</th>
                <th>{t("channels.col.events")}</th>
                <th>{t("channels.col.language")}</th>
                {props.canManage && <th>{t("channels.col.actions")}</th>}
              </tr>
            </thead>
            <tbody>
              {channels.map((c) => (
                <tr data-testid="channel" data-kind={c.kind}>
                  <td>{t(`channels.kind.${c.kind}`)}</td>
                  <td>{c.name}</td>
                  <td>
                    <code class="small">{c.urlHint}</code>
                  </td>
                  <td>{c.hasSecret ? t("channels.secretSet") : t("channels.noSecret")}</td>
                  <td>
                    {c.events
                      ? c.events.map((e) => t(`alert.type.${e}`)).join("、")
                      : t("channels.allEvents")}
                  </td>
                  <td lang={c.locale}>{t(`language.${c.locale}`)}</td>
                  {props.canManage && (
                    <td>
                      <form
                        method="post"
                        action={`/alerts/channels/${c.id}/test${q}`}
                        class="inline-form"
                      >
                        <button type="submit" data-testid="test-channel">
                          {t("channels.test")}
                        </button>
                      </form>{" "}
                      <form
                        method="post"
                        action={`/alerts/channels/${c.id}/delete${q}`}
                        class="inline-form"
                      >
                        <button type="submit" class="secondary">{t("channels.delete")}</button>
                      </form>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </section>
  );
}

/** The form that adds a channel. */
function NewChannelForm({ t, bankId }: ViewProps) {
  const q = bankQuery(bankId);
  return (
    <section class="card" data-testid="new-channel">
      <h2>{t("channels.new")}</h2>
      <form method="post" action={`/alerts/channels${q}`} class="stack">
        <label>
          {t("channels.field.kind")}{" "}
          <select name="kind">
            {CHANNEL_KINDS.map((k) => <option key={k} value={k}>{t(`channels.kind.${k}`)}</option>)}
          </select>
        </label>
        <label>
          {t("channels.field.name")} <input name="name" type="text" maxLength={100} />
        </label>
        <label>
          {t("channels.field.url")}{" "}
          <input
            name="url"
            type="text"
            inputMode="url"
            required
            maxLength={2000}
            size={60}
            placeholder="https://"
          />
        </label>
        <label>
          {t("channels.field.secret")}{" "}
          <input name="secret" type="password" autocomplete="off" maxLength={512} />
        </label>
        <label>
          {t("channels.field.language")}{" "}
          <select name="locale">
            <option value="zh-CN" lang="zh-CN">{t("language.zh-CN")}</option>
            <option value="en" lang="en">{t("language.en")}</option>
          </select>
        </label>
        <fieldset>
          <legend>{t("channels.col.events")}</legend>
          {OFFERED_TYPES.map((m) => (
            <label class="check">
              <input type="checkbox" name="events" value={m} checked /> {t(`alert.type.${m}`)}
            </label>
          ))}
        </fieldset>
        <p>
          <button type="submit" data-testid="add-channel">{t("channels.add")}</button>
        </p>
      </form>
    </section>
  );
}

/** The latest deliveries to the bank's channels. */
function DeliveryTable(props: ViewProps) {
  const { t, channels } = props;
  const when = new Intl.DateTimeFormat(props.locale, {
    dateStyle: "short",
    timeStyle: "short",
    timeZone: "Asia/Shanghai",
  });
  const names = new Map(channels.map((c) => [c.id, c.name || t(`channels.kind.${c.kind}`)]));
  return (
    <section class="card">
      <h2>{t("channels.deliveries")}</h2>
      <table class="data" data-testid="deliveries">
        <thead>
          <tr>
            <th>{t("alerts.col.when")}</th>
            <th>{t("channels.col.name")}</th>
            <th>{t("alerts.col.type")}</th>
            <th>{t("channels.col.status")}</th>
            <th>{t("channels.col.attempts")}</th>
            <th>{t("channels.col.answer")}</th>
          </tr>
        </thead>
        <tbody>
          {props.deliveries.map((d) => (
            <tr>
              <td>{when.format(d.createdAt)}</td>
              <td>{names.get(d.channelId) ?? "—"}</td>
              <td>{t(`alert.type.${d.type as (typeof MESSAGE_TYPES)[number] | "test"}`)}</td>
              <td>
                {t(
                  `channels.delivery.${d.status as
                    | "pending"
                    | "sent"
                    | "failed"
                    | "cancelled"}`,
                )}
              </td>
              <td class="num">{d.attempts}</td>
              <td>
                <code class="small">
                  {d.lastStatus ?? ""} {(d.lastAnswer ?? "").slice(0, 80)}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The bank's channels (secrets never shown), their test and delete buttons, and the add form. */
export function ChannelSettings(props: ViewProps) {
  return (
    <>
      <ChannelTable {...props} />
      {props.canManage && <NewChannelForm {...props} />}
      {props.deliveries.length > 0 && <DeliveryTable {...props} />}
    </>
  );
}
