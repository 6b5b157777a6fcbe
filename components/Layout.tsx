import type { ComponentChildren } from "preact";
import type { Locale, Translate } from "../lib/i18n/mod.ts";
import type { MessageKey } from "../lib/i18n/mod.ts";

export interface LayoutProps {
  title: string;
  locale: Locale;
  t: Translate;
  path: string;
  /** The page's path with its query (e.g. `?bank=`): where the language switch returns to. */
  here?: string;
  cssUrl: string;
  printCssUrl: string;
  faviconUrl: string;
  clientEntry: string | null;
  userLabel?: string | null;
  /** Extra navigation for the signed-in user's role (admin pages). */
  extraNav?: Array<{ href: string; key: MessageKey }>;
  children: ComponentChildren;
}

const NAV: Array<{ href: string; key: MessageKey }> = [
  { href: "/", key: "nav.dashboard" },
  { href: "/banks", key: "nav.banks" },
  { href: "/peers", key: "nav.peers" },
  { href: "/experiments", key: "nav.experiments" },
  { href: "/campaigns", key: "nav.campaigns" },
  { href: "/metrics", key: "nav.metrics" },
  { href: "/tools/calculator", key: "nav.tools" },
];

function isCurrent(href: string, path: string) {
  if (href === "/") return path === "/";
  const section = href.split("/").slice(0, 2).join("/");
  return path === href || path.startsWith(`${section}/`) || path === section;
}

export function Layout(props: LayoutProps) {
  const { t, locale, path } = props;
  const other: Locale = locale === "zh-CN" ? "en" : "zh-CN";
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${t("app.name")}`}</title>
        <link rel="icon" href={props.faviconUrl} type="image/svg+xml" />
        <link rel="stylesheet" href={props.cssUrl} />
        <link rel="stylesheet" href={props.printCssUrl} media="print" />
        {props.clientEntry && <script type="module" src={props.clientEntry} />}
      </head>
      <body>
        <a class="skip" href="#main">{t("nav.skip")}</a>
        <header class="top">
          <a class="brand" href="/">
            <img src={props.faviconUrl} alt="" width={28} height={28} />
            <span>{t("app.name")}</span>
          </a>
          <nav aria-label={t("nav.dashboard")}>
            <ul>
              {[...NAV, ...(props.extraNav ?? [])].map((item) => (
                <li>
                  <a
                    href={item.href}
                    aria-current={isCurrent(item.href, path) ? "page" : undefined}
                  >
                    {t(item.key)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="top-actions">
            <a
              class="lang-toggle"
              href={`/lang/${other}?next=${encodeURIComponent(props.here ?? path)}`}
              hreflang={other}
              lang={other}
              data-testid="lang-toggle"
            >
              {t("lang.switchTo")}
            </a>
            {props.userLabel
              ? (
                <form method="post" action="/logout" class="inline">
                  <span class="user" data-testid="user-label">{props.userLabel}</span>
                  <button type="submit" class="link">{t("nav.logout")}</button>
                </form>
              )
              : <a href="/login">{t("nav.login")}</a>}
          </div>
        </header>
        <main id="main">{props.children}</main>
        <footer class="foot">
          <span>{t("app.name")} — {t("app.tagline")}</span>
          <span>{t("footer.note")}</span>
        </footer>
      </body>
    </html>
  );
}
