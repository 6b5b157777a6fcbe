/** Peer clusters on the scorecard and the peers page: counts only, the bank's own cluster. */
import assert from "node:assert/strict";
import banks from "../lib/lens/demo-banks.json" with { type: "json" };
import { peerClusters } from "../lib/lens/clusters.ts";
import { scoreAssessment } from "../lib/lens/scoring.ts";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

testBothBackends("clusters: where the bank sits, never naming other banks", async (t, { db }) => {
  const { app } = await createTestApp(db);
  const consultant = await sessionCookie(db, DEMO_USERS.consultant);
  const get = async (path: string, lang: string) => {
    const res = await app.request(path, { headers: { cookie: `${consultant}; lang=${lang}` } });
    assert.equal(res.status, 200);
    return await res.text();
  };
  const scored = banks.map((b) => ({
    bankId: b.id,
    peerGroup: b.peer_group,
    score: scoreAssessment({ values: b.values }),
  }));
  const expected = peerClusters(scored, "city_commercial", scored.find((b) => b.bankId === "CC2"));
  const section = (html: string) => {
    const at = html.indexOf('data-testid="clusters"');
    return html.slice(at, html.indexOf("</section>", at));
  };
  for (const [lang, title] of [["zh-CN", "同业分群"], ["en", "Peer clusters"]] as const) {
    await t.step(`the scorecard in ${lang}`, async () => {
      const html = section(await get("/banks/CC2", lang));
      assert.ok(html.includes(title));
      assert.match(
        html,
        new RegExp(
          `data-cluster="${expected.bank}"[^>]*class="own"|class="own"[^>]*data-cluster="${expected.bank}"`,
        ),
      );
      assert.match(html, /data-testid="own-cluster"/);
      for (const b of banks) {
        assert.ok(!html.includes(b.name_zh) && !html.includes(b.name_en), b.id);
      }
    });
    await t.step(`the peers page with a bank in ${lang}`, async () => {
      const html = section(await get("/peers?group=city_commercial&bankId=CC2", lang));
      assert.ok(html.includes(title));
      assert.match(html, /data-testid="own-cluster"/);
    });
  }
});
