import { type Context, Hono } from "hono";
import { z } from "zod";
import { getBank } from "../../db/banks.ts";
import { createSdkKey, listSdkKeys, revokeSdkKey } from "../../db/sdk_keys.ts";
import { badRequest, forbidden, noBankNamed, notFound } from "../../lib/errors.ts";
import { BANK_ID_PATTERN } from "../../lib/patterns.ts";
import { storableText } from "../../lib/text_schema.ts";
import { bankScope, EVERY_BANK, type Scope } from "../../lib/scope.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser, requireUser } from "../../plugins/session.ts";
import { readJson } from "../../plugins/validate.ts";

type Ctx = Context<AppEnv>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const newKeySchema = z.strictObject({
  bankId: z.string().regex(BANK_ID_PATTERN, "Not a bank id").optional(),
  label: storableText().max(100).optional(),
});

/** The banks whose keys the caller manages: admins every bank, growth leads their own; else 403. */
export function keyScope(c: Ctx): Scope {
  const user = currentUser(c);
  if (user.role === "admin") return EVERY_BANK;
  if (user.role === "growth" && user.growthLead && user.bankId) return bankScope(user.bankId);
  throw forbidden("Only admins and growth leads manage SDK keys", {
    key: "error.api.role.sdkKeys",
  });
}

/** Creates a key for a bank in the caller's key scope; another bank → 404. */
export async function createKeyAction(c: Ctx, input: z.output<typeof newKeySchema>) {
  const scope = keyScope(c);
  const bankId = input.bankId ?? currentUser(c).bankId;
  if (!bankId) {
    throw badRequest("BANK_REQUIRED", "Say which bank the key is for", {
      key: "error.api.bankRequiredForKey",
    });
  }
  const bank = await getBank(c.var.db, scope, bankId);
  if (!bank) throw notFound(`No bank "${bankId}"`, noBankNamed(bankId));
  return await c.var.db.transaction().execute(async (trx) => {
    const key = await createSdkKey(trx, {
      bankId,
      label: input.label,
      createdBy: currentUser(c).id,
    });
    await audit(c, {
      bankId,
      action: "sdk_key.create",
      target: key.prefix,
      details: { id: key.id, label: input.label ?? "" },
    }, trx);
    return { ...key, bankId, label: input.label ?? "" };
  });
}

/** Revokes a key in the caller's key scope; another bank's (or no) key → 404. */
export async function revokeKeyAction(c: Ctx, id: string) {
  const scope = keyScope(c);
  return await c.var.db.transaction().execute(async (trx) => {
    const key = UUID.test(id) ? await revokeSdkKey(trx, scope, id, c.var.now()) : null;
    if (!key) throw notFound("No such SDK key", { key: "error.api.noSdkKey" });
    await audit(c, {
      bankId: key.bankId,
      action: "sdk_key.revoke",
      target: key.prefix,
      details: { id },
    }, trx);
    return key;
  });
}

/** SDK key management, mounted at `/api/sdk-keys`. The key itself is returned once, at creation. */
const keys = new Hono<AppEnv>();
keys.use(requireUser());

keys.get("/", async (c) => c.json({ keys: await listSdkKeys(c.var.db, keyScope(c)) }));

keys.post("/", async (c) => {
  const key = await createKeyAction(c, await readJson(c, newKeySchema));
  return c.json(key, 201);
});

keys.delete("/:id", async (c) => c.json({ key: await revokeKeyAction(c, c.req.param("id")) }));

export default keys;
