/**
 * Identifier patterns shared by the API, the pages, the CSV import and the database checks
 * (migration 0001 holds the same expressions as CHECK constraints).
 */

/** A bank's id: 1–32 of `[A-Za-z0-9_-]` ("CC2", "icbc_sh"). */
export const BANK_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** An experiment's key (slug): 1–64 lowercase letters, digits or `-`, not starting with `-`. */
export const EXPERIMENT_KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
