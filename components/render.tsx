import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";
import type { MessageKey } from "../lib/i18n/mod.ts";
import type { AppEnv, SessionUser } from "../plugins/context.ts";
import { Layout } from "./Layout.tsx";

/** The admin pages a user's role reaches, for the navigation. */
function extraNav(user: SessionUser | null | undefined): Array<{ href: string; key: MessageKey }> {
  if (user?.role === "admin") {
    return [
      { href: "/admin/users", key: "nav.adminUsers" },
      { href: "/admin/keys", key: "nav.adminKeys" },
      { href: "/admin/audit", key: "nav.adminAudit" },
    ];
  }
  if (user?.role === "growth" && user.growthLead) {
    return [{ href: "/admin/keys", key: "nav.adminKeys" }];
  }
  return [];
}

/** Renders a page inside the layout, in the request's language. */
export function renderPage(
  c: Context<AppEnv>,
  page: { title: string; body: ComponentChildren; status?: ContentfulStatusCode },
) {
  const assets = c.var.deps.assets;
  const user = c.var.user;
  const html = renderToString(
    <Layout
      title={page.title}
      locale={c.var.locale}
      t={c.var.t}
      path={c.req.path}
      cssUrl={assets.url("app.css")}
      printCssUrl={assets.url("print.css")}
      faviconUrl={assets.url("favicon.svg")}
      clientEntry={assets.clientEntry}
      userLabel={user ? user.displayName || user.email : null}
      extraNav={extraNav(user)}
    >
      {page.body}
    </Layout>,
  );
  c.header("Vary", "Cookie, Accept-Language");
  return c.html(`<!doctype html>${html}`, page.status ?? 200);
}

/** The 404 and 500 pages (and any other error status shown to a browser). */
export function renderErrorPage(c: Context<AppEnv>, status: number) {
  const t = c.var.t;
  if (!t || !c.var.deps) {
    return c.text(status === 404 ? "Not found" : "Error", status === 404 ? 404 : 500);
  }
  const notFound = status === 404;
  const denied = status === 403;
  const title = notFound
    ? t("error.notFound.title")
    : denied
    ? t("error.forbidden.title")
    : status < 500
    ? t("error.badRequest.title")
    : t("error.server.title");
  return renderPage(c, {
    title,
    status: (status >= 500 ? 500 : status) as ContentfulStatusCode,
    body: (
      <section class="error-page">
        <p class="error-code">{status}</p>
        <h1>{title}</h1>
        <p>
          {notFound
            ? t("error.notFound.body")
            : denied
            ? t("error.forbidden.body")
            : status < 500
            ? t("error.badRequest.body")
            : t("error.server.body")}
        </p>
        <p>
          <a href="/">{t("error.backHome")}</a>
        </p>
      </section>
    ),
  });
}
