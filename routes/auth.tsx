import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { renderPage } from "../components/render.tsx";
import { AppError, messageIn } from "../lib/errors.ts";
import { safeNext } from "../lib/security/redirect.ts";
import { audit } from "../plugins/audit.ts";
import type { AppEnv } from "../plugins/context.ts";
import { endSession } from "../plugins/session.ts";
import { signIn } from "../plugins/sign_in.ts";

const app = new Hono<AppEnv>();

function LoginForm(
  props: { t: AppEnv["Variables"]["t"]; email: string; next: string; error?: string },
) {
  const { t } = props;
  return (
    <section class="card login">
      <h1>{t("login.title")}</h1>
      {props.error && <p class="warning" role="alert" data-testid="login-error">{props.error}</p>}
      <form method="post" action="/login" class="stack">
        <input type="hidden" name="next" value={props.next} />
        <label>
          {t("login.email")}
          <input type="email" name="email" value={props.email} required autocomplete="username" />
        </label>
        <label>
          {t("login.password")}
          <input type="password" name="password" required autocomplete="current-password" />
        </label>
        <button type="submit">{t("login.submit")}</button>
      </form>
    </section>
  );
}

app.get("/login", (c) => {
  const next = safeNext(c.req.query("next"));
  if (c.var.user) return c.redirect(next, 303);
  return renderPage(c, {
    title: c.var.t("login.title"),
    body: <LoginForm t={c.var.t} email="" next={next} />,
  });
});

app.post("/login", async (c) => {
  const form = await c.req.parseBody();
  const email = typeof form.email === "string" ? form.email.slice(0, 254) : "";
  const password = typeof form.password === "string" ? form.password.slice(0, 1024) : "";
  const next = safeNext(form.next);
  const t = c.var.t;
  try {
    if (!email || !password) {
      throw new AppError(400, "VALIDATION_ERROR", "Email and password are required");
    }
    await signIn(c, email, password);
    return c.redirect(next, 303);
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    const message = error.status === 429
      ? t("login.tooMany", { seconds: error.headers["Retry-After"] ?? "60" })
      : error.status === 400
      ? (error.translation ? messageIn(error, t) : t("login.missing"))
      : t("login.failed");
    return renderPage(c, {
      title: t("login.title"),
      status: error.status as ContentfulStatusCode,
      body: <LoginForm t={t} email={email} next={next} error={message} />,
    });
  }
});

app.post("/logout", async (c) => {
  const user = c.var.user;
  await endSession(c);
  if (user) await audit(c, { bankId: user.bankId, action: "auth.logout", target: user.email });
  return c.redirect("/login", 303);
});

export default app;
