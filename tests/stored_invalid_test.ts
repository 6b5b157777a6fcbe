/**
 * An assessment stored before the range rule (a digital sales share of 150 %, a consent coverage
 * of −5 %) never makes a page or an API fail: scoring stored data leaves the value out as
 * missing (status `invalid`), the scorecard and the assessment pages flag it in the reader's
 * language so a consultant can correct it, and new input with such a value is still refused.
 * The values are written with SQL, as an older release would have stored them. Both backends.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { createTestApp, DEMO_USERS, sessionCookie, TEST_ADMIN } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

const FLAG = {
  "zh-CN": /超出有效范围 0–100 %.*请更正/s,
  en: /outside the valid range 0–100 %.*correct it/s,
} as const;

testBothBackends("stored out-of-range values: no page or API fails, the flag shows", async (t, {
  db,
}) => {
  const { app } = await createTestApp(db);
  const admin = await sessionCookie(db, TEST_ADMIN.email);
  const cc2Exec = await sessionCookie(db, DEMO_USERS.executive);
  const consultant = await sessionCookie(db, DEMO_USERS.consultant);
  const get = async (cookie: string, path: string, lang = "zh-CN") => {
    const res = await app.request(path, {
      headers: { cookie: `${cookie}; lang=${lang}`, "accept-language": lang },
    });
    return {
      status: res.status,
      type: res.headers.get("content-type") ?? "",
      text: await res.text(),
    };
  };

  // Every submitted assessment of CC2 gets a 150 % digital sales share; CC1's latest a negative
  // consent coverage (a critical indicator), straight into the table as an older release would.
  await sql`update assessments set values = values || '{"digital_sales_share": 150}'::jsonb
    where bank_id = 'CC2' and status = 'submitted'`.execute(db);
  await sql`update assessments set values = values || '{"marketing_consent_coverage": -5}'::jsonb
    where bank_id = 'CC1'`.execute(db);
  const periods = await db.selectFrom("assessments").select(["period", "status"])
    .where("bank_id", "=", "CC2").execute();
  const submitted = periods.filter((p) => p.status === "submitted").map((p) => p.period);
  assert.ok(submitted.length > 0);
  const period = submitted[0];

  const pages = [
    "/",
    "/?bank=CC2",
    "/banks",
    "/banks/CC2",
    "/banks/CC1",
    "/banks/CC2/report",
    "/banks/CC2/assessments",
    ...submitted.map((p) => `/banks/CC2/assessments/${p}`),
    `/banks/CC2/assessments/${period}?revision=1`,
    "/peers",
    "/peers?bankId=CC2",
    "/peers?bankId=CC1&group=all",
    "/api/peers",
    "/api/peers?bankId=CC2",
    "/api/peers?bankId=CC1&group=all",
    "/api/peers/export.csv?bankId=CC2",
    "/api/assessments",
    `/api/assessments?period=${period}`,
    "/api/assessments/export.csv",
    "/api/assessments/export.csv?bankId=CC2",
    `/api/assessments/CC2/${period}`,
    `/api/assessments/CC2/${period}/revisions`,
  ];

  await t.step("every page and API that reads them answers without a 5xx", async () => {
    for (const [who, cookie] of [["admin", admin], ["consultant", consultant]] as const) {
      for (const lang of ["zh-CN", "en"]) {
        for (const path of pages) {
          const res = await get(cookie, path, lang);
          assert.equal(res.status, 200, `${who} ${lang} ${path}: ${res.text.slice(0, 300)}`);
        }
      }
    }
    for (const path of ["/", "/banks/CC2", "/banks/CC2/assessments", "/peers", "/api/peers"]) {
      const res = await get(cc2Exec, path);
      assert.equal(res.status, 200, `executive ${path}: ${res.text.slice(0, 300)}`);
    }
  });

  await t.step("the score leaves the value out, as missing, with status invalid", async () => {
    const body = JSON.parse((await get(admin, `/api/assessments/CC2/${period}`)).text);
    const indicators = body.score.dimensions.flatMap((d: { capabilities: unknown[] }) =>
      d.capabilities
    ).flatMap((c: { indicators: unknown[] }) => c.indicators);
    const share = indicators.find((i: { id: string }) => i.id === "digital_sales_share");
    assert.deepEqual(share, {
      id: "digital_sales_share",
      value: null,
      score: null,
      status: "invalid",
      invalidValue: 150,
    });
    assert.equal(body.assessment.values.digital_sales_share, 150); // stored as it was
    const cc1 = JSON.parse((await get(admin, "/api/assessments")).text).assessments
      .filter((a: { bankId: string }) => a.bankId === "CC1");
    // A critical indicator left out scores 0, so the level is capped.
    assert.ok(cc1.some((a: { overall: { capped: boolean } }) => a.overall.capped));
    // Peers leave the stored 150 % out of the aggregates.
    const peers = JSON.parse((await get(admin, "/api/peers?bankId=CC2&group=all")).text);
    const figure = peers.figures.find((f: { id: string }) => f.id === "digital_sales_share");
    assert.equal(figure.value, null);
  });

  await t.step("the scorecard and the assessment pages flag it in both languages", async () => {
    for (const lang of ["zh-CN", "en"] as const) {
      for (
        const path of ["/banks/CC2", "/banks/CC2/assessments", `/banks/CC2/assessments/${period}`]
      ) {
        const { text } = await get(admin, path, lang);
        assert.match(text, /data-testid="invalid-values"/, `${lang} ${path}`);
        assert.match(text, FLAG[lang], `${lang} ${path}`);
        assert.match(text, /150/, `${lang} ${path}`);
      }
      const dashboard = await get(admin, "/?bank=CC2", lang);
      assert.match(dashboard.text, /data-testid="invalid-values"/, `${lang} dashboard`);
      const cc1 = await get(admin, "/banks/CC1", lang);
      assert.match(cc1.text, /data-testid="invalid-values"/, `${lang} CC1`);
      assert.match(cc1.text, /−5|-5/, `${lang} CC1`);
    }
  });

  await t.step("new input with the value is still refused", async () => {
    const res = await app.request(`/api/assessments/CC2/${period}`, {
      method: "PUT",
      headers: { cookie: consultant, "content-type": "application/json" },
      body: JSON.stringify({ values: { digital_sales_share: 150 }, status: "draft" }),
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.code, "VALUE_OUT_OF_RANGE");
  });
});
