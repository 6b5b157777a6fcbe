import { Hono } from "hono";
import type { MessageKey } from "../lib/i18n/mod.ts";
import { renderPage } from "../components/render.tsx";
import type { AppEnv } from "../plugins/context.ts";

const app = new Hono<AppEnv>();

/** Sections whose pages come with their own issues; until then the navigation lands here. */
const SECTIONS: Record<string, MessageKey> = {
  "/peers": "sections.peers",
};

for (const [path, key] of Object.entries(SECTIONS)) {
  app.get(path, (c) =>
    renderPage(c, {
      title: c.var.t(key),
      body: (
        <>
          <h1>{c.var.t(key)}</h1>
          <p class="muted">{c.var.t("common.comingSoon")}</p>
        </>
      ),
    }));
}

export default app;
