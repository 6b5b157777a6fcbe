import { Hono } from "hono";
import { z } from "zod";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser, endSession } from "../../plugins/session.ts";
import { signIn } from "../../plugins/sign_in.ts";
import { readJson } from "../../plugins/validate.ts";
import { storableText } from "../../lib/text_schema.ts";

const loginBody = z.strictObject({
  email: storableText().min(1).max(254),
  password: z.string().min(1).max(1024),
});

/** Sign-in for the web app, mounted at `/api/auth`. */
const auth = new Hono<AppEnv>();

auth.post("/login", async (c) => {
  const { email, password } = await readJson(c, loginBody);
  const user = await signIn(c, email, password);
  return c.json({
    user: { id: user.id, email: user.email, role: user.role, bankId: user.bankId },
  });
});

auth.post("/logout", async (c) => {
  const user = c.var.user;
  await endSession(c);
  if (user) await audit(c, { bankId: user.bankId, action: "auth.logout", target: user.email });
  return c.body(null, 204);
});

auth.get("/me", (c) => {
  const user = currentUser(c);
  return c.json({ user, scope: c.var.scope });
});

export default auth;
