// Every change to what SDK assignment reads sends a notification on channel `lensloop_config`,
// from a trigger, so it is part of the changing transaction and delivered on its commit (and
// never for a rolled-back change). App instances keep the SDK configuration in memory and drop
// what a notification names (db/config_cache.ts). Payloads:
//
//   e:<bank>         experiments, variants, allocations or campaigns of the bank changed
//   c:<bank>:<unit>  a customer's attributes, consent or opt-outs changed
//   c:<bank>         many or unnamed customers of the bank changed
//   k:<key hash>     an SDK key was created, revoked, changed or deleted
//   a                sticky assignments were updated or deleted
//   *                a watched table was truncated: drop everything
//
// Self-contained: never imports app code.
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

const statements = [
  `create function lensloop_notify_bank() returns trigger language plpgsql as $$
  begin
    if tg_op in ('UPDATE', 'DELETE') then
      perform pg_notify('lensloop_config', 'e:' || old.bank_id);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
      perform pg_notify('lensloop_config', 'e:' || new.bank_id);
    end if;
    return null;
  end
  $$`,
  `create function lensloop_notify_customer() returns trigger language plpgsql as $$
  declare
    r record;
  begin
    if tg_op = 'DELETE' then r := old; else r := new; end if;
    -- A payload must stay under 8000 bytes: a very long unit flushes the whole bank.
    if length(r.unit) > 7000 then
      perform pg_notify('lensloop_config', 'c:' || r.bank_id);
    else
      perform pg_notify('lensloop_config', 'c:' || r.bank_id || ':' || r.unit);
    end if;
    if tg_op = 'UPDATE' then
      if old.unit <> new.unit or old.bank_id <> new.bank_id then
        perform pg_notify('lensloop_config', 'c:' || old.bank_id);
      end if;
    end if;
    return null;
  end
  $$`,
  `create function lensloop_notify_key() returns trigger language plpgsql as $$
  begin
    if tg_op in ('UPDATE', 'DELETE') then
      perform pg_notify('lensloop_config', 'k:' || old.key_hash);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
      perform pg_notify('lensloop_config', 'k:' || new.key_hash);
    end if;
    return null;
  end
  $$`,
  `create function lensloop_notify_payload() returns trigger language plpgsql as $$
  begin
    perform pg_notify('lensloop_config', tg_argv[0]);
    return null;
  end
  $$`,
  ...["experiments", "variants", "allocations", "campaigns"].map((table) =>
    `create trigger ${table}_notify after insert or update or delete on ${table}
      for each row execute function lensloop_notify_bank()`
  ),
  ...["customers", "opt_outs"].map((table) =>
    `create trigger ${table}_notify after insert or update or delete on ${table}
      for each row execute function lensloop_notify_customer()`
  ),
  // last_used_at is written once a minute per key in use: that is no change worth a message.
  `create trigger sdk_keys_notify_change after insert or delete on sdk_keys
    for each row execute function lensloop_notify_key()`,
  `create trigger sdk_keys_notify_update after update on sdk_keys for each row
    when (old.revoked_at is distinct from new.revoked_at or old.bank_id <> new.bank_id
      or old.key_hash <> new.key_hash)
    execute function lensloop_notify_key()`,
  // New sticky arms need no message (an instance that has not seen one reads it); a changed or
  // deleted one does.
  `create trigger assignments_notify after update or delete on assignments
    for each statement execute function lensloop_notify_payload('a')`,
  ...[
    "experiments",
    "variants",
    "allocations",
    "campaigns",
    "customers",
    "opt_outs",
    "sdk_keys",
    "assignments",
  ].map((table) =>
    `create trigger ${table}_notify_truncate after truncate on ${table}
      for each statement execute function lensloop_notify_payload('*')`
  ),
];

const TRIGGERS = {
  experiments: ["experiments_notify", "experiments_notify_truncate"],
  variants: ["variants_notify", "variants_notify_truncate"],
  allocations: ["allocations_notify", "allocations_notify_truncate"],
  campaigns: ["campaigns_notify", "campaigns_notify_truncate"],
  customers: ["customers_notify", "customers_notify_truncate"],
  opt_outs: ["opt_outs_notify", "opt_outs_notify_truncate"],
  sdk_keys: ["sdk_keys_notify_change", "sdk_keys_notify_update", "sdk_keys_notify_truncate"],
  assignments: ["assignments_notify", "assignments_notify_truncate"],
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, triggers] of Object.entries(TRIGGERS)) {
    for (const trigger of triggers) {
      await sql.raw(`drop trigger if exists ${trigger} on ${table}`).execute(db);
    }
  }
  for (const fn of ["bank", "customer", "key", "payload"]) {
    await sql.raw(`drop function if exists lensloop_notify_${fn}()`).execute(db);
  }
}
