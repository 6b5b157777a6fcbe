/**
 * The words beside a result never contradict the recommendation: the verdicts say what the
 * statistics show (significant or not) and leave the action to the recommendation. The demo's
 * welcome-sms is significant before its planned sample size, so the recommendation is to keep
 * running; a verdict that said "ship it" beside it was a trap.
 */
import assert from "node:assert/strict";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { LOCALE_COOKIE } from "../plugins/locale.ts";

function section(html: string, testid: string): string {
  const start = html.indexOf(`data-testid="${testid}"`);
  assert.ok(start >= 0, `no ${testid} on the page`);
  return html.slice(start, html.indexOf("</", html.indexOf(">", start) + 1) + 2000)
    .replace(/<[^>]*>/g, " ");
}

const CASES = [
  // "若上线该版本…" (if it shipped…) explains expected loss; it is not a call to ship.
  { locale: "zh-CN", keepRunning: /继续/, action: /(?<!若)上线/ },
  { locale: "en", keepRunning: /Keep running/, action: /\bship\b/i },
] as const;

testBothBackends(
  "verdicts state the statistics and leave the action to the recommendation",
  async (t, database) => {
    const { app } = await createTestApp(database.db, { demoTraffic: true });
    const cookie = await sessionCookie(database.db, DEMO_USERS.growth);
    for (const { locale, keepRunning, action } of CASES) {
      await t.step(locale, async () => {
        const res = await app.request("/experiments/welcome-sms?bank=CC2", {
          headers: { cookie: `${cookie}; ${LOCALE_COOKIE}=${locale}` },
        });
        assert.equal(res.status, 200);
        const html = await res.text();
        assert.match(section(html, "recommendation"), keepRunning);
        const verdicts = section(html, "verdicts");
        assert.doesNotMatch(verdicts, action, verdicts);
      });
    }
  },
);

testBothBackends(
  "a stopped experiment is never told to keep running, and the winner defaults to the recommendation",
  async (t, database) => {
    const { app } = await createTestApp(database.db, { demoTraffic: true });
    const cookie = await sessionCookie(database.db, DEMO_USERS.growth);
    // Significant before its planned sample, then stopped by the team.
    await database.db.updateTable("experiments")
      .set({ status: "stopped", stopped_at: new Date() })
      .where("bank_id", "=", "CC2").where("key", "=", "welcome-sms").execute();
    for (const { locale, keepRunning } of CASES) {
      await t.step(locale, async () => {
        const res = await app.request("/experiments/welcome-sms?bank=CC2", {
          headers: { cookie: `${cookie}; ${LOCALE_COOKIE}=${locale}` },
        });
        assert.equal(res.status, 200);
        const html = await res.text();
        assert.match(html, /data-testid="recommendation"[^>]*data-action="ship"/);
        assert.match(html, /data-reason="EARLY_WIN_UNCONFIRMED"/);
        assert.doesNotMatch(section(html, "recommendation"), keepRunning);
        assert.match(html, /<option[^>]*value="coupon"[^>]*selected/);
      });
    }
  },
);
