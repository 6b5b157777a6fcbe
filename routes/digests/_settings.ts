/**
 * The bank's time zone (per bank, default Asia/Shanghai): digests are sent at 09:00 there and
 * the experiment page's schedule form reads its times there. Growth users and admins change it
 * (audited `bank.time_zone`); 400 `TIME_ZONE_INVALID` for a name `Temporal` does not know.
 */
import type { Context } from "hono";
import { setBankTimeZone } from "../../db/schedules.ts";
import { badRequest, forbidden } from "../../lib/errors.ts";
import { canonicalTimeZone } from "../../lib/digests/period.ts";
import { audit } from "../../plugins/audit.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { currentUser } from "../../plugins/session.ts";
import { canManage } from "../alerts/_bank.ts";

export async function saveTimeZone(
  c: Context<AppEnv>,
  bankId: string,
  timeZone: string,
): Promise<string> {
  if (!canManage(c)) {
    throw forbidden("Your role may not change the bank's settings", {
      key: "error.api.role.settings",
    });
  }
  const canonical = canonicalTimeZone(timeZone);
  if (!canonical) {
    const error = badRequest(
      "TIME_ZONE_INVALID",
      `"${timeZone.slice(0, 64)}" is not a time zone (use an IANA name such as "Asia/Shanghai")`,
    );
    error.translation = { key: "schedule.error.TIME_ZONE_INVALID" };
    throw error;
  }
  await c.var.db.transaction().execute(async (trx) => {
    await setBankTimeZone(trx, bankId, canonical, currentUser(c).id, c.var.now());
    await audit(c, {
      action: "bank.time_zone",
      bankId,
      target: bankId,
      details: { timeZone: canonical },
    }, trx);
  });
  return canonical;
}
