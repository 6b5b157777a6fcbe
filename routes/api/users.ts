import { type Context, Hono } from "hono";
import { z } from "zod";
import { getBank } from "../../db/banks.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { revokeUserSessions } from "../../db/sessions.ts";
import { createUser, getUser, listUsers, setConsultantBanks, updateUser } from "../../db/users.ts";
import { badRequest, conflict, noBankNamed, notFound } from "../../lib/errors.ts";
import { BANK_ID_PATTERN } from "../../lib/patterns.ts";
import { ROLES } from "../../lib/roles.ts";
import { EVERY_BANK } from "../../lib/scope.ts";
import { storableText } from "../../lib/text_schema.ts";
import { hashPassword, PASSWORD_MIN_LENGTH, passwordProblem } from "../../lib/security/password.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser, requireRole } from "../../plugins/session.ts";
import { readJson } from "../../plugins/validate.ts";

const role = z.enum(ROLES);
const bankId = z.string().regex(BANK_ID_PATTERN, "Not a bank id");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const newUserSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().max(1024),
  role,
  bankId: bankId.nullable().optional(),
  displayName: storableText().max(100).optional(),
  growthLead: z.boolean().optional(),
});

export const userPatchSchema = z.strictObject({
  role: role.optional(),
  bankId: bankId.nullable().optional(),
  displayName: storableText().max(100).optional(),
  growthLead: z.boolean().optional(),
  disabled: z.boolean().optional(),
  password: z.string().max(1024).optional(),
});

export const consultantBanksSchema = z.strictObject({ bankIds: z.array(bankId).max(200) });

type Ctx = Context<AppEnv>;

function checkPassword(password: string) {
  const problem = passwordProblem(password);
  if (problem) {
    throw badRequest(
      "WEAK_PASSWORD",
      `Password is too weak (${problem}): use at least 10 varied characters`,
      {
        key: `error.api.password.${problem}`,
        params: { min: PASSWORD_MIN_LENGTH, max: 256, distinct: 5 },
      },
    );
  }
}

async function checkBanks(c: Ctx, ids: string[]) {
  for (const id of ids) {
    if (!await getBank(c.var.db, EVERY_BANK, id)) {
      throw badRequest("UNKNOWN_BANK", `No bank "${id}"`, noBankNamed(id));
    }
  }
}

/** Loads a user by id or throws 404 (a malformed id is just an unknown one). */
export async function userOr404(c: Ctx, id: string) {
  const user = UUID.test(id) ? await getUser(c.var.db, id) : null;
  if (!user) throw notFound("No such user", { key: "error.api.noUser" });
  return user;
}

/** Creates a user (admin only): policy-checked password, known bank, unique email; audited. */
export async function createUserAction(c: Ctx, input: z.output<typeof newUserSchema>) {
  checkPassword(input.password);
  const bank = input.bankId ?? null;
  if (input.role !== "admin" && !bank) {
    throw badRequest("BANK_REQUIRED", "Every non-admin user needs a bank", {
      key: "error.api.bankForNonAdmin",
    });
  }
  if (bank) await checkBanks(c, [bank]);
  const passwordHash = await hashPassword(input.password);
  try {
    return await c.var.db.transaction().execute(async (trx) => {
      const user = await createUser(trx, {
        email: input.email,
        passwordHash,
        role: input.role,
        bankId: bank,
        displayName: input.displayName,
        growthLead: input.role === "growth" && (input.growthLead ?? false),
      });
      await audit(c, {
        bankId: user.bankId,
        action: "user.create",
        target: user.email,
        details: { role: user.role, growthLead: user.growthLead },
      }, trx);
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw conflict("EMAIL_TAKEN", `A user with email "${input.email}" exists`, {
        key: "error.api.emailTaken",
        params: { email: input.email },
      });
    }
    throw error;
  }
}

/** Changes role, bank, name, growth lead, password or disabled state; disabling revokes sessions. */
export async function changeUserAction(
  c: Ctx,
  id: string,
  patch: z.output<typeof userPatchSchema>,
) {
  const before = await userOr404(c, id);
  const me = currentUser(c);
  if (me.id === before.id && (patch.disabled || (patch.role && patch.role !== before.role))) {
    throw conflict("CANNOT_CHANGE_SELF", "You cannot disable yourself or change your own role", {
      key: "error.code.CANNOT_CHANGE_SELF",
    });
  }
  if (patch.password !== undefined) checkPassword(patch.password);
  const nextRole = patch.role ?? before.role;
  const nextBank = patch.bankId !== undefined ? patch.bankId : before.bankId;
  if (nextRole !== "admin" && !nextBank) {
    throw badRequest("BANK_REQUIRED", "Every non-admin user needs a bank", {
      key: "error.api.bankForNonAdmin",
    });
  }
  if (nextBank && nextBank !== before.bankId) await checkBanks(c, [nextBank]);
  const now = c.var.now();
  const passwordHash = patch.password !== undefined
    ? await hashPassword(patch.password)
    : undefined;
  return await c.var.db.transaction().execute(async (trx) => {
    const user = await updateUser(trx, id, {
      role: patch.role,
      bankId: patch.bankId,
      displayName: patch.displayName,
      growthLead: nextRole === "growth" ? patch.growthLead : false,
      disabledAt: patch.disabled === undefined ? undefined : patch.disabled ? now : null,
      passwordHash,
    }, now);
    if (!user) throw notFound("No such user", { key: "error.api.noUser" });
    const revoked = patch.disabled || passwordHash ? await revokeUserSessions(trx, id, now) : 0;
    const action = patch.disabled === true
      ? "user.disable"
      : patch.disabled === false
      ? "user.enable"
      : "user.update";
    const { password: _password, ...changes } = patch;
    await audit(c, {
      bankId: user.bankId,
      action,
      target: user.email,
      details: {
        ...changes,
        passwordChanged: passwordHash !== undefined,
        sessionsRevoked: revoked,
      },
    }, trx);
    return user;
  });
}

/** Replaces a consultant's client banks. */
export async function assignBanksAction(c: Ctx, id: string, bankIds: string[]) {
  const user = await userOr404(c, id);
  if (user.role !== "consultant") {
    throw badRequest("NOT_A_CONSULTANT", "Only consultants are assigned to banks", {
      key: "error.code.NOT_A_CONSULTANT",
    });
  }
  await checkBanks(c, bankIds);
  await c.var.db.transaction().execute(async (trx) => {
    await setConsultantBanks(trx, id, bankIds);
    await audit(c, {
      bankId: user.bankId,
      action: "user.assign_banks",
      target: user.email,
      details: { bankIds },
    }, trx);
  });
  return await userOr404(c, id);
}

/** User administration, mounted at `/api/users`; admins only. */
const users = new Hono<AppEnv>();
users.use(requireRole("admin"));

users.get("/", async (c) => c.json({ users: await listUsers(c.var.db) }));

users.post("/", async (c) => {
  const user = await createUserAction(c, await readJson(c, newUserSchema));
  return c.json({ user: await userOr404(c, user.id) }, 201);
});

users.get("/:id", async (c) => c.json({ user: await userOr404(c, c.req.param("id")) }));

users.patch("/:id", async (c) => {
  const patch = await readJson(c, userPatchSchema);
  if (Object.keys(patch).length === 0) {
    throw badRequest("VALIDATION_ERROR", "Nothing to change", { key: "error.api.nothingToChange" });
  }
  const user = await changeUserAction(c, c.req.param("id"), patch);
  return c.json({ user: await userOr404(c, user.id) });
});

users.put("/:id/banks", async (c) => {
  const { bankIds } = await readJson(c, consultantBanksSchema);
  return c.json({ user: await assignBanksAction(c, c.req.param("id"), bankIds) });
});

export default users;
