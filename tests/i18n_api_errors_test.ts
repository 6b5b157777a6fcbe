/**
 * API errors in the reader's language (issue 15): the `lang` cookie first, then
 * `Accept-Language`, Chinese by default. Validation errors name the field by its label (never
 * its path) and a percent field's limit in percent; coded errors whose call sites wrote English
 * (UNKNOWN_VARIANT, NOT_DECIDED, NOT_FOUND, …) are said from the catalogue in Chinese.
 */
import assert from "node:assert/strict";
import { createSessionApp, expectJson, jsonRequest, login, TEST_ADMIN } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { SDK_AUTH } from "./helpers/sdk.ts";

const HAN = /\p{Script=Han}/u;
/** How a request says its language: the cookie, or the header (no cookie). */
const READERS = {
  "cookie zh-CN": (cookie: string) => ({
    cookie: `${cookie}; lang=zh-CN`,
    "accept-language": "en",
  }),
  "Accept-Language zh": (cookie: string) => ({ cookie, "accept-language": "zh-CN,zh;q=0.9" }),
  "cookie en": (cookie: string) => ({ cookie: `${cookie}; lang=en`, "accept-language": "zh-CN" }),
  "Accept-Language en": (cookie: string) => ({ cookie, "accept-language": "en-US,en;q=0.8" }),
} as const;
const zh = (reader: string) => reader.includes("zh");

const DRAFT = {
  name: "首次绑卡短信",
  variants: [{ name: "对照组", weight: 1 }, { name: "紧迫文案", weight: 1 }],
};

testBothBackends("API errors in the reader's language", async (t, { db }) => {
  const { app, growth } = await createSessionApp(db);
  const send = (method: string, path: string, body: unknown, headers: Record<string, string>) =>
    app.request(path, jsonRequest(method, body, headers));

  for (const [reader, headers] of Object.entries(READERS)) {
    const h = headers(growth);
    await t.step(`${reader}: a validation error names fields by label, in percent`, async () => {
      const body = {
        ...DRAFT,
        key: "bad-plan",
        plan: { baselineRate: 1.5, minimumDetectableEffect: 0.02 },
        variants: [{ name: "对照组", weight: 1 }, { name: "", weight: 1 }],
      };
      const res = await expectJson(await send("POST", "/api/experiments", body, h), 400);
      assert.equal(res.error.code, "VALIDATION_ERROR");
      const message: string = res.error.message;
      assert.doesNotMatch(message, /plan\.baselineRate|variants\.1\.name|expected number/);
      if (zh(reader)) {
        assert.match(message, /版本 2 的名称/);
        assert.match(message, /基线转化率必须小于 100%/);
      } else {
        assert.match(message, /Name of arm 2 is required/);
        assert.match(message, /Baseline conversion rate must be less than 100%/);
        assert.doesNotMatch(message, HAN);
      }
    });

    await t.step(`${reader}: wrong types and unknown fields`, async () => {
      const body = { ...DRAFT, key: "bad-types", alpha: "abc", colour: "red" };
      const res = await expectJson(await send("POST", "/api/experiments", body, h), 400);
      assert.equal(res.error.code, "VALIDATION_ERROR");
      assert.match(
        res.error.message,
        zh(reader)
          ? /(显著性水平必须是数字|无法识别的字段：colour)/
          : /(Significance level must be a number|Unknown fields: colour)/,
      );
    });

    await t.step(`${reader}: an arm name with a control character`, async () => {
      const body = {
        ...DRAFT,
        key: "bad-arm",
        variants: [{ name: "对照组", weight: 1 }, { name: "紧迫\u0007文案", weight: 1 }],
      };
      const res = await expectJson(await send("POST", "/api/experiments", body, h), 400);
      assert.equal(res.error.code, "VALIDATION_ERROR");
      assert.match(
        res.error.message,
        zh(reader)
          ? /^版本 2 的名称不能包含控制字符/
          : /^Name of arm 2 must not contain control characters/,
      );
    });

    await t.step(`${reader}: coded errors (UNKNOWN_VARIANT, NOT_DECIDED, NOT_FOUND)`, async () => {
      const unknown = await expectJson(
        await send("POST", "/api/experiments/welcome-sms/decide", { winner: "不存在" }, h),
        400,
      );
      assert.equal(unknown.error.code, "UNKNOWN_VARIANT");
      assert.equal(
        unknown.error.message,
        zh(reader) ? "该实验没有这个版本" : 'No variant "不存在" in "welcome-sms"',
      );
      // A running experiment without a significant winner cannot be promoted to "coupon" yet.
      const promote = await send("POST", "/api/experiments/welcome-sms/promote", {}, h);
      const answer = await expectJson(promote, promote.status);
      if (promote.status !== 201) {
        assert.ok(answer.error.code.length > 0);
        if (zh(reader)) assert.match(answer.error.message, HAN, answer.error.message);
        else assert.doesNotMatch(answer.error.message, HAN);
      }
      const route = await expectJson(await app.request("/api/nope", { headers: h }), 404);
      assert.equal(route.error.code, "NOT_FOUND");
      assert.equal(
        route.error.message,
        zh(reader) ? "要找的对象不存在" : 'No route for GET "/api/nope"',
      );
      const json = await expectJson(await send("POST", "/api/experiments", "{oops", h), 400);
      assert.equal(json.error.code, "MALFORMED_JSON");
      assert.equal(
        json.error.message,
        zh(reader) ? "请求内容不是有效的 JSON" : "Request body is not valid JSON",
      );
    });
  }

  await t.step("no language at all: Chinese, the product's default", async () => {
    const res = await expectJson(
      await send("POST", "/api/experiments", { ...DRAFT, key: "x", alpha: 7 }, { cookie: growth }),
      400,
    );
    assert.equal(res.error.message, "显著性水平必须小于 0.5");
  });

  await t.step("SDK errors follow Accept-Language too", async () => {
    const path = "/api/v1/experiments/no-such-test/assignment?unit=C100000001";
    const zhRes = await expectJson(
      await app.request(path, { headers: { ...SDK_AUTH, "accept-language": "zh-CN" } }),
      404,
    );
    assert.equal(zhRes.error.message, "实验“no-such-test”不存在");
    const enRes = await expectJson(
      await app.request(path, { headers: { ...SDK_AUTH, "accept-language": "en" } }),
      404,
    );
    assert.equal(enRes.error.message, 'Experiment "no-such-test" not found');
    const badUnit = await expectJson(
      await app.request("/api/v1/experiments/welcome-sms/assignment?unit=", {
        headers: { ...SDK_AUTH, "accept-language": "zh-CN" },
      }),
      400,
    );
    assert.equal(badUnit.error.code, "VALIDATION_ERROR");
    assert.match(badUnit.error.message, /^请填写客户编号$/);
    const noKey = await expectJson(
      await app.request(path, { headers: { "accept-language": "zh-CN" } }),
      401,
    );
    assert.equal(noKey.error.code, "INVALID_SDK_KEY");
    assert.equal(noKey.error.message, "SDK 密钥缺失、无效或已撤销");
  });
});

/**
 * Coded errors whose call sites give a catalogue entry (issue 15): one a person or a bank's
 * integration meets per feature, its code unchanged, its words in the reader's language.
 */
testBothBackends(
  "coded errors say their call site's message in both languages",
  async (t, { db }) => {
    const { app, growth } = await createSessionApp(db);
    const admin = await login(app, TEST_ADMIN.email, TEST_ADMIN.password);
    const cases: {
      name: string;
      request: (lang: string) => Response | Promise<Response>;
      status: number;
      code: string;
      zh: RegExp;
      en: RegExp;
    }[] = [
      {
        name: "a bad assessment period",
        request: (lang) =>
          app.request("/api/assessments/CC2/2025H3", {
            headers: { cookie: growth, ...lang && { "accept-language": lang } },
          }),
        status: 400,
        code: "BAD_PERIOD",
        zh: /^评估期“2025H3”无效/,
        en: /^Bad period "2025H3" \(use e\.g\. 2025H1/,
      },
      {
        name: "an unknown peer group",
        request: (lang) =>
          app.request("/api/peers?group=martians", {
            headers: { cookie: growth, "accept-language": lang },
          }),
        status: 400,
        code: "UNKNOWN_GROUP",
        zh: /^没有同业组“martians”$/,
        en: /^Unknown peer group "martians"$/,
      },
      {
        name: "no bank said by an admin",
        request: (lang) =>
          app.request("/api/metrics", { headers: { cookie: admin, "accept-language": lang } }),
        status: 400,
        code: "BANK_REQUIRED",
        zh: /^请用 “\?bank=” 指明是哪家银行$/,
        en: /^Say which bank with "\?bank="$/,
      },
      {
        name: "an alert filter that is neither 1 nor 0",
        request: (lang) =>
          app.request("/api/alerts?open=yes", {
            headers: { cookie: growth, "accept-language": lang },
          }),
        status: 400,
        code: "VALIDATION_ERROR",
        zh: /^“open” 必须是 1 或 0$/,
        en: /^"open" must be 1 or 0$/,
      },
      {
        name: "a weak password for a new user",
        request: (lang) =>
          app.request(
            "/api/users",
            jsonRequest("POST", {
              email: "wangfang@cc2.test",
              password: "short",
              role: "growth",
              bankId: "CC2",
              displayName: "王芳",
            }, { cookie: admin, "accept-language": lang }),
          ),
        status: 400,
        code: "WEAK_PASSWORD",
        zh: /^密码太短：请至少使用 10 个字符$/,
        en: /^Password is too weak \(too short\): use at least 10 characters$/,
      },
      {
        name: "a user that does not exist",
        request: (lang) =>
          app.request("/api/users/00000000-0000-4000-8000-000000000001", {
            headers: { cookie: admin, "accept-language": lang },
          }),
        status: 404,
        code: "NOT_FOUND",
        zh: /^用户不存在$/,
        en: /^No such user$/,
      },
      {
        name: "a lens score out of range (public calculator)",
        request: (lang) =>
          app.request(
            "/api/lens/score",
            jsonRequest("POST", { values: { churn_rate: -5 } }, { "accept-language": lang }),
          ),
        status: 400,
        code: "",
        zh: /\p{Script=Han}/u,
        en: /^[^\p{Script=Han}]+$/u,
      },
    ];
    for (const c of cases) {
      for (const lang of ["zh-CN,zh;q=0.9", "en-US,en;q=0.8"]) {
        await t.step(`${c.name} (${lang.slice(0, 5)})`, async () => {
          const res = await c.request(lang);
          const body = await expectJson(res, c.status);
          if (c.code) assert.equal(body.error.code, c.code);
          assert.match(body.error.message, lang.startsWith("zh") ? c.zh : c.en, body.error.message);
          if (!lang.startsWith("zh")) assert.doesNotMatch(body.error.message, HAN);
        });
      }
    }
  },
);
