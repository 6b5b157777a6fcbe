import type { Context } from "hono";
import { type Bank, getBank, listBanks } from "../../db/banks.ts";
import { badRequest, BANK_REQUIRED, noBankNamed, notFound } from "../../lib/errors.ts";
import { BANK_ID_PATTERN } from "../../lib/patterns.ts";
import { inScope } from "../../lib/scope.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser } from "../../plugins/session.ts";

type Ctx = Context<AppEnv>;

/**
 * The bank a request is about: `?bank=` when given (404 outside the caller's scope), else the
 * user's own, else the only bank in scope; null when the caller must choose (an admin).
 */
export async function requestedBank(c: Ctx): Promise<string | null> {
  const asked = c.req.query("bank") || undefined;
  const scope = c.var.scope;
  if (asked !== undefined) {
    if (
      !BANK_ID_PATTERN.test(asked) || !inScope(scope, asked) ||
      !await getBank(c.var.db, scope, asked)
    ) {
      throw notFound(`No bank "${asked.slice(0, 32)}"`, noBankNamed(asked.slice(0, 32)));
    }
    return asked;
  }
  const user = currentUser(c);
  if (user.bankId) return user.bankId;
  if (!scope.all && scope.bankIds.length === 1) return scope.bankIds[0];
  return null;
}

/** `requestedBank`, or 400 `BANK_REQUIRED` (the API). */
export async function bankOf(c: Ctx): Promise<string> {
  const bank = await requestedBank(c);
  if (!bank) throw badRequest("BANK_REQUIRED", 'Say which bank with "?bank="', BANK_REQUIRED);
  return bank;
}

/** The banks an admin may choose from. */
export async function choosableBanks(c: Ctx): Promise<Bank[]> {
  return (await listBanks(c.var.db)).filter((b) => inScope(c.var.scope, b.id));
}

/** Growth users and admins manage channels and the circuit breaker. */
export function canManage(c: Ctx): boolean {
  const role = c.var.user?.role;
  return role === "growth" || role === "admin";
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
