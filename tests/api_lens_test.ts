import assert from "node:assert/strict";
import { Hono } from "hono";
import { AppError } from "../lib/errors.ts";
import { scoreAssessment } from "../lib/lens/scoring.ts";
import banks from "../lib/lens/demo-banks.json" with { type: "json" };
import lens from "../routes/api/lens.ts";

/** Test stand-in for the app's error plugin: AppError → `{ error: { code, message } }`. */
function testApp(): Hono {
  const app = new Hono();
  app.route("/api/lens", lens);
  app.onError((err, c) => {
    if (err instanceof AppError) {
      return c.json({ error: { code: err.code, message: err.message } }, err.status);
    }
    return c.json({ error: { code: "INTERNAL", message: String(err) } }, 500);
  });
  return app;
}

function post(body: string, type = "application/json"): Promise<Response> {
  return Promise.resolve(
    testApp().request("/api/lens/score", {
      method: "POST",
      headers: { "content-type": type, "accept-language": "en" },
      body,
    }),
  );
}

async function assertError(res: Response, status: number, code: string, message?: RegExp) {
  assert.equal(res.status, status);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const body = await res.json();
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, "string");
  if (message) assert.match(body.error.message, message);
}

const cc2 = banks.find((b) => b.id === "CC2")!.values;

Deno.test("POST /api/lens/score scores a demo bank like the library does", async () => {
  const res = await post(JSON.stringify({ values: cc2 }));
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const body = await res.json();
  assert.deepEqual(body, JSON.parse(JSON.stringify(scoreAssessment({ values: cc2 }))));
  assert.deepEqual(Object.keys(body), [
    "model",
    "overall",
    "dimensions",
    "strengths",
    "weaknesses",
    "entryPoints",
  ]);
  assert.deepEqual(Object.keys(body.overall), [
    "score",
    "rawScore",
    "deduction",
    "level",
    "capped",
  ]);
  assert.deepEqual(body.model, { id: "lens-capability-model", version: "1.0.0" });
});

Deno.test("POST /api/lens/score accepts nulls and justified N/A", async () => {
  const values = { ...cc2, genai_adoption: null, churn_rate: null };
  const notApplicable = { genai_adoption: "Not permitted by the regulator yet" };
  const res = await post(JSON.stringify({ values, notApplicable }));
  assert.equal(res.status, 200);
  const body = await res.json();
  const service = body.dimensions[1].capabilities.find((c: { id: string }) =>
    c.id === "intelligent_service"
  );
  assert.equal(service.indicators[1].status, "not_applicable");
});

Deno.test("POST /api/lens/score with no values is still a 200 with a null overall", async () => {
  const res = await post(JSON.stringify({ values: {} }));
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.overall.score, null);
  assert.equal(body.overall.capped, true);
});

Deno.test("POST /api/lens/score refuses bad input with a 4xx JSON error, never a 5xx", async (t) => {
  const cases: [string, string, number, string, RegExp?][] = [
    ["malformed JSON", "{values:", 400, "MALFORMED_JSON"],
    ["a JSON array", "[]", 400, "VALIDATION_ERROR"],
    ["no values", "{}", 400, "VALIDATION_ERROR", /Indicator values is required/],
    ["an unexpected field", '{"values":{},"extra":1}', 400, "VALIDATION_ERROR"],
    ["a string value", '{"values":{"churn_rate":"12"}}', 400, "VALIDATION_ERROR", /churn_rate/],
    ["an infinite value", '{"values":{"churn_rate":1e999}}', 400, "VALIDATION_ERROR", /churn_rate/],
    ["an unknown id", '{"values":{"churn":12}}', 400, "UNKNOWN_INDICATOR", /"churn"/],
    ["maturity 0", '{"values":{"tag_system":0}}', 400, "MATURITY_OUT_OF_RANGE", /tag_system/],
    ["maturity 6", '{"values":{"tag_system":6}}', 400, "MATURITY_OUT_OF_RANGE", /tag_system/],
    ["maturity 2.5", '{"values":{"tag_system":2.5}}', 400, "MATURITY_OUT_OF_RANGE"],
    ["a negative share", '{"values":{"app_mau_penetration":-1}}', 400, "VALUE_NEGATIVE"],
    [
      "a fractional penalty count",
      '{"values":{"data_penalties_24m":1.5}}',
      400,
      "VALUE_NOT_INTEGER",
    ],
    [
      "N/A on a metric",
      '{"values":{},"notApplicable":{"churn_rate":"n/a"}}',
      400,
      "NA_NOT_ALLOWED",
    ],
    [
      "N/A on a critical indicator",
      '{"values":{},"notApplicable":{"optout_effective_hours":"none"}}',
      400,
      "NA_CRITICAL",
      /optout_effective_hours/,
    ],
    [
      "N/A without text",
      '{"values":{},"notApplicable":{"tag_system":" "}}',
      400,
      "NA_JUSTIFICATION_EMPTY",
    ],
    ["N/A not a string", '{"values":{},"notApplicable":{"tag_system":1}}', 400, "VALIDATION_ERROR"],
    [
      "a value and N/A together",
      '{"values":{"tag_system":3},"notApplicable":{"tag_system":"why"}}',
      400,
      "VALUE_AND_NA",
    ],
  ];
  for (const [name, body, status, code, message] of cases) {
    await t.step(name, async () => assertError(await post(body), status, code, message));
  }
  await t.step("not JSON content", async () => {
    await assertError(await post("values=1", "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE");
  });
});

Deno.test("POST /api/lens/score lists several issues in one message", async () => {
  const res = await post('{"values":{"nope":1,"tag_system":9}}');
  await assertError(res, 400, "UNKNOWN_INDICATOR", /"nope".*; .*"tag_system"/);
});
