/**
 * Evidence and several assessors in Chromium (issue 19 parts 6 and 7), both languages, at 1280
 * and 390 px wide: an assessor's own draft with a verified value and its link, a second
 * assessor's draft, the consensus with a disagreement, reconciling into the submitted
 * assessment, the scorecard's confidence card and the report's method line. No sideways
 * scrolling at 390 px, no script errors. Screenshots: /tmp/shots/assessors-*.png (or $SHOTS_DIR).
 */
import assert from "node:assert/strict";
import demoBanks from "../../lib/lens/demo-banks.json" with { type: "json" };
import { browserTest, type PageVisit, signIn, visitAtWidths } from "./helpers.ts";

const SHOTS = Deno.env.get("SHOTS_DIR") ?? "/tmp/shots";
const PERIOD = "2027H1";
const SECOND = { email: "assessor2@consult.test", password: "assessor-two-pass-4217" };

const cc2 = Object.fromEntries(
  Object.entries(demoBanks.find((b) => b.id === "CC2")!.values)
    .filter((e): e is [string, number] => e[1] !== null),
);

browserTest(
  "assessors and evidence pages in both languages and at 390 px",
  async ({ origin, browser }) => {
    await Deno.mkdir(SHOTS, { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    // The refused form answers 400 on purpose; any other console error fails the test.
    page.on(
      "console",
      (msg) =>
        msg.type() === "error" && !/status of 400/.test(msg.text()) && errors.push(msg.text()),
    );
    await signIn(page, origin, "/banks");
    const headers = { origin, "content-type": "application/json" };
    const created = await page.request.post(`${origin}/api/users`, {
      headers,
      data: { ...SECOND, role: "consultant", bankId: "CC2", displayName: "第二评估人" },
    });
    assert.equal(created.status(), 201, await created.text());

    // The admin's own draft through the form: a maturity level marked verified with a link.
    const mine = `/banks/CC2/assessments/${PERIOD}/mine`;
    await page.goto(`${origin}${mine}`);
    await page.waitForSelector("[data-testid=assessment-form]");
    for (const [id, value] of Object.entries(cc2)) {
      if (await page.locator(`input[type=radio][name='v:${id}']`).count() > 0) {
        await page.check(`[name='v:${id}'][value='${id === "tag_system" ? 2 : value}']`);
      } else await page.fill(`[name='v:${id}']`, String(value));
    }
    await page.selectOption("select[name='s:tag_system']", "verified");
    await page.fill("input[name='l:tag_system']", "javascript:alert(1)");
    await page.click("[data-testid=assessment-form] button[type=submit]");
    await page.waitForSelector("[data-testid=form-errors]");
    assert.match(await page.textContent("[data-testid=form-errors]") ?? "", /http:\/\//);
    await page.fill("input[name='l:tag_system']", "https://bank.example/标签平台验收.pdf");
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get("saved") === "1"),
      page.click("[data-testid=assessment-form] button[type=submit]"),
    ]);

    // The second assessor's draft through the API: tag_system two levels higher.
    const second = await browser.newContext();
    const login = await second.request.post(`${origin}/api/auth/login`, { headers, data: SECOND });
    assert.equal(login.status(), 200);
    const saved = await second.request.put(
      `${origin}/api/assessments/CC2/${PERIOD}/drafts/mine`,
      { headers, data: { values: { ...cc2, tag_system: 4 } } },
    );
    assert.equal(saved.status(), 200, await saved.text());
    await second.close();

    // The consensus flags tag_system; reconciling takes the admin's verified level there (the
    // first assessor by email) and the median elsewhere.
    await page.goto(`${origin}/banks/CC2/assessments/${PERIOD}/consensus`);
    await page.waitForSelector("[data-testid=consensus]");
    assert.equal(
      await page.getAttribute("tr[data-indicator=tag_system] [data-disagree]", "data-disagree"),
      "1",
    );
    assert.equal(
      await page.getAttribute(
        "tr[data-indicator=app_mau_penetration] [data-disagree]",
        "data-disagree",
      ),
      "0",
    );
    await page.selectOption("select[name='c:tag_system']", { index: 1 });
    await Promise.all([
      page.waitForURL((u) => u.searchParams.has("reconciled")),
      page.click("[data-testid=reconcile]"),
    ]);
    await page.waitForSelector("[data-testid=reconciled]");

    const pages: PageVisit[] = [
      ["mine", mine, "[data-testid=assessment-form]"],
      ["consensus", `/banks/CC2/assessments/${PERIOD}/consensus`, "[data-testid=consensus]"],
      ["form", `/banks/CC2/assessments/${PERIOD}`, "[data-testid=assessment-form]"],
      ["scorecard", `/banks/CC2?period=${PERIOD}`, "[data-testid=confidence-share]"],
      ["report", `/banks/CC2/report?period=${PERIOD}`, "[data-testid=report-confidence]"],
    ];
    for (const lang of ["zh-CN", "en"] as const) {
      await visitAtWidths(page, origin, pages, {
        lang,
        dir: SHOTS,
        prefix: "assessors",
        part: (name) =>
          name === "scorecard"
            ? "[data-testid=confidence]"
            : name === "report"
            ? "[data-testid=report-method]"
            : null,
      });
      const share = await page.goto(`${origin}/banks/CC2?period=${PERIOD}`).then(() =>
        page.textContent("[data-testid=confidence-share]")
      );
      // tag_system verified: digital 0.4 × data_foundation 0.25 × tag_system 0.35 = 3.5 %.
      assert.match(share ?? "", lang === "zh-CN" ? /3\.5%.*经核实/ : /3\.5% of the overall/);
      const source = await page.goto(`${origin}/banks/CC2/assessments/${PERIOD}`).then(() =>
        page.inputValue("select[name='s:tag_system']")
      );
      assert.equal(source, "verified");
    }
    assert.deepEqual(errors, []);
    await context.close();
  },
);
