/**
 * The campaign page's lineage on both backends: the seeded chain in Chinese and English (lifts,
 * intervals, compounded lift, chart island, winner's-curse note), and chains that are empty,
 * undecided or one step long.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { addCampaign, addIteration, seededLineageCampaignId } from "./helpers/lineage.ts";

type App = Awaited<ReturnType<typeof createTestApp>>["app"];

async function page(app: App, cookie: string, path: string, lang = "zh-CN") {
  const res = await app.request(path, { headers: { cookie: `lang=${lang}; ${cookie}` } });
  assert.equal(res.status, 200, path);
  assert.match(res.headers.get("content-type") ?? "", /text\/html/);
  const html = await res.text();
  assert.doesNotMatch(html, /lineage\.[a-zA-Z]/, "no untranslated message key");
  return html;
}

/** The text of a row's cell marked `data-testid=<cell>` (tags removed). */
function cell(html: string, key: string, testid: string): string {
  const row = html.match(new RegExp(`<tr data-key="${key}"[^>]*>([\\s\\S]*?)</tr>`))?.[1] ?? "";
  const td = row.match(new RegExp(`<td[^>]*data-testid="${testid}"[^>]*>([\\s\\S]*?)</td>`));
  return (td?.[1] ?? "").replace(/<[^>]+>/g, "").replace(/&#39;|&apos;/g, "'").trim();
}

function islandProps(html: string) {
  const match = html.match(/data-island="LiftChain" data-props="([^"]*)"/);
  return match ? JSON.parse(match[1].replaceAll("&quot;", '"').replaceAll("&amp;", "&")) : null;
}

testBothBackends(
  "the campaign page shows the seeded lineage in both languages",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const growth = await sessionCookie(db, DEMO_USERS.growth);
    const path = `/campaigns/${await seededLineageCampaignId(db)}`;

    const zh = await page(app, growth, path);
    assert.match(zh, /迭代谱系/);
    assert.equal(cell(zh, "wake-push-1", "lift"), "+30.0%");
    assert.equal(cell(zh, "wake-push-1", "interval"), "+14.3% ～ +47.9%");
    assert.equal(cell(zh, "wake-push-2", "lift"), "+18.3%");
    assert.equal(cell(zh, "wake-push-2", "interval"), "+6.4% ～ +31.5%");
    assert.equal(cell(zh, "wake-push-2", "step-compounded"), "+53.8%+30.1% ～ +81.7%");
    assert.equal(cell(zh, "wake-push-3", "lift"), "未决策");
    assert.equal(cell(zh, "wake-push-3", "winner"), "—");
    assert.match(zh, /由第 1 轮晋级/);
    assert.match(zh, /<a href="\/experiments\/wake-push-2\?bank=CC2">/);
    assert.match(zh, /2 轮已决策迭代累计提升 \+53\.8%/);
    assert.match(zh, /95%区间 \+30\.1% ～ \+81\.7%/);
    assert.match(zh, /data-testid="winners-curse"[^>]*>[\s\S]*?赢家诅咒/);
    const props = islandProps(zh);
    assert.equal(props.locale, "zh-CN");
    assert.equal(props.confidence, 0.95);
    assert.deepEqual(props.points.map((p: { iteration: number }) => p.iteration), [0, 1, 2]);
    assert.ok(
      props.points[2].lower < props.points[2].lift && props.points[2].lift < props.points[2].upper,
    );

    const en = await page(app, growth, path, "en");
    assert.match(en, />Lineage</);
    assert.equal(cell(en, "wake-push-1", "interval"), "+14.3% to +47.9%");
    assert.equal(cell(en, "wake-push-3", "lift"), "Not decided");
    assert.match(en, /promoted from #1/);
    assert.match(en, /Compounded lift over the decided iterations \(2\): \+53\.8%/);
    assert.match(en, /95% interval \+30\.1% to \+81\.7%/);
    assert.match(en, /Beware the winner(&#39;|')s curse/);
    assert.equal(islandProps(en).locale, "en");
  },
);

async function campaignWith(
  db: Kysely<Database>,
  name: string,
  iterations: Parameters<typeof addIteration>[1][],
) {
  const id = await addCampaign(db, "CC2", name);
  for (const it of iterations) await addIteration(db, { ...it, campaignId: id });
  return `/campaigns/${id}`;
}

testBothBackends("empty, undecided and one-step chains render sensibly", async (_t, { db }) => {
  const { app } = await createTestApp(db);
  const exec = await sessionCookie(db, DEMO_USERS.executive);
  const base = { bankId: "CC2", campaignId: null };

  const empty = await page(app, exec, await campaignWith(db, "Empty", []));
  assert.match(empty, /此活动还没有迭代/);
  assert.doesNotMatch(empty, /data-island="LiftChain"|data-testid="winners-curse"|<table/);

  const running = await page(
    app,
    exec,
    await campaignWith(db, "Running", [{
      ...base,
      key: "only-running",
      iteration: 1,
      status: "running",
      arms: [["a", 400, 8], ["b", 400, 12]],
    }]),
  );
  assert.equal(cell(running, "only-running", "lift"), "未决策");
  assert.match(running, /还没有已决策的迭代/);
  assert.doesNotMatch(running, /data-island="LiftChain"|data-testid="winners-curse"/);

  const oneStep = await page(
    app,
    exec,
    await campaignWith(db, "One step", [{
      ...base,
      key: "one-step",
      iteration: 1,
      status: "decided",
      winner: "b",
      arms: [["a", 4000, 80], ["b", 4000, 100]],
    }]),
    "en",
  );
  assert.equal(cell(oneStep, "one-step", "lift"), "+25.0%");
  assert.match(oneStep, /Compounded lift over the decided iterations \(1\): \+25\.0%/);
  assert.deepEqual(islandProps(oneStep).points.map((p: { iteration: number }) => p.iteration), [
    0,
    1,
  ]);
  assert.match(oneStep, /data-testid="winners-curse"/);

  const kept = await page(
    app,
    exec,
    await campaignWith(db, "Kept", [{
      ...base,
      key: "kept",
      iteration: 1,
      status: "decided",
      winner: "a",
      arms: [["a", 4000, 80], ["b", 4000, 70]],
    }, {
      ...base,
      key: "zero-base",
      parent: "kept",
      iteration: 2,
      status: "decided",
      winner: "b",
      arms: [["a", 500, 0], ["b", 500, 3]],
    }]),
  );
  assert.equal(cell(kept, "kept", "winner"), "保留对照组（a）");
  assert.equal(cell(kept, "kept", "lift"), "0（保留对照组）");
  assert.equal(cell(kept, "zero-base", "lift"), "对照组转化率为 0");
  assert.match(kept, /有一轮的提升无法计算/);
});

testBothBackends(
  "an experiment not promoted from the chain is shown apart and not compounded",
  async (_t, { db }) => {
    const { app } = await createTestApp(db);
    const exec = await sessionCookie(db, DEMO_USERS.executive);
    const base = { bankId: "CC2", campaignId: null, status: "decided" as const };
    const path = await campaignWith(db, "Repayment", [
      {
        ...base,
        key: "repay-1",
        iteration: 1,
        winner: "b",
        arms: [["a", 4000, 80], ["b", 4000, 100]],
      },
      {
        ...base,
        key: "repay-2",
        parent: "repay-1",
        iteration: 2,
        winner: "c",
        arms: [["b", 4000, 100], ["c", 4000, 110]],
      },
      {
        ...base,
        key: "repay-bandit-v1",
        iteration: 3,
        winner: "coupon",
        arms: [["plain", 3000, 60], ["coupon", 9000, 900]],
      },
    ]);
    for (
      const [lang, title, total] of [
        ["zh-CN", "独立实验", /2 轮已决策迭代累计提升 \+37\.5%/],
        [
          "en",
          "Standalone experiments",
          /Compounded lift over the decided iterations \(2\): \+37\.5%/,
        ],
      ] as const
    ) {
      const html = await page(app, exec, path, lang);
      const chain = html.match(/data-testid="iterations"[\s\S]*?<\/table>/)?.[0] ?? "";
      const alone = html.match(/data-testid="standalone"[\s\S]*?<\/table>/)?.[0] ?? "";
      assert.match(chain, /data-key="repay-1"[\s\S]*data-key="repay-2"/);
      assert.doesNotMatch(chain, /repay-bandit-v1/);
      assert.match(alone, new RegExp(`<h3>${title}</h3>`));
      assert.match(alone, /data-key="repay-bandit-v1"/);
      assert.doesNotMatch(alone, /step-compounded/);
      assert.equal(cell(html, "repay-bandit-v1", "lift"), "+400.0%");
      assert.match(html, total);
      assert.deepEqual(islandProps(html).points.map((p: { iteration: number }) => p.iteration), [
        0,
        1,
        2,
      ]);
    }
  },
);
