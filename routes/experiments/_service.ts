/**
 * What the experiments API and pages share to authorise a request: who may manage experiments,
 * the experiment a request names (in the caller's scope), the bank a new one goes to, and the
 * caller as the acting manager of a db/experiment_commands.ts command. The request schemas are
 * lib/experiments/schemas.ts, the rules lib/experiments/rules.ts.
 */
import type { Context } from "hono";
import type { Actor } from "../../db/audit.ts";
import { banksWithKey, type Experiment, getExperimentByKey } from "../../db/experiments.ts";
import { AppError, badRequest, forbidden, notFound } from "../../lib/errors.ts";
import { KEY_PATTERN } from "../../lib/experiments/schemas.ts";
import { inScope } from "../../lib/scope.ts";
import { actorOf } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser } from "../../plugins/session.ts";

type Ctx = Context<AppEnv>;

/**
 * Re-exported for importers not moved yet (routes/campaigns/_service.ts, routes/api/
 * openapi_layers.ts): import them from lib/experiments/schemas.ts.
 */

/** Growth users manage their own bank's experiments; admins any bank's. */
export function canManage(c: Ctx): boolean {
  const role = c.var.user?.role;
  return role === "growth" || role === "admin";
}

export function requireManager(c: Ctx): void {
  if (!canManage(c)) throw forbidden("Your role may not change experiments");
}

/** The caller as the actor of a command that changes experiments; 403 unless a manager. */
export function asManager(c: Ctx): Actor {
  requireManager(c);
  return actorOf(c);
}

/**
 * The experiment with `key` in the caller's scope, or 404. Keys are unique per bank, so `?bank=`
 * names the bank; without it a key that several banks in scope use is refused (409
 * `BANK_REQUIRED`, naming the banks) rather than guessed.
 */
export async function experimentOf(c: Ctx, key = c.req.param("key") ?? ""): Promise<Experiment> {
  const bank = c.req.query("bank") || undefined;
  const found = KEY_PATTERN.test(key)
    ? await getExperimentByKey(c.var.db, c.var.scope, key, bank)
    : null;
  if (!found) throw notFound(`No experiment "${key}"`);
  const scope = c.var.scope;
  if (!bank && (scope.all || scope.bankIds.length > 1)) {
    const banks = await banksWithKey(c.var.db, scope, key);
    if (banks.length > 1) {
      const error = new AppError(
        409,
        "BANK_REQUIRED",
        `Banks ${
          banks.map((b) => `"${b}"`).join(", ")
        } each have an experiment "${key}": say which with ?bank=`,
      );
      error.translation = { key: "act.bank.required", params: { banks: banks.join(", "), key } };
      throw error;
    }
  }
  return found;
}

/** The bank a new experiment or campaign goes to: the user's own, or `bankId` for admins. */
export function targetBank(c: Ctx, bankId: string | undefined): string {
  const user = currentUser(c);
  const bank = bankId ?? user.bankId;
  if (!bank) throw badRequest("BANK_REQUIRED", 'Say which bank with "bankId"');
  if (!inScope(c.var.scope, bank)) throw notFound(`No bank "${bank}"`);
  return bank;
}
