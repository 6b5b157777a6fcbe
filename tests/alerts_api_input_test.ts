/**
 * Bad input to every alert and notification endpoint is a 4xx with the JSON error shape and
 * stores nothing: wrong types, NUL, lone surrogates, unknown fields, malformed JSON, URLs the
 * policy refuses, other banks' channels, alerts and experiments, roles without the right.
 */
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import { createApp } from "../app.ts";
import type { Database } from "../db/schema.ts";
import { createUser } from "../db/users.ts";
import { hashPassword } from "../lib/security/password.ts";
import { loadAssets } from "../plugins/assets.ts";
import { call, createTestApp, DEMO_USERS, expectJson, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { makeExperiment } from "./helpers/sdk.ts";

async function setUp(db: Kysely<Database>) {
  const { config: base } = await createTestApp(db);
  const config = {
    ...base,
    secretKey: "input-test-secret-key-0123456789",
    notifyAllowHosts: ["127.0.0.1"],
  };
  const app = createApp({ db, config, assets: await loadAssets(null) });
  await createUser(db, {
    email: "growth@cc1.test",
    role: "growth",
    bankId: "CC1",
    passwordHash: await hashPassword("unused-password-1", 1000),
  });
  return {
    app,
    growth: await sessionCookie(db, DEMO_USERS.growth),
    exec: await sessionCookie(db, DEMO_USERS.executive),
    consultant: await sessionCookie(db, DEMO_USERS.consultant),
    other: await sessionCookie(db, "growth@cc1.test"),
  };
}

async function refused(res: Response, status: number, code?: string) {
  const body = await expectJson(res, status);
  assert.equal(typeof body.error?.code, "string", JSON.stringify(body));
  assert.equal(typeof body.error?.message, "string");
  if (code) assert.equal(body.error.code, code, JSON.stringify(body));
  return body;
}

testBothBackends(
  "alerts and channels: bad input is refused and stores nothing",
  async (t, { db }) => {
    const s = await setUp(db);
    const count = async () =>
      Number(
        (await db.selectFrom("notification_channels" as never).select((eb) =>
          eb.fn.countAll().as("n")
        )
          .executeTakeFirstOrThrow() as { n: string }).n,
      );
    const good = { kind: "webhook", url: "https://hooks.example.com/lensloop", secret: "whsec-1" };
    const post = (body: unknown, cookie = s.growth) =>
      call(s.app, cookie, "POST", "/api/notification-channels", body);

    await t.step("POST /api/notification-channels", async () => {
      const cases: [unknown, number, string?][] = [
        [{ ...good, kind: 1 }, 400, "VALIDATION_ERROR"],
        [{ ...good, kind: "slack" }, 400, "VALIDATION_ERROR"],
        [{ ...good, url: 42 }, 400, "VALIDATION_ERROR"],
        [{ ...good, url: "https://hooks.example.com/\u0000" }, 400, "INVALID_TEXT"],
        [{ ...good, secret: "a\ud800b" }, 400, "INVALID_TEXT"],
        [{ ...good, name: "\u0000" }, 400, "INVALID_TEXT"],
        [{ ...good, extra: true }, 400, "VALIDATION_ERROR"],
        [{ ...good, events: ["guardrail_breached", "nope"] }, 400, "VALIDATION_ERROR"],
        [{ ...good, events: [] }, 400, "VALIDATION_ERROR"],
        [{ ...good, events: "srm" }, 400, "VALIDATION_ERROR"],
        [{ ...good, locale: "fr" }, 400, "VALIDATION_ERROR"],
        [{ ...good, secret: "" }, 400, "VALIDATION_ERROR"],
        [{ ...good, url: "x".repeat(2001) }, 400, "VALIDATION_ERROR"],
        [{ ...good, url: "not a url" }, 400, "URL_INVALID"],
        [{ ...good, url: "ftp://hooks.example.com/" }, 400, "URL_INVALID"],
        [{ ...good, url: "http://hooks.example.com/" }, 400, "URL_NOT_HTTPS"],
        [{ ...good, url: "https://u:p@hooks.example.com/" }, 400, "URL_CREDENTIALS"],
        [{ ...good, url: "https://10.0.0.8/hook" }, 400, "URL_PRIVATE_ADDRESS"],
        [{ ...good, url: "https://169.254.169.254/latest" }, 400, "URL_PRIVATE_ADDRESS"],
        [{ ...good, url: "https://[::1]/hook" }, 400, "URL_PRIVATE_ADDRESS"],
        [{ ...good, url: "https://localhost/hook" }, 400, "URL_PRIVATE_ADDRESS"],
        [{ kind: "webhook", url: good.url }, 400, "SECRET_REQUIRED"],
        [{ kind: "wecom", url: good.url, secret: "x" }, 400, "SECRET_NOT_USED"],
        [{ ...good, bankId: "CC1" }, 404, "NOT_FOUND"],
        [{ ...good, bankId: "../x" }, 400, "VALIDATION_ERROR"],
        [[], 400, "VALIDATION_ERROR"],
        [null, 400, "VALIDATION_ERROR"],
      ];
      for (const [body, status, code] of cases) await refused(await post(body), status, code);
      await refused(await post("{not json"), 400, "MALFORMED_JSON");
      await refused(
        await s.app.request("/api/notification-channels", {
          method: "POST",
          headers: { cookie: s.growth, "content-type": "text/plain" },
          body: JSON.stringify(good),
        }),
        415,
      );
      await refused(await post(good, s.exec), 403, "FORBIDDEN");
      await refused(await post(good, s.consultant), 403, "FORBIDDEN");
      await refused(await s.app.request("/api/notification-channels", { method: "GET" }), 401);
      assert.equal(await count(), 0);
    });

    const mine = (await expectJson(await post(good), 201)).channel;
    const theirs = (await expectJson(
      await post({ ...good, url: "https://hooks.example.com/cc1" }, s.other),
      201,
    )).channel;

    await t.step("GET, DELETE and test of channels", async () => {
      await refused(await call(s.app, s.growth, "GET", "/api/notification-channels?bank=CC1"), 404);
      await refused(await call(s.app, s.growth, "GET", "/api/notification-channels?bank=%00"), 404);
      await refused(await call(s.app, s.exec, "GET", "/api/notification-channels"), 403);
      for (const id of ["nope", theirs.id, "00000000-0000-0000-0000-000000000000", "%E2%80%AE"]) {
        await refused(
          await call(s.app, s.growth, "DELETE", `/api/notification-channels/${id}`),
          404,
          "CHANNEL_NOT_FOUND",
        );
        await refused(
          await call(s.app, s.growth, "POST", `/api/notification-channels/${id}/test`),
          404,
          "CHANNEL_NOT_FOUND",
        );
      }
      await refused(
        await call(s.app, s.exec, "DELETE", `/api/notification-channels/${mine.id}`),
        403,
      );
      // The other bank's channel is still there, and so is ours.
      const other = await expectJson(
        await call(s.app, s.other, "GET", "/api/notification-channels"),
        200,
      );
      assert.deepEqual(other.channels.map((c: { id: string }) => c.id), [theirs.id]);
      assert.equal(await count(), 2);
    });

    await makeExperiment(db, {
      key: "input-exp",
      variants: [{ name: "control", weight: 1 }, { name: "b", weight: 1 }],
    });
    await makeExperiment(db, {
      bankId: "CC1",
      key: "cc1-exp",
      variants: [{ name: "control", weight: 1 }, { name: "b", weight: 1 }],
    });

    await t.step("GET /api/alerts and POST /api/alerts/:id/ack", async () => {
      await refused(await call(s.app, s.growth, "GET", "/api/alerts?open=yes"), 400);
      await refused(await call(s.app, s.growth, "GET", "/api/alerts?bank=CC1"), 404);
      await refused(await call(s.app, s.growth, "GET", "/api/alerts?bank=%F0%9F"), 404);
      await refused(await call(s.app, s.growth, "GET", "/api/alerts?experiment=nope"), 404);
      await refused(await call(s.app, s.growth, "GET", "/api/alerts?experiment=cc1-exp"), 404);
      await refused(await call(s.app, s.growth, "GET", "/api/alerts?experiment=%00"), 404);
      for (const id of ["nope", "00000000-0000-0000-0000-000000000000", "%00"]) {
        await refused(
          await call(s.app, s.growth, "POST", `/api/alerts/${id}/ack`),
          404,
          "ALERT_NOT_FOUND",
        );
      }
      await refused(
        await call(
          s.app,
          s.consultant,
          "POST",
          "/api/alerts/00000000-0000-0000-0000-000000000000/ack",
        ),
        403,
      );
      await refused(await s.app.request("/api/alerts"), 401);
    });

    await t.step("PUT auto-stop and alert-settings", async () => {
      const put = (path: string, body: unknown, cookie = s.growth) =>
        call(s.app, cookie, "PUT", path, body);
      for (
        const body of [
          { onGuardrail: "yes", onSrm: true },
          { onGuardrail: true },
          { onGuardrail: true, onSrm: false, extra: 1 },
          { onGuardrail: true, onSrm: false, "\u0000": 1 },
          [],
          "x",
        ]
      ) await refused(await put("/api/experiments/input-exp/auto-stop", body), 400);
      await refused(
        await put("/api/experiments/input-exp/auto-stop", "{bad"),
        400,
        "MALFORMED_JSON",
      );
      await refused(
        await put("/api/experiments/cc1-exp/auto-stop", { onGuardrail: true, onSrm: true }),
        404,
      );
      await refused(
        await put("/api/experiments/nope/auto-stop", { onGuardrail: true, onSrm: true }),
        404,
      );
      await refused(
        await put(
          "/api/experiments/input-exp/auto-stop",
          { onGuardrail: true, onSrm: true },
          s.exec,
        ),
        403,
      );
      for (const noExposureHours of [0, 721, 1.5, "24", null, -3]) {
        await refused(
          await put("/api/experiments/input-exp/alert-settings", { noExposureHours }),
          400,
        );
      }
      await refused(
        await put("/api/experiments/input-exp/alert-settings", { noExposureHours: 5, x: 1 }),
        400,
      );
      await refused(
        await put("/api/experiments/cc1-exp/alert-settings", { noExposureHours: 5 }),
        404,
      );
      // Nothing was stored: the defaults still hold.
      const auto = await expectJson(
        await call(s.app, s.growth, "GET", "/api/experiments/input-exp/auto-stop"),
        200,
      );
      assert.deepEqual(auto.autoStop, { onGuardrail: false, onSrm: false });
      const settings = await expectJson(
        await call(s.app, s.growth, "GET", "/api/experiments/input-exp/alert-settings"),
        200,
      );
      assert.equal(settings.noExposureHours, 24);
      // And a good one is taken.
      await expectJson(
        await put("/api/experiments/input-exp/alert-settings", { noExposureHours: 6 }),
        200,
      );
    });
  },
);
