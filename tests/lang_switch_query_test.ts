/**
 * The language switch returns to the same page with its query (issue 14, item 6: every admin
 * URL carries the bank). It used to drop the query, so switching language on JS1's
 * `/experiments/b-draft?bank=JS1` landed on the bankless URL, which a key shared by two banks
 * cannot resolve.
 */
import assert from "node:assert/strict";
import { createCampaign } from "../db/campaigns.ts";
import { createExperiment } from "../db/experiments.ts";
import { createTestApp, sessionCookie, TEST_ADMIN } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

testBothBackends("the language switch keeps the page's query (the bank)", async (_t, { db }) => {
  const { app } = await createTestApp(db);
  for (const bankId of ["CC2", "JS1"]) {
    const campaign = await createCampaign(db, {
      bankId,
      name: `${bankId} 信用卡激活`,
      channel: "sms",
      segment: {},
      description: "",
      createdBy: null,
    });
    await createExperiment(db, {
      bankId,
      campaignId: campaign.id,
      key: "b-draft",
      name: `${bankId} 草稿`,
      iteration: 1,
      variants: [{ name: "control", weight: 0.5 }, { name: "challenger", weight: 0.5 }],
      createdBy: null,
    });
  }
  const cookie = await sessionCookie(db, TEST_ADMIN.email);
  for (const lang of ["zh-CN", "en"]) {
    const page = await app.request("/experiments/b-draft?bank=JS1", {
      headers: { cookie: `${cookie}; lang=${lang}` },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    const link = html.match(/href="(\/lang\/[^"]+)"/)?.[1].replaceAll("&amp;", "&");
    assert.ok(link, "a language switch link");
    const next = new URL(link, "http://x.invalid").searchParams.get("next");
    assert.equal(next, "/experiments/b-draft?bank=JS1");
    const switched = await app.request(link, { headers: { cookie } });
    assert.equal(switched.status, 303);
    assert.equal(switched.headers.get("location"), "/experiments/b-draft?bank=JS1");
  }
});
