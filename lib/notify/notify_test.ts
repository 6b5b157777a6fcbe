/**
 * Notifications' pure parts: secrets at rest, each channel's request and signature (checked
 * against node:crypto, an implementation independent of WebCrypto, and against DingTalk's
 * published test vector), the URL policy and the retry schedule.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { decryptSecret, encryptSecret, hmacBase64, secretsKey } from "./crypto.ts";
import { accepted, buildRequest, truncateBytes, WECOM_MAX_BYTES } from "./formats.ts";
import { MAX_ATTEMPTS, nextAttemptAt } from "./retry.ts";
import type { NotificationMessage } from "./types.ts";
import { checkUrl, isPrivateAddress, urlHint } from "./url_policy.ts";

const MESSAGE: NotificationMessage = {
  id: "5b0f4a0e-4a54-4d5e-9c5e-0a0c0e0f0a01",
  type: "guardrail_breached",
  bankId: "CC2",
  experiment: { key: "coupon-card-bind", name: "绑卡券短信" },
  at: "2026-11-30T12:00:00.000Z",
  summary: { "zh-CN": "护栏指标「退订率」在「coupon」组显著变差", en: 'Guardrail "Opt-out" worse' },
  details: { relativeLift: 0.5, adjustedPValue: 0.0001 },
};
const NOW = Date.UTC(2026, 10, 30, 12, 0, 5);

Deno.test("secrets: AES-GCM round trip, bound to the key and the context", async () => {
  const key = await secretsKey("a-long-enough-secret-key");
  const stored = await encryptSecret(key, "SEC0123456789abcdef", "notification_channel:1:secret");
  assert.ok(stored.startsWith("v1:"));
  assert.ok(!stored.includes("SEC0123"));
  assert.equal(
    await decryptSecret(key, stored, "notification_channel:1:secret"),
    "SEC0123456789abcdef",
  );
  await assert.rejects(() => decryptSecret(key, stored, "notification_channel:2:secret"));
  const other = await secretsKey("another-long-enough-secret");
  await assert.rejects(() => decryptSecret(other, stored, "notification_channel:1:secret"));
  // A fresh IV each time: the same secret never gives the same ciphertext.
  assert.notEqual(
    stored,
    await encryptSecret(key, "SEC0123456789abcdef", "notification_channel:1:secret"),
  );
  await assert.rejects(() => secretsKey("short"), RangeError);
});

Deno.test("generic webhook: the message as JSON, signed over timestamp.body", async () => {
  const req = await buildRequest(
    { kind: "webhook", url: "https://hooks.example.com/x", secret: "whsec_测试", locale: "zh-CN" },
    MESSAGE,
    NOW,
  );
  assert.equal(req.headers["x-lensloop-timestamp"], String(Math.floor(NOW / 1000)));
  const expected = createHmac("sha256", "whsec_测试")
    .update(`${Math.floor(NOW / 1000)}.${req.body}`).digest("hex");
  assert.equal(req.headers["x-lensloop-signature"], `sha256=${expected}`);
  assert.deepEqual(JSON.parse(req.body), MESSAGE);
});

Deno.test("DingTalk: DingTalk's published test vector, and the signed URL", async () => {
  // https://docs.rs/crate/dingding/latest/source/src/signature.rs: timestamp 1700000000000,
  // secret "secret".
  assert.equal(
    encodeURIComponent(await hmacBase64("secret", "1700000000000\nsecret")),
    "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D",
  );
  const req = await buildRequest(
    {
      kind: "dingtalk",
      url: "https://oapi.dingtalk.com/robot/send?access_token=abc",
      secret: "SECxyz",
      locale: "en",
    },
    MESSAGE,
    NOW,
  );
  const url = new URL(req.url);
  assert.equal(url.searchParams.get("access_token"), "abc");
  assert.equal(url.searchParams.get("timestamp"), String(NOW));
  const sign = createHmac("sha256", "SECxyz").update(`${NOW}\nSECxyz`).digest("base64");
  assert.equal(url.searchParams.get("sign"), sign);
  assert.ok(req.url.includes(`sign=${encodeURIComponent(sign)}`));
  const body = JSON.parse(req.body);
  assert.equal(body.msgtype, "markdown");
  assert.match(body.markdown.title, /^Guardrail breached · coupon-card-bind$/);
  assert.match(body.markdown.text, /Guardrail \\"Opt-out\\" worse|Guardrail "Opt-out" worse/);
});

Deno.test("Feishu: timestamp and sign in the body, key = timestamp\\nsecret over an empty message", async () => {
  const req = await buildRequest(
    {
      kind: "feishu",
      url: "https://open.feishu.cn/open-apis/bot/v2/hook/x",
      secret: "fs-secret",
      locale: "zh-CN",
    },
    MESSAGE,
    NOW,
  );
  const body = JSON.parse(req.body);
  const ts = String(Math.floor(NOW / 1000));
  assert.equal(body.timestamp, ts);
  assert.equal(body.sign, createHmac("sha256", `${ts}\nfs-secret`).update("").digest("base64"));
  assert.equal(body.msg_type, "interactive");
  assert.equal(body.card.header.title.content, "护栏指标被突破 · coupon-card-bind");
});

Deno.test("WeCom: markdown content in the channel's language, at most 4096 bytes", async () => {
  const req = await buildRequest(
    {
      kind: "wecom",
      url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
      secret: null,
      locale: "zh-CN",
    },
    { ...MESSAGE, summary: { "zh-CN": "长".repeat(3000), en: "x" } },
    NOW,
  );
  const body = JSON.parse(req.body);
  assert.equal(body.msgtype, "markdown");
  assert.ok(new TextEncoder().encode(body.markdown.content).length <= WECOM_MAX_BYTES);
  assert.ok(body.markdown.content.startsWith("**护栏指标被突破 · coupon-card-bind**"));
  assert.equal(truncateBytes("短", 10), "短");
});

Deno.test("robots' answers: an error code in a 200 is a refusal", () => {
  assert.equal(accepted("wecom", 200, '{"errcode":0,"errmsg":"ok"}'), true);
  assert.equal(accepted("dingtalk", 200, '{"errcode":310000,"errmsg":"sign not match"}'), false);
  assert.equal(accepted("feishu", 200, '{"code":19021,"msg":"sign match fail"}'), false);
  assert.equal(accepted("feishu", 200, '{"StatusCode":0,"StatusMessage":"success"}'), true);
  assert.equal(accepted("webhook", 204, ""), true);
  assert.equal(accepted("webhook", 500, "oops"), false);
});

Deno.test("URL policy: https, no credentials, nothing inside the network unless allowed", () => {
  const code = (url: string, allow: string[] = []) => {
    const r = checkUrl(url, allow);
    return r.ok ? "ok" : r.code;
  };
  assert.equal(code("https://oapi.dingtalk.com/robot/send?access_token=1"), "ok");
  assert.equal(code("http://oapi.dingtalk.com/robot/send"), "URL_NOT_HTTPS");
  assert.equal(code("ftp://example.com/"), "URL_INVALID");
  assert.equal(code("not a url"), "URL_INVALID");
  assert.equal(code("https://user:pw@example.com/"), "URL_CREDENTIALS");
  for (
    const host of [
      "127.0.0.1",
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "[::1]",
      "[fd00::1]",
      "[fe80::1]",
      "[::ffff:127.0.0.1]",
      "localhost",
      "metadata.internal",
    ]
  ) assert.equal(code(`https://${host}/hook`), "URL_PRIVATE_ADDRESS", host);
  assert.equal(code("http://127.0.0.1:8080/hook", ["127.0.0.1"]), "ok");
  assert.equal(code("http://127.0.0.1:8080/hook", ["127.0.0.1:9090"]), "URL_NOT_HTTPS");
  assert.equal(code("http://127.0.0.1:8080/hook", ["127.0.0.1:8080"]), "ok");
  assert.equal(isPrivateAddress("8.8.8.8"), false);
  assert.equal(isPrivateAddress("2001:4860:4860::8888"), false);
  assert.equal(
    urlHint(new URL("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-key")),
    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
  );
});

Deno.test("retries: 1 min, 5 min, 30 min, 2 h, then give up", () => {
  const t0 = new Date("2026-11-30T12:00:00Z");
  const delays = [1, 2, 3, 4].map((n) => (nextAttemptAt(n, t0)!.getTime() - t0.getTime()) / 60_000);
  assert.deepEqual(delays, [1, 5, 30, 120]);
  assert.equal(nextAttemptAt(MAX_ATTEMPTS, t0), null);
  assert.equal(MAX_ATTEMPTS, 5);
});
