/**
 * The lens plan pages in Chromium, both languages, at 1280 and 390 px wide: the target form,
 * the scorecard with its roadmap, scenario column and clusters, the custom peer groups page and
 * the peers page on a custom group, the board report's section. No sideways scrolling at 390 px,
 * no script errors. Screenshots go to /tmp/shots/lens-*.png (or $SHOTS_DIR).
 */
import assert from "node:assert/strict";
import { browserTest, collectErrors, type PageVisit, signIn, visitAtWidths } from "./helpers.ts";

const SHOTS = Deno.env.get("SHOTS_DIR") ?? "/tmp/shots";

browserTest("lens plan pages in both languages and at 390 px", async ({ origin, browser }) => {
  await Deno.mkdir(SHOTS, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await signIn(page, origin, "/banks/CC2/targets");

  // set a target through the form
  await page.fill("input[name=targetDate]", "2027-12-31");
  await page.selectOption("select[name='kind.digital']", "level");
  await page.fill("input[name='value.digital']", "5");
  await page.selectOption("select[name='kind.intelligent']", "score");
  await page.fill("input[name='value.intelligent']", "78");
  await page.selectOption("select[name='kind.open']", "level");
  await page.fill("input[name='value.open']", "5");
  await page.fill("textarea[name=note]", "董事会批准的三年目标");
  await Promise.all([
    page.waitForURL((u) => u.pathname === "/banks/CC2"),
    page.click("[data-testid=target-form] button[type=submit]"),
  ]);
  await page.waitForSelector("[data-testid=roadmap-steps] li");

  // a custom peer group through its page
  await page.goto(`${origin}/peers/groups`);
  await page.fill("input[name=name]", "跨组对标五家");
  for (const id of ["SOE1", "JS1", "CC1", "RC2", "PB1"]) {
    await page.check(`input[name=bankIds][value=${id}]`);
  }
  await Promise.all([
    page.waitForURL((u) => u.pathname === "/peers" && u.searchParams.has("custom")),
    page.click("[data-testid=group-form] button[type=submit]"),
  ]);
  const custom = new URL(page.url()).searchParams.get("custom")!;

  const pages: PageVisit[] = [
    ["scorecard", "/banks/CC2?scenario=retail_first", "[data-testid=scenario-table]"],
    ["roadmap", "/banks/CC2#roadmap", "[data-testid=roadmap]"],
    ["target-form", "/banks/CC2/targets", "[data-testid=target-form]"],
    ["groups", "/peers/groups", "[data-testid=group-form]"],
    ["peers-custom", `/peers?custom=${custom}&bankId=CC2`, "[data-testid=custom-note]"],
    ["peers-clusters", "/peers?group=city_commercial&bankId=CC2", "[data-testid=clusters]"],
    ["report", "/banks/CC2/report", "[data-testid=roadmap]"],
  ];
  for (const lang of ["zh-CN", "en"] as const) {
    await visitAtWidths(page, origin, pages, {
      lang,
      dir: SHOTS,
      prefix: "lens",
      part: (name) =>
        name === "roadmap"
          ? "[data-testid=roadmap]"
          : name === "scorecard"
          ? "[data-testid=scenario]"
          : null,
      fullPageNarrow: true,
    }, async (width) => {
      const clusters = await page.goto(`${origin}/banks/CC2`).then(() =>
        page.$("[data-testid=clusters]")
      );
      await clusters!.screenshot({ path: `${SHOTS}/lens-clusters-${lang}-${width}.png` });
    });
  }
  const words = await page.textContent("[data-testid=clusters]");
  assert.match(words ?? "", /Peer clusters/);
  assert.deepEqual(errors, [], "no script errors");
});
