import assert from "node:assert/strict";
import { createTestApp, jsonRequest } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { SDK_AUTH } from "./helpers/sdk.ts";

testBothBackends(
  "/api/openapi.json documents every SDK route, and each documented route is served",
  async (_t, { db }) => {
    const { app } = await createTestApp(db, { demo: true });
    const res = await app.request("/api/openapi.json");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    const doc = await res.json();
    assert.equal(doc.openapi, "3.1.0");
    assert.equal(doc.components.securitySchemes.sdkKey.scheme, "bearer");
    const documented = new Set<string>();
    for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
      for (const method of Object.keys(item)) {
        documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`);
      }
    }
    const served = app.routes.filter((r) => r.path.startsWith("/api/v1/") && r.method !== "ALL")
      .map((r) => `${r.method} ${r.path}`).filter((r) => !r.endsWith("/whoami"));
    for (const route of served) assert.ok(documented.has(route), `${route} is not documented`);
    for (const path of ["/api/stats/proportions", "/api/bandits/simulate", "/api/lens/score"]) {
      assert.ok(documented.has(`POST ${path}`), path);
    }
    // Each documented operation answers an empty body with the documented 400, never 404 or 5xx
    // (the metric library's are for signed-in users: tests/metrics_api_test.ts).
    for (const op of documented) {
      const [method, path] = op.split(" ");
      if (path.startsWith("/api/metrics")) continue;
      // So are the schedules', digests' and bank settings' (tests/schedules_test.ts, digests_test.ts).
      if (/^\/api\/(experiments\/:key\/schedule|digests|bank-settings)/.test(path)) continue;
      // The payload takes no parameter it needs: tests/local_evaluation_test.ts tests its 400s.
      if (path === "/api/v1/config") continue;
      // Erasure takes no body and any id is valid: tests/erasure_retention_test.ts tests its 400s.
      if (path === "/api/v1/customers/:unit") continue;
      // Assessments are for signed-in users: tests/lens_evidence_assessors_test.ts.
      if (path.startsWith("/api/assessments")) continue;
      // Layers and experiment settings are for signed-in users: tests/governance_layers_test.ts.
      if (path === "/api/layers" || /^\/api\/experiments(\/:key(\/start)?)?$/.test(path)) continue;
      // The contact policy is for signed-in admins and growth users: tests/contact_policy_test.ts.
      if (path.startsWith("/api/contact-policy")) continue;
      // The holdout report and reason counts are for signed-in readers: holdout_report_test.ts.
      if (path === "/api/holdout" || path.endsWith("/reasons")) continue;
      const url = path.replace(":key", "welcome-sms");
      const r = await app.request(
        url,
        method === "GET" ? { headers: SDK_AUTH } : jsonRequest(method, "{}", SDK_AUTH),
      );
      assert.equal(r.status, 400, `${op}: ${r.status}`);
      await r.body?.cancel();
    }
    // The event schema that validates requests is the one documented.
    const event = doc.components.schemas.Event;
    assert.deepEqual(event.required, ["id", "type", "experiment", "unit"]);
    const body = doc.paths["/api/v1/events"].post.requestBody.content["application/json"].schema;
    assert.equal(body.$ref, "#/components/schemas/EventsRequest");
    assert.equal(doc.components.schemas.EventsRequest.properties.events.maxItems, 5000);
  },
);

testBothBackends("/api/docs renders the reference for anonymous visitors", async (_t, { db }) => {
  const { app } = await createTestApp(db, { demo: false });
  const res = await app.request("/api/docs");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/html/);
  const html = await res.text();
  for (
    const text of [
      "POST /api/v1/events",
      "GET /api/v1/experiments/{key}/assignment",
      "PUT /api/v1/customers",
      "POST /api/stats/proportions",
      "events[].id",
      "BATCH_TOO_LARGE",
    ]
  ) {
    assert.ok(html.includes(text), text);
  }
});
