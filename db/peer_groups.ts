/**
 * Custom peer groups of consultants (migration 0013). Bank names and peer groups are public;
 * which figures a group shows is decided by `lib/lens/custom_groups.ts`. A deleted group keeps
 * its row and members (`deletedAt`): new groups are checked against every group the owner made.
 */

import type { Db } from "./schema.ts";

export interface PeerGroup {
  id: string;
  ownerId: string;
  name: string;
  bankIds: string[];
  createdAt: Date;
  deletedAt: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Creates a group with its members; a live group of the owner with the same name → unique violation. */
export async function createPeerGroup(
  db: Db,
  input: { ownerId: string; name: string; bankIds: string[] },
): Promise<PeerGroup> {
  const row = await db.insertInto("peer_groups").values({
    owner_id: input.ownerId,
    name: input.name,
  }).returningAll().executeTakeFirstOrThrow();
  const bankIds = [...new Set(input.bankIds)].sort();
  await db.insertInto("peer_group_members").values(
    bankIds.map((bankId) => ({ group_id: row.id, bank_id: bankId })),
  ).execute();
  return toGroup(row, bankIds);
}

/** The owner's groups, oldest first; deleted ones only when asked (for the overlap rule). */
export async function listPeerGroups(
  db: Db,
  ownerId: string,
  options: { includeDeleted?: boolean } = {},
): Promise<PeerGroup[]> {
  let query = db.selectFrom("peer_groups").selectAll().where("owner_id", "=", ownerId);
  if (!options.includeDeleted) query = query.where("deleted_at", "is", null);
  const rows = await query.orderBy("created_at").orderBy("id").execute();
  if (rows.length === 0) return [];
  const members = await db.selectFrom("peer_group_members").selectAll()
    .where("group_id", "in", rows.map((r) => r.id)).orderBy("bank_id").execute();
  return rows.map((r) =>
    toGroup(r, members.filter((m) => m.group_id === r.id).map((m) => m.bank_id))
  );
}

/** One live group of the owner, or null (another owner's group looks like none). */
export async function getPeerGroup(db: Db, ownerId: string, id: string): Promise<PeerGroup | null> {
  if (!UUID.test(id)) return null;
  return (await listPeerGroups(db, ownerId)).find((g) => g.id === id) ?? null;
}

/** Marks a live group of the owner deleted; false when there is none. */
export async function deletePeerGroup(db: Db, ownerId: string, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const rows = await db.updateTable("peer_groups").set({ deleted_at: new Date() })
    .where("id", "=", id).where("owner_id", "=", ownerId).where("deleted_at", "is", null)
    .returning("id").execute();
  return rows.length > 0;
}

function toGroup(
  row: { id: string; owner_id: string; name: string; created_at: Date; deleted_at: Date | null },
  bankIds: string[],
): PeerGroup {
  return {
    id: row.id,
    ownerId: row.owner_id,
    name: row.name,
    bankIds,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
  };
}
