/**
 * Deciding in a real browser, in both languages (issue 13, item 8): Stop, Mark the winner and
 * Promote each open a confirmation page that says what the action does, Cancel leaves
 * everything as it was, and the winner field defaults to the recommended arm. The Chinese run
 * has JavaScript switched off: the confirmation is plain HTML.
 */
import assert from "node:assert/strict";
import { createExperiment } from "../../db/experiments.ts";
import { launchChromium, serveApp, signIn } from "./helpers.ts";

const LOCALES = ["zh-CN", "en"] as const;
const keyOf = (locale: string) => `pay-sms-${locale.toLowerCase()}`;

/**
 * The demo without its traffic, plus per language a running A/B test whose challenger clearly
 * wins.
 */
function serve() {
  return serveApp({
    seed: { demoTraffic: false },
    async prepare(db) {
      for (const locale of LOCALES) {
        const { id } = await createExperiment(db, {
          bankId: "CC2",
          campaignId: null,
          key: keyOf(locale),
          name: "还款提醒短信",
          status: "running",
          startedAt: new Date("2026-01-01T00:00:00Z"),
          variants: [{ name: "control", weight: 0.5 }, { name: "coupon", weight: 0.5 }],
          createdBy: null,
        });
        await db.insertInto("daily_stats").values(
          [["control", 250], ["coupon", 330]].map(([variant, converters]) => ({
            experiment_id: id,
            bank_id: "CC2",
            variant: String(variant),
            day: "2026-01-01",
            users: 5000,
            converters: Number(converters),
          })),
        ).execute();
      }
    },
  });
}

const WORDS = {
  "zh-CN": { irreversible: "此操作不能撤销", stopWhat: "停止：", against: "不是建议的版本" },
  en: { irreversible: "This cannot be undone", stopWhat: "Stop:", against: "not the recommended" },
};

Deno.test({
  name: "stop, mark the winner and promote ask first, in Chinese (no JavaScript) and English",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await serve();
    const browser = await launchChromium();
    try {
      for (const locale of LOCALES) {
        const words = WORDS[locale];
        const context = await browser.newContext({
          locale,
          javaScriptEnabled: locale === "en",
        });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(String(error)));
        const key = keyOf(locale);
        const onDetail = (u: URL) => u.pathname === `/experiments/${key}`;
        await signIn(page, server.origin, `/experiments/${key}?bank=CC2`);
        assert.ok(
          (await page.textContent("[data-testid=action-what]"))!.startsWith(words.stopWhat),
        );

        // Stop: asked first; Cancel changes nothing.
        await page.click("[data-testid=action-stop]");
        await page.waitForSelector("[data-testid=confirm][data-action=stop]");
        assert.match(
          await page.textContent("[data-testid=confirm]") ?? "",
          new RegExp(words.irreversible),
        );
        await Promise.all([page.waitForURL(onDetail), page.click("[data-testid=confirm-cancel]")]);
        assert.ok(await page.isVisible("[data-testid=status].status-running"));
        await page.click("[data-testid=action-stop]");
        await Promise.all([page.waitForURL(onDetail), page.click("[data-testid=confirm-yes]")]);
        assert.ok(await page.isVisible("[data-testid=status].status-stopped"));

        // The winner field defaults to the recommendation; choosing otherwise is called out.
        assert.equal(await page.inputValue("[data-testid=decide-winner]"), "coupon");
        await page.selectOption("[data-testid=decide-winner]", "control");
        await page.click("[data-testid=action-decide]");
        await page.waitForSelector("[data-testid=confirm][data-action=decide]");
        assert.match(
          await page.textContent("[data-testid=confirm-against]") ?? "",
          new RegExp(words.against),
        );
        await Promise.all([page.waitForURL(onDetail), page.click("[data-testid=confirm-cancel]")]);
        assert.ok(await page.isVisible("[data-testid=status].status-stopped"));
        assert.equal(await page.inputValue("[data-testid=decide-winner]"), "coupon");
        await page.click("[data-testid=action-decide]");
        assert.equal(await page.locator("[data-testid=confirm-against]").count(), 0);
        await Promise.all([page.waitForURL(onDetail), page.click("[data-testid=confirm-yes]")]);
        assert.ok(await page.isVisible("[data-testid=status].status-decided"));

        // Promote: asked first, then the next iteration is drafted.
        await page.click("[data-testid=action-promote]");
        await page.waitForSelector("[data-testid=confirm][data-action=promote]");
        await Promise.all([
          page.waitForURL((u) => u.pathname === `/experiments/${key}-v2`),
          page.click("[data-testid=confirm-yes]"),
        ]);
        assert.ok(await page.isVisible("[data-testid=status].status-draft"));
        assert.deepEqual(errors, []);
        await context.close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
