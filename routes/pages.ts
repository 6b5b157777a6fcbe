import { Hono } from "hono";
import type { AppEnv } from "../plugins/context.ts";
import dashboard from "./index.tsx";
import lang from "./lang.ts";
import banks from "./banks/index.tsx";
import peers from "./peers/index.tsx";
import experiments from "./experiments/index.tsx";
import campaigns from "./campaigns/index.tsx";
import metrics from "./metrics/index.tsx";
import alerts from "./alerts/index.tsx";
import digests from "./digests/index.tsx";
import holdout from "./holdout/index.tsx";
import contactPolicy from "./governance/policy.tsx";
import layers from "./governance/layers.tsx";
import auth from "./auth.tsx";
import admin from "./admin/mod.ts";
import calculator from "./tools/calculator.tsx";
import banditSimulator from "./tools/bandit_simulator.tsx";
import sdk from "./sdk.ts";
import apiDocs from "./api/docs.tsx";
import openapi from "./api/openapi.ts";

/** Every HTML page. */
export function pageRoutes(): Hono<AppEnv> {
  const pages = new Hono<AppEnv>();
  pages.route("/", dashboard);
  pages.route("/", lang);
  pages.route("/", banks);
  pages.route("/", peers);
  pages.route("/", experiments);
  pages.route("/", campaigns);
  pages.route("/", metrics);
  pages.route("/", alerts);
  pages.route("/", digests);
  pages.route("/", holdout);
  pages.route("/", contactPolicy);
  pages.route("/", layers);
  pages.route("/", auth);
  pages.route("/", admin);
  pages.route("/", calculator);
  pages.route("/", banditSimulator);
  pages.route("/", sdk);
  pages.route("/", openapi);
  pages.route("/", apiDocs);
  return pages;
}
