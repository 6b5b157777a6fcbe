/**
 * The scorecard's weighting scenario column: marked unofficial, beside the official scores that
 * stay unchanged, in both languages; an unknown scenario shows none. Both backends.
 */
import assert from "node:assert/strict";
import banks from "../lib/lens/demo-banks.json" with { type: "json" };
import { formatNumber } from "../lib/i18n/mod.ts";
import { SCENARIOS, scoreScenario } from "../lib/lens/scenarios.ts";
import { scoreAssessment } from "../lib/lens/scoring.ts";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

testBothBackends("scorecard: a weighting scenario beside the official model", async (t, { db }) => {
  const { app } = await createTestApp(db);
  const exec = await sessionCookie(db, DEMO_USERS.executive);
  const get = async (path: string, lang: string) => {
    const res = await app.request(path, { headers: { cookie: `${exec}; lang=${lang}` } });
    assert.equal(res.status, 200);
    return await res.text();
  };
  const official = scoreAssessment({ values: banks.find((b) => b.id === "CC2")!.values });
  const retail = scoreScenario(official, SCENARIOS[1].weights);
  for (
    const [lang, label] of [["zh-CN", "情景（非官方）: 零售优先"], [
      "en",
      "Scenario (unofficial): Retail first",
    ]] as const
  ) {
    await t.step(`retail first in ${lang}`, async () => {
      const html = await get("/banks/CC2?scenario=retail_first", lang);
      assert.match(html, /data-testid="scenario-table"/);
      assert.ok(html.includes(label), label);
      const shown = formatNumber(lang, retail.overall.score);
      assert.ok(html.includes(`<em>${shown}</em>`), shown);
      // the official overall card still shows the official score
      const plain = await get("/banks/CC2", lang);
      assert.doesNotMatch(plain, /data-testid="scenario-table"/);
      const card = (s: string) =>
        s.slice(s.indexOf('data-testid="overall"'), s.indexOf('data-testid="overall"') + 400);
      assert.equal(card(html), card(plain));
    });
  }
  await t.step("an unknown scenario shows no column and no error", async () => {
    const html = await get("/banks/CC2?scenario=%00nope", "en");
    assert.doesNotMatch(html, /data-testid="scenario-table"/);
  });
});
