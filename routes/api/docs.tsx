import { Hono } from "hono";
import { ApiReference } from "../../components/ApiReference.tsx";
import { renderPage } from "../../components/render.tsx";
import type { AppEnv } from "../../plugins/context.ts";
import { openApiDocument } from "./openapi.ts";

/** `GET /api/docs`: the API reference, rendered from the OpenAPI document (public). */
const docs = new Hono<AppEnv>();

docs.get(
  "/api/docs",
  (c) =>
    renderPage(c, {
      title: c.var.t("apiRef.title"),
      body: <ApiReference doc={openApiDocument()} t={c.var.t} locale={c.var.locale} />,
    }),
);

export default docs;
