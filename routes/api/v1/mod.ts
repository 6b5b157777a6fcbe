import { Hono } from "hono";
import type { AppEnv } from "../../../plugins/context.ts";
import { sdkJson } from "../../../plugins/sdk_headers.ts";
import assignments from "./assignments.ts";
import config from "./config.ts";
import customers from "./customers.ts";
import events from "./events.ts";

/**
 * The SDK API, mounted at `/api/v1`. `app.ts` puts the SDK key check in front of every path
 * under it, so `c.var.sdkBankId` is always set here. Contract: PRODUCT.md "HTTP API contract";
 * reference: `/api/docs`.
 */
const v1 = new Hono<AppEnv>();

/** Which bank the key belongs to: lets an integrator check its key. */
v1.get("/whoami", (c) => sdkJson({ bankId: c.get("sdkBankId") }));
v1.route("/", assignments);
v1.route("/", events);
v1.route("/", customers);
v1.route("/", config);

export default v1;
