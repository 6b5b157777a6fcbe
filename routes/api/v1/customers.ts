import { Hono } from "hono";
import { insertOptOuts, upsertCustomers } from "../../../db/sdk_experiments.ts";
import { eraseCustomer } from "../../../db/erasure.ts";
import { liftSuppressions, suppressionHasher } from "../../../db/suppressions.ts";
import { erasureToken } from "../../../lib/governance/erasure.ts";
import { audit } from "../../../plugins/audit.ts";
import type { AppEnv } from "../../../plugins/context.ts";
import { sdkJson } from "../../../plugins/sdk_headers.ts";
import { parseWith } from "../../../plugins/validate.ts";
import { readBatch } from "./batch.ts";
import { customerPath, customersBody, MAX_UNITS, optOutsBody } from "./schemas.ts";

/**
 * Opt-outs (`POST /opt-outs`), customer attributes and consent (`PUT /customers`) and erasure
 * (`DELETE /customers/:unit`, db/erasure.ts).
 */
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
  // Re-imported with consent: an erased customer's suppression is lifted.
  const consenting = body.customers.filter((x) => x.marketingConsent === true).map((x) => x.unit);
  const hash = consenting.length ? await suppressionHasher(c.var.db) : null;
  const { upserted, unsuppressed } = await c.var.db.transaction().execute(async (trx) => {
    const count = await upsertCustomers(trx, bankId, body.customers, c.var.now());
    const lifted = hash ? await liftSuppressions(trx, bankId, consenting, hash) : 0;
    await audit(c, {
      bankId,
      action: "sdk.customers",
      details: { upserted: count, ...(lifted ? { unsuppressed: lifted } : {}) },
    }, trx);
    return { upserted: count, unsuppressed: lifted };
  });
  await c.var.sdk.sync(); // this instance's later assignments see the new consent and attributes
  return sdkJson(unsuppressed ? { upserted, unsuppressed } : { upserted });
});

customers.delete("/customers/:unit", async (c) => {
  const { unit } = parseWith(customerPath, { unit: c.req.param("unit") });
  const bankId = c.var.sdkBankId;
  const hash = await suppressionHasher(c.var.db);
  const token = erasureToken(crypto.randomUUID());
  const now = c.var.now();
  const result = await c.var.db.transaction().execute(async (trx) => {
    const erased = await eraseCustomer(trx, bankId, unit, {
      token,
      unitHash: hash(bankId, unit),
      now,
    });
    // The entry names the token, never the id.
    await audit(c, {
      bankId,
      action: "sdk.customer_erased",
      target: token,
      details: { rows: erased.rows, changed: erased.changed, suppressed: erased.suppressed },
    }, trx);
    return erased;
  });
  await c.var.sdk.sync(); // every instance's later assignments answer opted_out
  return sdkJson({ erased: true, token, ...result });
});

export default customers;
