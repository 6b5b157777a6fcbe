/**
 * The demo's metric library (db/seed_metrics.ts): welcome-sms reads library metrics made from
 * its own seeded traffic, its conversions unchanged, and the results page shows one table per
 * role in both languages with numbers equal to the API's.
 */
import assert from "node:assert/strict";
import { WELCOME_DAILY_CUSTOMERS } from "../db/seed_welcome.ts";
import { DEMO_METRICS, WELCOME_METRICS } from "../db/seed_metrics.ts";
import { call, createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

testBothBackends(
  "the demo's welcome-sms reads library metrics from its traffic",
  async (t, { db }) => {
    const { app } = await createTestApp(db, { demoTraffic: true });
    const growth = await sessionCookie(db, DEMO_USERS.growth);
    const res = await call(app, growth, "GET", "/api/experiments/welcome-sms/results");
    assert.equal(res.status, 200);
    const body = await res.json();
    const customers = WELCOME_DAILY_CUSTOMERS.reduce((n, c) => n + c, 0);

    await t.step("every role's metrics are measured on the welcome customers", () => {
      const keys = body.metrics.map((m: { key: string }) => m.key);
      assert.deepEqual(keys, [
        WELCOME_METRICS.primary,
        ...WELCOME_METRICS.secondary,
        ...WELCOME_METRICS.guardrails,
      ]);
      for (const m of body.metrics) {
        const units = m.variants.reduce((n: number, v: { units: number }) => n + v.units, 0);
        assert.equal(units, customers, m.key);
        assert.deepEqual(m.warnings, [], m.key);
      }
    });

    await t.step("card binding within 7 days includes every conversion and a few more", () => {
      const card = body.metrics.find((m: { key: string }) => m.key === "card_bound_7d");
      body.variants.forEach((arm: { name: string; conversions: number }, i: number) => {
        assert.equal(card.variants[i].name, arm.name);
        assert.ok(card.variants[i].count >= arm.conversions, arm.name);
        assert.ok(card.variants[i].count <= arm.conversions * 1.8, arm.name);
      });
    });

    await t.step("guardrails pass and the recommendation is what it was", () => {
      for (const m of body.metrics.filter((x: { role: string }) => x.role === "guardrail")) {
        assert.equal(m.breached, false, m.key);
      }
      const optOut = body.metrics.find((m: { key: string }) => m.key === "opt_out");
      assert.ok(optOut.variants.every((v: { mean: number }) => v.mean > 0 && v.mean < 0.02));
      assert.equal(body.recommendation.action, "keep_running");
      assert.ok(body.recommendation.reasons.includes("EARLY_SIGNIFICANCE"));
    });

    await t.step("the library lists the demo metrics with welcome-sms as their user", async () => {
      const html = await (await app.request("/metrics", { headers: { cookie: growth } })).text();
      for (const m of DEMO_METRICS) {
        assert.match(html, new RegExp(`data-key="${m.key}"`));
      }
      assert.match(html, /data-experiment="welcome-sms" data-role="secondary"/);
    });

    await t.step("the results page has one table per role, numbers as the API's", async () => {
      for (const lang of ["zh-CN", "en"]) {
        const page = await app.request("/experiments/welcome-sms?bank=CC2", {
          headers: { cookie: `${growth}; lang=${lang}` },
        });
        assert.equal(page.status, 200);
        const html = await page.text();
        for (const role of ["primary", "secondary", "guardrail"]) {
          assert.match(html, new RegExp(`data-testid="metrics-${role}"`));
        }
        assert.match(html, lang === "en" ? /Card bound within 7 days/ : /7日绑卡率/);
        assert.match(html, lang === "en" ? /✓<\/span> Pass/ : /✓<\/span> 通过/);
        const card = body.metrics.find((m: { key: string }) => m.key === "card_bound_7d");
        const share = new Intl.NumberFormat(lang, {
          style: "percent",
          minimumFractionDigits: 2,
          maximumFractionDigits: 2,
        }).format(card.variants[0].mean);
        assert.ok(html.includes(`data-testid="mean">${share}<`), share);
        assert.equal((html.match(/data-island="MetricChart"/g) ?? []).length, body.metrics.length);
      }
    });
  },
);
