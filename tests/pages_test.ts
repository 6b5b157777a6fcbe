import assert from "node:assert/strict";
import { createTestApp, DEMO_USERS, sessionCookie } from "./helpers/app.ts";
import { openTestDatabase } from "./helpers/db.ts";

const database = await openTestDatabase("pglite");
const { app } = await createTestApp(database.db);
/** The pages need a signed-in user: CC2's executive. */
const session = await sessionCookie(database.db, DEMO_USERS.executive);

Deno.test({
  name: "pages",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await t.step("Accept-Language en gives English", async () => {
      const html = await (await app.request("/", {
        headers: { cookie: session, "accept-language": "en-GB,en;q=0.9" },
      }))
        .text();
      assert.match(html, /<html lang="en">/);
      assert.match(html, /Yongxin Bank|Dashboard/);
    });

    await t.step("the lang cookie wins over Accept-Language", async () => {
      const res = await app.request("/", {
        headers: { cookie: `lang=zh-CN; ${session}`, "accept-language": "en" },
      });
      assert.match(await res.text(), /<html lang="zh-CN">/);
    });

    await t.step("the toggle sets the cookie and goes back to the page", async () => {
      const res = await app.request("/lang/en?next=%2Fbanks");
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/banks");
      assert.match(res.headers.get("set-cookie") ?? "", /^lang=en;.*HttpOnly/i);
    });

    await t.step("the toggle refuses to redirect off the site", async () => {
      for (const next of ["https://evil.example", "//evil.example", "/\\evil.example"]) {
        const res = await app.request(`/lang/en?next=${encodeURIComponent(next)}`);
        assert.equal(res.headers.get("location"), "/");
      }
      assert.equal((await app.request("/lang/fr")).status, 404);
    });

    await t.step("every navigation link answers 200", async () => {
      for (
        const path of ["/", "/banks", "/peers", "/experiments", "/campaigns", "/tools/calculator"]
      ) {
        const res = await app.request(path, { headers: { cookie: session } });
        assert.equal(res.status, 200, path);
        await res.body?.cancel();
      }
    });

    await t.step("an unknown page gets the 404 page in the user's language", async () => {
      const res = await app.request("/no/such/page", {
        headers: { cookie: `lang=en; ${session}` },
      });
      assert.equal(res.status, 404);
      assert.match(res.headers.get("content-type") ?? "", /text\/html/);
      assert.match(await res.text(), /Page not found/);
    });

    await t.step("an unknown API path gets the JSON error shape", async () => {
      const res = await app.request("/api/nothing-here", { headers: { cookie: session } });
      assert.equal(res.status, 404);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
      const body = await res.json();
      assert.equal(body.error.code, "NOT_FOUND");
      assert.equal(typeof body.error.message, "string");
    });

    await t.step("a known path with the wrong method gets 405 with Allow", async () => {
      const res = await app.request("/healthz", { method: "DELETE" });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get("allow"), "GET");
      assert.equal((await res.json()).error.code, "METHOD_NOT_ALLOWED");
    });

    await t.step("a body over 1 MiB gets 413 before anything reads it", async () => {
      const res = await app.request("/api/anything", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "x".repeat(1024 * 1024 + 1),
      });
      assert.equal(res.status, 413);
      assert.equal((await res.json()).error.code, "PAYLOAD_TOO_LARGE");
    });

    await t.step("security headers are on every response", async () => {
      const res = await app.request("/", { headers: { cookie: session } });
      await res.body?.cancel();
      const csp = res.headers.get("content-security-policy") ?? "";
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(res.headers.get("referrer-policy"), "same-origin");
    });

    await t.step("static files are served with long cache headers", async () => {
      const res = await app.request("/static/app.css?v=abc");
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /text\/css/);
      assert.match(res.headers.get("cache-control") ?? "", /max-age=31536000/);
      await res.body?.cancel();
      const icon = await app.request("/favicon.ico");
      assert.equal(icon.status, 200);
      assert.equal(icon.headers.get("content-type"), "image/svg+xml");
      await icon.body?.cancel();
    });
  },
});

Deno.test({
  name: "pages: close the database",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () => database.close(),
});
