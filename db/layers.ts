/**
 * Mutual-exclusion layers (issue 17, migration 0015): a bank's layers and the ranges its
 * experiments take of them.
 *
 * A layer's key is unique per bank (the primary key: a second create fails with 23505, which the
 * caller turns into 409 `LAYER_EXISTS`). That running experiments of one layer never overlap is
 * checked when one starts (db/experiment_commands.ts `moveExperiment`), inside the start's
 * transaction and after `lockLayer`, so two starts in one layer are serialised: the second sees
 * the first as running (READ COMMITTED takes a new snapshot per statement, after the lock).
 */
import type { Layer, LayerWithExperiments } from "../lib/governance/layers.ts";
import type { Db } from "./schema.ts";

export type { Layer, LayerWithExperiments };

/** Creates a layer; throws the driver's unique violation (23505) when the key is taken. */
export async function createLayer(
  db: Db,
  input: { bankId: string; key: string; name: string; createdBy: string | null; now: Date },
): Promise<Layer> {
  const row = await db.insertInto("layers").values({
    bank_id: input.bankId,
    key: input.key,
    name: input.name,
    created_by: input.createdBy,
    created_at: input.now,
  }).returningAll().executeTakeFirstOrThrow();
  return { bankId: row.bank_id, key: row.key, name: row.name, createdAt: row.created_at };
}

/** The layer `key` of the bank, or null. */
export async function getLayer(db: Db, bankId: string, key: string): Promise<Layer | null> {
  const row = await db.selectFrom("layers").selectAll()
    .where("bank_id", "=", bankId).where("key", "=", key).executeTakeFirst();
  return row
    ? { bankId: row.bank_id, key: row.key, name: row.name, createdAt: row.created_at }
    : null;
}

/** The bank's layers by key, each with its experiments (every status) and their ranges. */
export async function listLayers(db: Db, bankId: string): Promise<LayerWithExperiments[]> {
  const [layers, members] = await Promise.all([
    db.selectFrom("layers").selectAll().where("bank_id", "=", bankId).orderBy("key").execute(),
    db.selectFrom("experiments")
      .select(["key", "name", "status", "layer_key", "layer_lo", "layer_hi"])
      .where("bank_id", "=", bankId).where("layer_key", "is not", null)
      .orderBy("layer_lo").orderBy("key").execute(),
  ]);
  return layers.map((l) => ({
    bankId: l.bank_id,
    key: l.key,
    name: l.name,
    createdAt: l.created_at,
    experiments: members.filter((m) => m.layer_key === l.key).map((m) => ({
      key: m.key,
      name: m.name,
      status: m.status,
      range: [Number(m.layer_lo), Number(m.layer_hi)],
    })),
  }));
}

/**
 * Locks the experiment's row and then its layer's row (`for update`) for the rest of the
 * transaction, and returns the experiment's layer and range as stored now (null: no layer).
 * Every start in a layer takes the layer's lock, so checks of one layer run one at a time.
 */
export async function lockLayerOf(
  trx: Db,
  experimentId: string,
): Promise<{ bankId: string; key: string; range: [number, number] } | null> {
  const row = await trx.selectFrom("experiments")
    .select(["bank_id", "layer_key", "layer_lo", "layer_hi"])
    .where("id", "=", experimentId).forUpdate().executeTakeFirst();
  if (!row?.layer_key) return null;
  await trx.selectFrom("layers").select("key")
    .where("bank_id", "=", row.bank_id).where("key", "=", row.layer_key)
    .forUpdate().executeTakeFirst();
  return {
    bankId: row.bank_id,
    key: row.layer_key,
    range: [Number(row.layer_lo), Number(row.layer_hi)],
  };
}

/** The running experiments of a layer other than `exceptId`, with their ranges. */
export async function runningInLayer(
  db: Db,
  layer: { bankId: string; key: string },
  exceptId: string,
): Promise<Array<{ key: string; range: [number, number] }>> {
  const rows = await db.selectFrom("experiments").select(["key", "layer_lo", "layer_hi"])
    .where("bank_id", "=", layer.bankId).where("layer_key", "=", layer.key)
    .where("status", "=", "running").where("id", "!=", exceptId)
    .orderBy("layer_lo").orderBy("key").execute();
  return rows.map((r) => ({ key: r.key, range: [Number(r.layer_lo), Number(r.layer_hi)] }));
}
