import { Hono } from "hono";
import { insertOptOuts, upsertCustomers } from "../../../db/sdk_experiments.ts";
import { audit } from "../../../plugins/audit.ts";
import type { AppEnv } from "../../../plugins/context.ts";
import { sdkJson } from "../../../plugins/sdk_headers.ts";
import { readBatch } from "./batch.ts";
import { customersBody, MAX_UNITS, optOutsBody } from "./schemas.ts";

/** Opt-outs (`POST /opt-outs`) and customer attributes and consent (`PUT /customers`). */
const customers = new Hono<AppEnv>();

customers.post("/opt-outs", async (c) => {
  const body = await readBatch(c, optOutsBody, "units", MAX_UNITS);
  const bankId = c.var.sdkBankId;
  const channel = body.channel ?? "*";
  const inserted = await c.var.db.transaction().execute(async (trx) => {
    const count = await insertOptOuts(trx, bankId, body.units, { channel, now: c.var.now() });
    await audit(c, {
      bankId,
      action: "sdk.opt_outs",
      details: { channel, units: body.units.length, inserted: count },
    }, trx);
    return count;
  });
  await c.var.sdk.sync(); // this instance's later assignments honour the opt-outs
  return sdkJson({ channel, units: new Set(body.units).size, inserted });
});

customers.put("/customers", async (c) => {
  const body = await readBatch(c, customersBody, "customers", MAX_UNITS);
  const bankId = c.var.sdkBankId;
  const upserted = await c.var.db.transaction().execute(async (trx) => {
    const count = await upsertCustomers(trx, bankId, body.customers, c.var.now());
    await audit(c, { bankId, action: "sdk.customers", details: { upserted: count } }, trx);
    return count;
  });
  await c.var.sdk.sync(); // this instance's later assignments see the new consent and attributes
  return sdkJson({ upserted });
});

export default customers;
