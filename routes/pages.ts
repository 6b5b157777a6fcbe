import { Hono } from "hono";
import type { AppEnv } from "../plugins/context.ts";
import dashboard from "./index.tsx";
import lang from "./lang.ts";
import banks from "./banks/index.tsx";
import sections from "./sections.tsx";

/** Every HTML page. */
export function pageRoutes(): Hono<AppEnv> {
  const pages = new Hono<AppEnv>();
  pages.route("/", dashboard);
  pages.route("/", lang);
  pages.route("/", banks);
  pages.route("/", sections);
  return pages;
}
