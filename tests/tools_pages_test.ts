import assert from "node:assert/strict";
import { createTestApp } from "./helpers/app.ts";
import { openTestDatabase } from "./helpers/db.ts";
import { banditSpecs, DEFAULT_BANDIT } from "../components/tools/bandit_inputs.ts";
import { DEFAULT_PLANNER, plan } from "../components/tools/planner.ts";
import { analyzeArms, defaultArms, verdict } from "../components/tools/significance.ts";
import { formatNumber, translator } from "../lib/i18n/mod.ts";
import { simulateBandit } from "../lib/stats/bandits.ts";
import { sampleSizeProportions } from "../lib/stats/power.ts";

const database = await openTestDatabase("pglite");
const { app } = await createTestApp(database.db);
const zh = translator("zh-CN"), en = translator("en");
const grouped = (n: number) => formatNumber("en", n, { maximumFractionDigits: 0 });

async function page(path: string, lang: "zh-CN" | "en") {
  const res = await app.request(path, { headers: { cookie: `lang=${lang}` } });
  assert.equal(res.status, 200, path);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  return await res.text();
}

Deno.test({
  name: "tools pages",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await t.step(
      "the calculator renders the default plan and read-out without sign-in",
      async () => {
        const { perVariant, total } = sampleSizeProportions({
          baselineRate: 0.02,
          variantRate: 0.022,
        });
        const [control, variant] = defaultArms(zh);
        for (const lang of ["zh-CN", "en"] as const) {
          const html = await page("/tools/calculator", lang);
          assert.match(html, new RegExp(`<html lang="${lang}">`));
          assert.match(html, /data-island="SampleSizePlanner"/);
          assert.match(html, /data-island="SignificanceCalculator"/);
          assert.ok(
            html.includes(`data-testid="per-arm">${grouped(perVariant)}<`),
            "users per arm",
          );
          assert.ok(html.includes(`data-testid="total">${grouped(total)}<`), "total users");
          assert.ok(html.includes(lang === "en" ? "33 days" : "33 天"), "days at 5,000 a day");
          assert.ok(html.includes(lang === "en" ? "not significant" : "差异尚不显著"), "verdict");
          assert.match(html, /data-testid="lift-chart"/);
        }
        assert.equal(perVariant, 80_682);
        assert.equal(control.users, variant.users);
      },
    );

    await t.step("the significance read-out on the page is lib/stats' p-value", async () => {
      const outcome = analyzeArms(defaultArms(en), { sequential: false }, en);
      assert.ok(outcome.ok);
      const p = outcome.analysis.comparisons[0].pValue!;
      const html = await page("/tools/calculator", "en");
      assert.ok(html.includes(`>${p.toLocaleString("en", { maximumSignificantDigits: 3 })}<`));
      assert.ok(html.includes("Sample size planner"));
    });

    await t.step("the simulator renders the default simulation's regret", async () => {
      const specs = banditSpecs(DEFAULT_BANDIT, en);
      assert.ok(specs.ok);
      for (const lang of ["zh-CN", "en"] as const) {
        const html = await page("/tools/bandit-simulator", lang);
        assert.match(html, /data-island="BanditSimulator"/);
        assert.ok(html.includes(lang === "en" ? "Thompson sampling" : "汤普森采样"));
        for (const spec of specs.specs) {
          const regret = simulateBandit(spec).cumulativeRegret;
          const shown = formatNumber(lang, regret);
          assert.ok(html.includes(`<td class="num">${shown}</td>`), `${spec.policy} ${shown}`);
        }
      }
    });

    await t.step("the planner explains invalid input instead of going blank", () => {
      assert.deepEqual(plan({ ...DEFAULT_PLANNER, baseline: "0" }), {
        ok: false,
        error: "tools.err.baseline",
      });
      const outcome = plan({ ...DEFAULT_PLANNER, baseline: "60", mde: "80" });
      assert.ok(!outcome.ok);
      assert.match(zh(outcome.error, outcome.params), /108%/);
      assert.equal(plan({ ...DEFAULT_PLANNER, arms: "21" }).ok, false);
    });

    await t.step("the calculator's verdicts: significant win, SRM, row errors", () => {
      const arms = [
        { name: "对照", users: "20000", conversions: "1000" },
        { name: "优惠券版本", users: "20000", conversions: "1300" },
      ];
      const win = analyzeArms(arms, { sequential: false }, zh);
      assert.ok(win.ok);
      const said = verdict(win.analysis.comparisons[0], win.analysis, { locale: "zh-CN", t: zh });
      assert.equal(said.tone, "win");
      assert.match(
        said.text,
        /^优惠券版本的转化率比对照高 30\.0%（95% 置信区间 .*），差异显著。$/,
      );
      assert.equal(win.analysis.srm.mismatch, false);

      const peeking = analyzeArms(arms, { sequential: true }, zh);
      assert.ok(peeking.ok && peeking.analysis.sequential);
      const [fixed, safe] = [win, peeking].map((o) => o.ok ? o.analysis.comparisons[0] : null);
      assert.ok(safe!.pValue! > fixed!.pValue!, "the always-valid p is the larger");
      assert.ok(
        safe!.ci![1] - safe!.ci![0] > fixed!.ci![1] - fixed!.ci![0],
        "the sequence is wider",
      );

      const skewed = analyzeArms(
        [arms[0], { ...arms[1], users: "23000" }],
        { sequential: false },
        en,
      );
      assert.ok(skewed.ok && skewed.analysis.srm.mismatch);

      const bad = analyzeArms([arms[0], { name: "对照", users: "10", conversions: "11" }], {
        sequential: false,
      }, en);
      assert.deepEqual(!bad.ok && bad.errors, [
        "Row 2: Arm names must be non-empty and unique",
        "Row 2: Conversions must be a whole number no larger than users",
      ]);
    });

    await t.step("the simulator refuses more than 2,000,000 pulls", () => {
      const outcome = banditSpecs({ ...DEFAULT_BANDIT, horizon: "100000", runs: "21" }, en);
      assert.ok(!outcome.ok && outcome.errors.some((e) => e.includes("2,100,000")));
    });

    await database.close();
  },
});
