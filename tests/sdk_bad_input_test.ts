import assert from "node:assert/strict";
import { createTestApp } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { SDK_AUTH } from "./helpers/sdk.ts";

const ENDPOINTS: Array<
  { method: string; path: string; field: string; limit: number; item: unknown }
> = [
  { method: "POST", path: "/api/v1/assignments", field: "units", limit: 10_000, item: "u" },
  {
    method: "POST",
    path: "/api/v1/events",
    field: "events",
    limit: 5_000,
    item: { id: "e", type: "exposure", experiment: "welcome-sms", unit: "u" },
  },
  { method: "POST", path: "/api/v1/opt-outs", field: "units", limit: 10_000, item: "u" },
  {
    method: "PUT",
    path: "/api/v1/customers",
    field: "customers",
    limit: 10_000,
    item: { unit: "u" },
  },
];

testBothBackends(
  "every SDK endpoint answers bad input with a coded 4xx JSON error",
  async (t, { db }) => {
    const { app } = await createTestApp(db);
    const send = async (method: string, path: string, body: string, type = "application/json") => {
      const res = await app.request(path, {
        method,
        headers: { ...SDK_AUTH, "content-type": type },
        body,
      });
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      return { status: res.status, code: (await res.json()).error?.code };
    };
    for (const e of ENDPOINTS) {
      await t.step(`${e.method} ${e.path}`, async () => {
        const base = e.field === "units" && e.path.endsWith("assignments")
          ? { experiment: "welcome-sms" }
          : {};
        const body = (items: unknown[]) => JSON.stringify({ ...base, [e.field]: items });
        assert.deepEqual(await send(e.method, e.path, "{not json"), {
          status: 400,
          code: "MALFORMED_JSON",
        });
        assert.deepEqual(await send(e.method, e.path, body([e.item]), "text/plain"), {
          status: 415,
          code: "UNSUPPORTED_MEDIA_TYPE",
        });
        assert.deepEqual(await send(e.method, e.path, "[]"), {
          status: 400,
          code: "VALIDATION_ERROR",
        });
        assert.deepEqual(await send(e.method, e.path, JSON.stringify({ ...base, [e.field]: 7 })), {
          status: 400,
          code: "VALIDATION_ERROR",
        });
        const tooMany = Array.from({ length: e.limit + 1 }, () => e.item);
        const big = body(tooMany);
        const expected = big.length > 1024 * 1024 ? "PAYLOAD_TOO_LARGE" : "BATCH_TOO_LARGE";
        assert.deepEqual(await send(e.method, e.path, big), { status: 413, code: expected });
        const huge = JSON.stringify({ ...base, [e.field]: ["x".repeat(1024 * 1024)] });
        assert.deepEqual(await send(e.method, e.path, huge), {
          status: 413,
          code: "PAYLOAD_TOO_LARGE",
        });
        const noKey = await app.request(e.path, {
          method: e.method,
          headers: { "content-type": "application/json" },
          body: body([e.item]),
        });
        assert.equal(noKey.status, 401);
      });
    }
    await t.step("assignments: empty list, bad unit, bad key", async () => {
      const post = (b: unknown) => send("POST", "/api/v1/assignments", JSON.stringify(b));
      assert.equal((await post({ experiment: "welcome-sms", units: [] })).status, 400);
      assert.equal((await post({ experiment: "welcome-sms", units: [""] })).status, 400);
      assert.equal((await post({ experiment: "welcome-sms", units: [5] })).status, 400);
      assert.equal((await post({ experiment: "Bad Key!", units: ["u"] })).status, 400);
      assert.equal((await post({ experiment: "welcome-sms", units: ["u"], extra: 1 })).status, 400);
    });
    await t.step("single assignment: missing or bad unit, bad key", async () => {
      for (
        const path of [
          "/api/v1/experiments/welcome-sms/assignment",
          "/api/v1/experiments/welcome-sms/assignment?unit=",
          `/api/v1/experiments/welcome-sms/assignment?unit=${"u".repeat(200)}`,
          "/api/v1/experiments/BAD%20KEY/assignment?unit=u",
        ]
      ) {
        const res = await app.request(path, { headers: SDK_AUTH });
        assert.equal(res.status, 400, path);
        assert.equal((await res.json()).error.code, "VALIDATION_ERROR");
      }
    });
    await t.step("opt-outs and customers: unknown channel, bad attributes", async () => {
      const optOut = await send(
        "POST",
        "/api/v1/opt-outs",
        JSON.stringify({ units: ["u"], channel: "fax" }),
      );
      assert.equal(optOut.status, 400);
      for (
        const c of [
          { unit: "u", attributes: { stage: 3 } },
          { unit: "u", attributes: { tags: "vip" } },
          { unit: "u", marketingConsent: "yes" },
          { unit: "u", attributes: { income: 1 } },
        ]
      ) {
        assert.equal(
          (await send("PUT", "/api/v1/customers", JSON.stringify({ customers: [c] }))).status,
          400,
        );
      }
    });
  },
);
