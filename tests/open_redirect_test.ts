/**
 * The language switch and sign-in follow `next` only to paths on this site: every classic
 * open-redirect payload, sent as a browser would send it (percent-encoded in the query or the
 * form), lands on "/" instead.
 */
import assert from "node:assert/strict";
import { createTestApp, DEMO_PASSWORD, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";
import { OPEN_REDIRECT_PAYLOADS } from "./helpers/open_redirect.ts";

const ORIGIN = "http://app.test";

function assertSameOrigin(location: string | null, payload: string) {
  assert.ok(location, `no Location for ${payload}`);
  // deno-lint-ignore no-control-regex -- a Location must hold no control character
  assert.doesNotMatch(location, /[\\\u0000-\u001f\u007f]/, payload);
  assert.equal(new URL(location, ORIGIN).origin, ORIGIN, `${payload} → ${location}`);
}

testBothBackends("language switch and sign-in follow next only on this site", async (t, { db }) => {
  const { app } = await createTestApp(db);
  const signedIn = await sessionCookie(db, DEMO_USERS.growth);

  await t.step("GET /lang/:locale", async () => {
    for (const payload of OPEN_REDIRECT_PAYLOADS) {
      const res = await app.request(`${ORIGIN}/lang/en?next=${payload}`);
      assert.equal(res.status, 303, payload);
      assert.equal(res.headers.get("location"), "/", payload);
    }
  });

  await t.step("GET /login when already signed in", async () => {
    for (const payload of OPEN_REDIRECT_PAYLOADS) {
      const res = await app.request(`${ORIGIN}/login?next=${payload}`, {
        headers: { cookie: signedIn },
      });
      assert.equal(res.status, 303, payload);
      assert.equal(res.headers.get("location"), "/", payload);
    }
  });

  await t.step("GET /login keeps only a safe next in the form", async () => {
    const res = await app.request(`${ORIGIN}/login?next=/%09/127.0.0.1:9999/pwned`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /name="next" value="\/"/);
  });

  await t.step("POST /login with the right password", async () => {
    for (const payload of OPEN_REDIRECT_PAYLOADS.slice(0, 6)) {
      const res = await app.request(`${ORIGIN}/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `email=${encodeURIComponent(DEMO_USERS.executive)}&password=${
          encodeURIComponent(DEMO_PASSWORD)
        }&next=${payload}`,
      });
      assert.equal(res.status, 303, payload);
      assertSameOrigin(res.headers.get("location"), payload);
      assert.equal(res.headers.get("location"), "/", payload);
    }
  });

  await t.step("same-origin paths are kept", async () => {
    const kept = [
      ["/experiments/welcome-sms?tab=results", "/experiments/welcome-sms?tab=results"],
      ["/banks/CC2", "/banks/CC2"],
      ["/%E5%AE%9E%E9%AA%8C", "/%E5%AE%9E%E9%AA%8C"],
    ];
    for (const [payload, expected] of kept) {
      const res = await app.request(`${ORIGIN}/lang/zh-CN?next=${encodeURIComponent(payload)}`);
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), expected);
    }
  });
});
