import { Hono } from "hono";
import type { AppEnv } from "../../../plugins/context.ts";

/**
 * The SDK API, mounted at `/api/v1`. `app.ts` puts the SDK key check in front of every path
 * under it, so `c.var.sdkBankId` is always set here.
 */
const v1 = new Hono<AppEnv>();

/** Which bank the key belongs to: lets an integrator check its key. */
v1.get("/whoami", (c) => c.json({ bankId: c.var.sdkBankId }));

export default v1;
