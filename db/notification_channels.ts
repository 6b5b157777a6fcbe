/**
 * A bank's notification channels (migration 0014). URLs and signing secrets are stored
 * encrypted (lib/notify/crypto.ts) with the channel's id and the field as additional data; the
 * key comes from `SECRET_KEY`, or, when that is unset, from a random key kept in `app_secrets`
 * (development: whoever reads the database reads the key too). Listing never decrypts.
 */
import type { Kysely } from "kysely";
import { decryptSecret, encryptSecret, randomSecret, secretsKey } from "../lib/notify/crypto.ts";
import type { ChannelKind, MessageType, NotifyLocale } from "../lib/notify/types.ts";
import { type AlertsDb, withAlertTables } from "./alerts.ts";
import { jsonb } from "./json.ts";
import type { Database, Db } from "./schema.ts";

export interface ChannelView {
  id: string;
  bankId: string;
  kind: ChannelKind;
  name: string;
  /** Scheme, host and path; query values masked (lib/notify/url_policy.ts `urlHint`). */
  urlHint: string;
  hasSecret: boolean;
  /** null: every type. */
  events: MessageType[] | null;
  locale: NotifyLocale;
  createdAt: Date;
}

/** A channel with its URL and secret in clear, for sending only. */
export interface ChannelTarget extends ChannelView {
  url: string;
  secret: string | null;
}

const keys = new WeakMap<object, Promise<CryptoKey>>();

/**
 * The key for the encrypted columns: from `secretKey` when configured, else the database's own
 * development key (created once; every instance reads the same row).
 */
export function channelKey(
  db: Kysely<Database>,
  secretKey: string | undefined,
): Promise<CryptoKey> {
  if (secretKey) return secretsKey(secretKey);
  let found = keys.get(db);
  if (!found) {
    found = (async () => {
      const adb = withAlertTables(db);
      await adb.insertInto("app_secrets").values({ name: "notify_key", value: randomSecret() })
        .onConflict((oc) => oc.column("name").doNothing()).execute();
      const row = await adb.selectFrom("app_secrets").select("value")
        .where("name", "=", "notify_key").executeTakeFirstOrThrow();
      return await secretsKey(row.value);
    })();
    found.catch(() => keys.delete(db));
    keys.set(db, found);
  }
  return found;
}

const context = (id: string, field: "url" | "secret") => `notification_channel:${id}:${field}`;

function toView(r: {
  id: string;
  bank_id: string;
  kind: string;
  name: string;
  url_hint: string;
  secret_encrypted: string | null;
  events: MessageType[] | null;
  locale: string;
  created_at: Date;
}): ChannelView {
  return {
    id: r.id,
    bankId: r.bank_id,
    kind: r.kind as ChannelKind,
    name: r.name,
    urlHint: r.url_hint,
    hasSecret: r.secret_encrypted !== null,
    events: r.events,
    locale: r.locale === "en" ? "en" : "zh-CN",
    createdAt: r.created_at,
  };
}

const VIEW_COLUMNS = [
  "id",
  "bank_id",
  "kind",
  "name",
  "url_hint",
  "secret_encrypted",
  "events",
  "locale",
  "created_at",
] as const;

export async function createChannel(
  db: Db,
  key: CryptoKey,
  input: {
    bankId: string;
    kind: ChannelKind;
    name: string;
    url: string;
    urlHint: string;
    secret: string | null;
    events: MessageType[] | null;
    locale: NotifyLocale;
    createdBy: string | null;
    now: Date;
  },
): Promise<ChannelView> {
  const id = crypto.randomUUID();
  const row = await withAlertTables(db).insertInto("notification_channels").values({
    id,
    bank_id: input.bankId,
    kind: input.kind,
    name: input.name,
    url_encrypted: await encryptSecret(key, input.url, context(id, "url")),
    url_hint: input.urlHint,
    secret_encrypted: input.secret === null
      ? null
      : await encryptSecret(key, input.secret, context(id, "secret")),
    events: input.events === null ? null : jsonb(input.events),
    locale: input.locale,
    created_by: input.createdBy,
    created_at: input.now,
  }).returning(VIEW_COLUMNS).executeTakeFirstOrThrow();
  return toView(row);
}

/** The bank's channels (not deleted), oldest first. */
export async function listChannels(db: Db, bankId: string): Promise<ChannelView[]> {
  const rows = await withAlertTables(db).selectFrom("notification_channels").select(VIEW_COLUMNS)
    .where("bank_id", "=", bankId).where("deleted_at", "is", null)
    .orderBy("created_at").orderBy("id").execute();
  return rows.map(toView);
}

/** A channel of `bankId` by id (not deleted), or null. */
export async function getChannel(db: Db, bankId: string, id: string): Promise<ChannelView | null> {
  const row = await withAlertTables(db).selectFrom("notification_channels").select(VIEW_COLUMNS)
    .where("id", "=", id).where("bank_id", "=", bankId).where("deleted_at", "is", null)
    .executeTakeFirst();
  return row ? toView(row) : null;
}

/** Marks a channel deleted and cancels its pending deliveries. False when there was none. */
export async function deleteChannel(
  db: Db,
  bankId: string,
  id: string,
  now: Date,
): Promise<boolean> {
  const adb = withAlertTables(db);
  const row = await adb.updateTable("notification_channels").set({ deleted_at: now })
    .where("id", "=", id).where("bank_id", "=", bankId).where("deleted_at", "is", null)
    .returning("id").executeTakeFirst();
  if (!row) return false;
  await adb.updateTable("notification_deliveries").set({ status: "cancelled" })
    .where("channel_id", "=", id).where("status", "=", "pending").execute();
  return true;
}

/** The channel's URL and secret decrypted (sending). Throws when they do not decrypt. */
export async function channelTarget(
  db: Db | AlertsDb,
  key: CryptoKey,
  id: string,
): Promise<ChannelTarget | null> {
  const row = await withAlertTables(db as Db).selectFrom("notification_channels")
    .select([...VIEW_COLUMNS, "url_encrypted", "deleted_at"])
    .where("id", "=", id).executeTakeFirst();
  if (!row || row.deleted_at) return null;
  return {
    ...toView(row),
    url: await decryptSecret(key, row.url_encrypted, context(id, "url")),
    secret: row.secret_encrypted === null
      ? null
      : await decryptSecret(key, row.secret_encrypted, context(id, "secret")),
  };
}
