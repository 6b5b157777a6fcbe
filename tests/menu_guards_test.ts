/**
 * The menu and the page guards share one rule (lib/roles.ts `PAGE_RULES`): for every role, each
 * page the menu offers opens (never 403), and each menu page left out answers 403.
 */
import assert from "node:assert/strict";
import { createSessionApp, sessionCookie, TEST_ADMIN } from "./helpers/app.ts";
import { testBothBackends } from "./helpers/db.ts";

/** Every page the menu can offer (any role). */
const MENU = [
  "/",
  "/banks",
  "/peers",
  "/experiments",
  "/campaigns",
  "/metrics",
  "/alerts",
  "/digests",
  "/holdout",
  "/governance/policy",
  "/tools/calculator",
  "/admin/users",
  "/admin/keys",
  "/admin/audit",
];

function menuOf(html: string): string[] {
  const nav = html.match(/<nav aria-label="[^"]*"><ul>(.*?)<\/ul><\/nav>/s);
  assert.ok(nav, "the page has a menu");
  return [...nav[1].matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
}

testBothBackends("the menu offers exactly the pages a role may open", async (_t, { db }) => {
  // `other` is a growth user of CC1 who does not lead.
  const { app, growth, exec, consultant, other } = await createSessionApp(db);
  const users = {
    admin: await sessionCookie(db, TEST_ADMIN.email),
    growthLead: growth,
    growth: other,
    executive: exec,
    consultant,
  };
  const get = async (cookie: string, path: string) => {
    const res = await app.request(path, { headers: { cookie } });
    return { status: res.status, text: await res.text() };
  };
  const offered: Record<string, string[]> = {};
  for (const [who, cookie] of Object.entries(users)) {
    const home = await get(cookie, "/");
    assert.equal(home.status, 200, who);
    const menu = menuOf(home.text);
    offered[who] = menu;
    for (const path of MENU) {
      const { status } = await get(cookie, path);
      if (menu.includes(path)) assert.notEqual(status, 403, `${who} is offered ${path}`);
      else assert.equal(status, 403, `${who} is not offered ${path}`);
    }
  }
  assert.deepEqual(offered.admin, MENU);
  assert.ok(offered.growthLead.includes("/admin/keys"));
  assert.ok(!offered.growth.includes("/admin/keys"));
  assert.ok(offered.executive.includes("/holdout"));
  assert.ok(!offered.executive.includes("/governance/policy"));
  assert.ok(!offered.consultant.includes("/experiments"));
});
