/**
 * The config cache's notifications on channel `lensloop_config`, one type with its formatter
 * and its parser. The triggers of migration 0005 send the data changes as SQL strings in the
 * same format (migrations import no app code; db/config_notice_test.ts checks they agree);
 * db/config_cache.ts sends the round trips and parses everything it receives.
 *
 * | payload                  | meaning                                                        |
 * | ------------------------ | -------------------------------------------------------------- |
 * | `e:<bank>`               | a bank's experiments, variants, allocations or campaigns changed |
 * | `c:<bank>`               | a bank's customers or opt-outs changed (many, or deleted)      |
 * | `c:<bank>:<unit>`        | one customer's record or opt-outs changed                      |
 * | `k:<key hash>`           | an SDK key was added, revoked or deleted                       |
 * | `a`                      | stored bandit arms were updated or deleted                     |
 * | `*`                      | a table was truncated: forget everything                        |
 * | `sync:<token>`           | one instance's round trip (its heartbeat)                      |
 * | `q:<writer>:<token>`     | a writer's `sync()`: every instance answers once it has seen it |
 * | `r:<token>:<instance>`   | an instance's answer to a `q:`                                 |
 */

/** The notification channel the triggers of migration 0005 send on. */
export const CONFIG_CHANNEL = "lensloop_config";

export type ConfigNotice =
  | { kind: "experiments"; bankId: string }
  | { kind: "customers"; bankId: string; unit?: string }
  | { kind: "key"; keyHash: string }
  | { kind: "arms" }
  | { kind: "all" }
  | { kind: "sync"; token: string }
  | { kind: "query"; writer: string; token: string }
  | { kind: "reply"; token: string; instance: string };

/** The payload of a notice (what `pg_notify` sends). */
export function formatNotice(notice: ConfigNotice): string {
  switch (notice.kind) {
    case "experiments":
      return `e:${notice.bankId}`;
    case "customers":
      return notice.unit === undefined ? `c:${notice.bankId}` : `c:${notice.bankId}:${notice.unit}`;
    case "key":
      return `k:${notice.keyHash}`;
    case "arms":
      return "a";
    case "all":
      return "*";
    case "sync":
      return `sync:${notice.token}`;
    case "query":
      return `q:${notice.writer}:${notice.token}`;
    case "reply":
      return `r:${notice.token}:${notice.instance}`;
  }
}

/**
 * The notice a payload carries, or null for one this version does not know. Bank ids, writers
 * and tokens hold no `:`; a unit may (it is everything after the bank's colon).
 */
export function parseNotice(payload: string): ConfigNotice | null {
  if (payload === "a") return { kind: "arms" };
  if (payload === "*") return { kind: "all" };
  if (payload.startsWith("sync:")) return { kind: "sync", token: payload.slice(5) };
  const tag = payload.slice(0, 2);
  const rest = payload.slice(2);
  const colon = rest.indexOf(":");
  switch (tag) {
    case "e:":
      return { kind: "experiments", bankId: rest };
    case "c:":
      return colon < 0
        ? { kind: "customers", bankId: rest }
        : { kind: "customers", bankId: rest.slice(0, colon), unit: rest.slice(colon + 1) };
    case "k:":
      return { kind: "key", keyHash: rest };
    case "q:":
      return colon < 0
        ? null
        : { kind: "query", writer: rest.slice(0, colon), token: rest.slice(colon + 1) };
    case "r:":
      return colon < 0
        ? null
        : { kind: "reply", token: rest.slice(0, colon), instance: rest.slice(colon + 1) };
  }
  return null;
}
