import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { type Bank, getBank } from "../../db/banks.ts";
import { deleteTarget, getTarget, saveTarget } from "../../db/targets.ts";
import { badRequest, forbidden, NO_BANK, notFound, ROLE_TARGETS } from "../../lib/errors.ts";
import { targetPlan, targetProblems } from "../../lib/lens/targets.ts";
import { keyFor } from "../../lib/i18n/mod.ts";
import { storableText } from "../../lib/text_schema.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv, SessionUser } from "../../plugins/context.ts";
import { parseWith, readJson } from "../../plugins/validate.ts";
import { loadScorecard } from "../banks/_data.ts";

export const targetBody = z.strictObject({
  targetDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  dimensions: z.record(
    storableText().max(64),
    z.strictObject({ kind: z.enum(["level", "score"]), value: z.number() }),
  ),
  note: storableText().max(500).optional(),
});

/**
 * Who sets a bank's target: its executive (the ambition is the bank leadership's call) and
 * platform admins. Everyone who can read the scorecard can read the target.
 */
export function canSetTarget(user: SessionUser | null, bankId: string): boolean {
  return user?.role === "admin" || (user?.role === "executive" && user.bankId === bankId);
}

async function bankOf(c: Context<AppEnv>) {
  const bank = await getBank(c.var.db, c.var.scope, c.req.param("id") ?? "");
  if (!bank) throw notFound("No such bank", NO_BANK);
  return bank;
}

/** Today in UTC as YYYY-MM-DD, from the app's clock. */
export function todayOf(c: Context<AppEnv>): string {
  return c.var.now().toISOString().slice(0, 10);
}

/** A bank's lens target, mounted at `/api/banks`: `/:id/targets`. */
const app = new Hono<AppEnv>();

app.get("/:id/targets", async (c) => {
  const bank = await bankOf(c);
  const target = await getTarget(c.var.db, c.var.scope, bank.id);
  if (!target) return c.json({ target: null, plan: null });
  const card = await loadScorecard(c.var.db, c.var.scope, bank);
  const plan = card.score ? targetPlan(card.score, card.trend, target, todayOf(c)) : null;
  return c.json({ target, period: card.current?.period ?? null, plan });
});

/**
 * Checks and stores a target with its audit entry (one transaction); throws 403 for a role
 * that may not set it and 400 for a target the rules refuse. Shared with the target page.
 */
export async function setTarget(c: Context<AppEnv>, bank: Bank, input: unknown): Promise<void> {
  if (!canSetTarget(c.var.user, bank.id)) {
    throw forbidden("Your role may not set targets", ROLE_TARGETS);
  }
  const body = parseWith(targetBody, input);
  const problems = targetProblems(body);
  if (problems.length) {
    const refused = badRequest(problems[0].code, problems.map((p) => p.message).join("; "));
    refused.translation = {
      say: (t) =>
        problems.map((p) => {
          const id = p.field.replace(/^dimensions\./, "");
          const key = keyFor("plan.dim.", id);
          return t(`plan.err.${p.code}`, { name: key ? t(key) : id });
        }).join("；"),
    };
    throw refused;
  }
  const note = body.note ?? "";
  await c.var.db.transaction().execute(async (trx) => {
    await saveTarget(trx, { ...body, note, bankId: bank.id, updatedBy: c.var.user!.id });
    await audit(c, {
      action: "lens.target.set",
      bankId: bank.id,
      target: bank.id,
      details: { targetDate: body.targetDate, dimensions: body.dimensions, note },
    }, trx);
  });
}

/** Removes a bank's target with its audit entry; false when there was none. */
export async function clearTarget(c: Context<AppEnv>, bank: Bank): Promise<boolean> {
  if (!canSetTarget(c.var.user, bank.id)) {
    throw forbidden("Your role may not set targets", ROLE_TARGETS);
  }
  return await c.var.db.transaction().execute(async (trx) => {
    const found = await deleteTarget(trx, bank.id);
    if (found) {
      await audit(c, { action: "lens.target.clear", bankId: bank.id, target: bank.id }, trx);
    }
    return found;
  });
}

app.put("/:id/targets", async (c) => {
  const bank = await bankOf(c);
  if (!canSetTarget(c.var.user, bank.id)) {
    throw forbidden("Your role may not set targets", ROLE_TARGETS);
  }
  await setTarget(c, bank, await readJson(c, z.unknown()));
  return c.json({ target: await getTarget(c.var.db, c.var.scope, bank.id) });
});

app.delete("/:id/targets", async (c) => {
  const bank = await bankOf(c);
  if (!(await clearTarget(c, bank))) throw notFound("No target set", { key: "error.api.noTarget" });
  return c.json({ removed: true });
});

export default app;
