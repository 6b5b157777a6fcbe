// Chromium follows the app's redirects after the language switch and sign-in; with an
// open-redirect payload in `next` it must stay on the app's origin (a second local server
// stands in for the attacker's site and records any visit).
import assert from "node:assert/strict";
import { OPEN_REDIRECT_PAYLOADS } from "../helpers/open_redirect.ts";
import { BROWSER_ADMIN, browserTest } from "./helpers.ts";

browserTest(
  "Chromium stays on the app's origin whatever next says",
  async ({ origin, browser }) => {
    const visits: string[] = [];
    const evil = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
      visits.push(request.url);
      return new Response("<title>pwned</title>pwned", {
        headers: { "content-type": "text/html" },
      });
    });
    const evilHost = `127.0.0.1:${evil.addr.port}`;
    try {
      const page = await (await browser.newContext({ locale: "en" })).newPage();
      const payloads = OPEN_REDIRECT_PAYLOADS.map((p) => p.replace("evil.example", evilHost))
        .map((p) => p.replace("127.0.0.1:9999", evilHost));
      for (const payload of payloads) {
        await page.goto(`${origin}/lang/en?next=${payload}`);
        assert.equal(new URL(page.url()).origin, origin, `${payload} → ${page.url()}`);
      }

      const payload = `/%09/${evilHost}/pwned`;
      await page.goto(`${origin}/login?next=${payload}`);
      await page.fill("input[name=email]", BROWSER_ADMIN.email);
      await page.fill("input[name=password]", BROWSER_ADMIN.password);
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/"),
        page.click("form button[type=submit]"),
      ]);
      assert.equal(new URL(page.url()).origin, origin);
      assert.deepEqual(visits, []);
    } finally {
      await evil.shutdown();
    }
  },
);
