import type { Context } from "hono";
import { type Bank, getBank, listBanks } from "../../db/banks.ts";
import { noBankNamed, notFound } from "../../lib/errors.ts";
import { inScope } from "../../lib/scope.ts";
import type { AppEnv } from "../../plugins/context.ts";

type Ctx = Context<AppEnv>;

/**
 * The bank whose library a page shows: `?bank=` (404 outside the scope), else the user's own,
 * else the only bank in scope; null when the reader must choose (an admin without `?bank=`).
 */
export async function libraryBank(c: Ctx): Promise<Bank | null> {
  const scope = c.var.scope;
  const asked = c.req.query("bank") || c.var.user?.bankId ||
    (!scope.all && scope.bankIds.length === 1 ? scope.bankIds[0] : null);
  if (!asked) return null;
  const bank = inScope(scope, asked) ? await getBank(c.var.db, scope, asked) : null;
  if (!bank) {
    throw notFound(`No bank "${asked}"`, noBankNamed(asked));
  }
  return bank;
}

/** The banks an admin may choose from. */
export async function choosableBanks(c: Ctx): Promise<Bank[]> {
  return (await listBanks(c.var.db)).filter((b) => inScope(c.var.scope, b.id));
}

/** Growth users and admins define metrics; others read. */
export function canDefine(c: Ctx): boolean {
  const role = c.var.user?.role;
  return role === "growth" || role === "admin";
}
