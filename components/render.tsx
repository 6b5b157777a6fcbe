import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";
import type { AppEnv } from "../plugins/context.ts";
import { Layout } from "./Layout.tsx";

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
      here={c.req.method === "GET" ? c.req.path + new URL(c.req.url).search : c.req.path}
      cssUrl={assets.url("app.css")}
      printCssUrl={assets.url("print.css")}
      faviconUrl={assets.url("favicon.svg")}
      clientEntry={assets.clientEntry}
      userLabel={user ? user.displayName || user.email : null}
      user={user ?? null}
    >
      {page.body}
    </Layout>,
  );
  c.header("Vary", "Cookie, Accept-Language");
  return c.html(`<!doctype html>${html}`, page.status ?? 200);
}

/** The 404, 500 and 503 pages (and any other error status shown to a browser). */
export function renderErrorPage(c: Context<AppEnv>, status: number) {
  const t = c.var.t;
  const unavailable = status === 503;
  if (!t || !c.var.deps) {
    const shown = status === 404 || unavailable ? status : 500;
    return c.text(status === 404 ? "Not found" : unavailable ? "Unavailable" : "Error", shown);
  }
  const notFound = status === 404;
  const denied = status === 403;
  const [title, body] = notFound
    ? [t("error.notFound.title"), t("error.notFound.body")]
    : denied
    ? [t("error.forbidden.title"), t("error.forbidden.body")]
    : status < 500
    ? [t("error.badRequest.title"), t("error.badRequest.body")]
    : unavailable
    ? [t("error.unavailable.title"), t("error.unavailable.body")]
    : [t("error.server.title"), t("error.server.body")];
  return renderPage(c, {
    title,
    status: (unavailable ? 503 : status >= 500 ? 500 : status) as ContentfulStatusCode,
    body: (
      <section class="error-page">
        <p class="error-code">{status}</p>
        <h1>{title}</h1>
        <p>{body}</p>
        <p>
          <a href="/">{t("error.backHome")}</a>
        </p>
      </section>
    ),
  });
}
