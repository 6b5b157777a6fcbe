/**
 * The measured lens indicators on both backends: `ab_test_share` and
 * `campaign_conversion_uplift` from the bank's own decided iterations only, in the model's units,
 * and the scorecard marking them measured in both languages.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { measuredIndicators } from "../db/measured_indicators.ts";
import type { Database } from "../db/schema.ts";
import { formatNumber } from "../lib/i18n/mod.ts";
import { indicatorById } from "../lib/lens/model.ts";
import { bankScope, EVERY_BANK } from "../lib/scope.ts";
import { assertClose } from "../lib/stats/_testing.ts";
import { createTestApp, DEMO_USERS, sessionCookie, TEST_ADMIN } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { addCampaign, addIteration } from "./helpers/lineage.ts";

/** The seeded lineage's two winners (see lib/experiments/testdata/lineage.json). */
const SEEDED_LIFTS = [520 / 20000 / (400 / 20000) - 1, 725 / 25000 / (613 / 25000) - 1];

/**
 * CC2's seeded campaigns: the lineage campaign is the only one with a decided iteration; the
 * others (running tests) count in the denominator only.
 */
async function seededCampaigns(db: Kysely<Database>): Promise<number> {
  const rows = await db.selectFrom("campaigns").select("id").where("bank_id", "=", "CC2").execute();
  assert.ok(rows.length >= 2, "the demo seeds the lineage campaign and welcome-sms's");
  return rows.length;
}

function unitOf(id: string) {
  const indicator = indicatorById(id);
  return indicator?.type === "metric" ? indicator.unit : null;
}

testBothBackends(
  "measured indicators: the bank's own decided iterations only, in the model's units",
  async (t, { db }) => {
    await createTestApp(db);
    const n = await seededCampaigns(db);
    assert.equal(unitOf("ab_test_share"), "%");
    assert.equal(unitOf("campaign_conversion_uplift"), "% relative");

    await t.step(
      "the seeded demo: one of two campaigns tested, the median of two lifts",
      async () => {
        const m = await measuredIndicators(db, EVERY_BANK, "CC2");
        assertClose(m.ab_test_share?.value, 100 / n, { relative: 1e-12 });
        assert.equal(m.ab_test_share?.decidedExperiments, 2);
        assertClose(m.campaign_conversion_uplift?.value, 50 * (SEEDED_LIFTS[0] + SEEDED_LIFTS[1]), {
          relative: 1e-12,
        });
        assert.equal(m.campaign_conversion_uplift?.decidedExperiments, 2);
        assert.deepEqual(await measuredIndicators(db, EVERY_BANK, "RC2"), {}, "no campaigns");
      },
    );

    await t.step("another bank's experiments never count", async () => {
      const cc1 = await addCampaign(db, "CC1", "CC1 campaign");
      await addCampaign(db, "CC1", "CC1 untested campaign");
      await addIteration(db, {
        bankId: "CC1",
        campaignId: cc1,
        key: "cc1-huge",
        iteration: 1,
        status: "decided",
        winner: "b",
        arms: [["a", 1000, 10], ["b", 1000, 30]],
      });
      await addIteration(db, {
        bankId: "CC2",
        campaignId: null,
        key: "cc2-no-campaign",
        iteration: 1,
        status: "decided",
        winner: "b",
        arms: [["a", 1000, 100], ["b", 1000, 50]],
      });
      const cc2 = await measuredIndicators(db, EVERY_BANK, "CC2");
      assertClose(cc2.ab_test_share?.value, 100 / n, { relative: 1e-12 });
      assertClose(cc2.campaign_conversion_uplift?.value, 50 * (SEEDED_LIFTS[0] + SEEDED_LIFTS[1]), {
        relative: 1e-12,
      });
      const cc1Figures = await measuredIndicators(db, EVERY_BANK, "CC1");
      assert.equal(cc1Figures.ab_test_share?.value, 50);
      assertClose(cc1Figures.campaign_conversion_uplift?.value, 200, { relative: 1e-12 });
      assert.equal(cc1Figures.campaign_conversion_uplift?.decidedExperiments, 1);
      assert.deepEqual(await measuredIndicators(db, bankScope("CC1"), "CC2"), {}, "out of scope");
    });

    await t.step(
      "running iterations do not test a campaign; a kept control counts 0 %",
      async () => {
        const third = await addCampaign(db, "CC2", "Third");
        await addIteration(db, {
          bankId: "CC2",
          campaignId: third,
          key: "third-running",
          iteration: 1,
          status: "running",
          arms: [["a", 500, 10], ["b", 500, 40]],
        });
        let m = await measuredIndicators(db, EVERY_BANK, "CC2");
        assertClose(m.ab_test_share?.value, 100 / (n + 1), { relative: 1e-12 });
        assertClose(m.campaign_conversion_uplift?.value, 50 * (SEEDED_LIFTS[0] + SEEDED_LIFTS[1]), {
          relative: 1e-12,
        });
        await addIteration(db, {
          bankId: "CC2",
          campaignId: third,
          key: "third-kept",
          iteration: 2,
          status: "decided",
          winner: "a",
          arms: [["a", 500, 10], ["b", 500, 14]],
        });
        m = await measuredIndicators(db, EVERY_BANK, "CC2");
        assertClose(m.ab_test_share?.value, 200 / (n + 1), { relative: 1e-12 });
        assert.equal(m.ab_test_share?.decidedExperiments, 3);
        assertClose(m.campaign_conversion_uplift?.value, 100 * SEEDED_LIFTS[1], {
          relative: 1e-12,
        });
        assert.equal(m.campaign_conversion_uplift?.decidedExperiments, 3);
      },
    );

    await t.step("a lift that cannot be computed is left out of the median", async () => {
      const fourth = await addCampaign(db, "CC2", "Fourth");
      await addIteration(db, {
        bankId: "CC2",
        campaignId: fourth,
        key: "fourth-zero",
        iteration: 1,
        status: "decided",
        winner: "b",
        arms: [["a", 300, 0], ["b", 300, 5]],
      });
      const m = await measuredIndicators(db, EVERY_BANK, "CC2");
      assertClose(m.ab_test_share?.value, 300 / (n + 2), { relative: 1e-12 });
      assert.equal(m.ab_test_share?.decidedExperiments, 4);
      assert.equal(m.campaign_conversion_uplift?.decidedExperiments, 3);
      assertClose(m.campaign_conversion_uplift?.value, 100 * SEEDED_LIFTS[1], { relative: 1e-12 });
    });
  },
);

function measuredCell(html: string, indicator: string): string | null {
  const row = html.match(new RegExp(`<tr data-indicator="${indicator}">([\\s\\S]*?)</tr>`));
  const badge = row?.[1].match(
    /<span class="badge measured" data-testid="measured">([^<]*)<\/span>/,
  );
  return badge ? badge[1] : null;
}

testBothBackends(
  "the scorecard marks the measured indicators in both languages",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const exec = await sessionCookie(db, DEMO_USERS.executive);
    const n = await seededCampaigns(db);
    const share = (locale: "zh-CN" | "en") =>
      formatNumber(locale, 100 / n, { maximumFractionDigits: 2 });
    const zh = await (await app.request("/banks/CC2", { headers: { cookie: exec } })).text();
    const uplift = (100 * (SEEDED_LIFTS[0] + SEEDED_LIFTS[1]) / 2).toFixed(2);
    assert.equal(measuredCell(zh, "ab_test_share"), `平台实测: ${share("zh-CN")}`);
    assert.equal(measuredCell(zh, "campaign_conversion_uplift"), `平台实测: ${uplift}`);
    const en = await (await app.request("/banks/CC2", { headers: { cookie: `lang=en; ${exec}` } }))
      .text();
    assert.equal(measuredCell(en, "ab_test_share"), `Measured: ${share("en")}`);
    assert.equal(measuredCell(en, "campaign_conversion_uplift"), `Measured: ${uplift}`);
    const admin = await sessionCookie(db, TEST_ADMIN.email);
    const other = await (await app.request("/banks/RC2", { headers: { cookie: admin } })).text();
    assert.match(other, /data-indicator="ab_test_share"/);
    assert.doesNotMatch(
      other,
      /data-testid="measured"/,
      "a bank without campaigns: nothing measured",
    );
  },
);
