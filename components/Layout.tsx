import type { ComponentChildren } from "preact";
import { mayOpenPage, type PageUser } from "../lib/roles.ts";
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
  /** The signed-in user: the menu leaves out the pages they may not open (lib/roles.ts). */
  user?: PageUser | null;
  children: ComponentChildren;
}

/**
 * The menu. Who sees an item is who may open its page (`mayOpenPage`, the page guards' rule);
 * the administration items show only to a signed-in user who may open them.
 */
const NAV: Array<{ href: string; key: MessageKey; signedIn?: true }> = [
  { href: "/", key: "nav.dashboard" },
  { href: "/banks", key: "nav.banks" },
  { href: "/peers", key: "nav.peers" },
  { href: "/experiments", key: "nav.experiments" },
  { href: "/campaigns", key: "nav.campaigns" },
  { href: "/metrics", key: "nav.metrics" },
  { href: "/alerts", key: "nav.alerts" },
  { href: "/digests", key: "nav.digests" },
  { href: "/holdout", key: "nav.holdout" },
  { href: "/governance/policy", key: "nav.governance" },
  { href: "/tools/calculator", key: "nav.tools" },
  { href: "/admin/users", key: "nav.adminUsers", signedIn: true },
  { href: "/admin/keys", key: "nav.adminKeys", signedIn: true },
  { href: "/admin/audit", key: "nav.adminAudit", signedIn: true },
];

/**
 * The one menu item of the page at `path`: the item whose address is the longest prefix of the
 * path (`/admin/keys/…` → Keys, not every `/admin` item); when none is, the item of the same
 * first segment (`/tools/bandit-simulator` → Tools).
 */
export function currentItem(hrefs: readonly string[], path: string): string | undefined {
  const within = (base: string) => path === base || path.startsWith(`${base}/`);
  const longest = (list: string[]) => list.sort((a, b) => b.length - a.length)[0];
  if (path === "/") return hrefs.includes("/") ? "/" : undefined;
  const exact = hrefs.filter((href) => href !== "/" && within(href));
  if (exact.length) return longest(exact);
  const section = (href: string) => href.split("/").slice(0, 2).join("/");
  return longest(hrefs.filter((href) => href !== "/" && within(section(href))));
}

export function Layout(props: LayoutProps) {
  const { t, locale, path } = props;
  const other: Locale = locale === "zh-CN" ? "en" : "zh-CN";
  const user = props.user;
  const items = NAV.filter((item) => user ? mayOpenPage(user, item.href) : !item.signedIn);
  const current = currentItem(items.map((item) => item.href), path);
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
              {items.map((item) => (
                <li>
                  <a
                    href={item.href}
                    aria-current={item.href === current ? "page" : undefined}
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
