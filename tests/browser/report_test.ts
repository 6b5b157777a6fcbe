/**
 * The board report printed to PDF by Chromium, in both languages: A4, several pages, every
 * table row and chart whole on one page, the Chinese text extractable (poppler's pdftotext and
 * pdfinfo, installed by tools/prepare_tests.ts); the Print button opens the print dialogue; the
 * trend chart is drawn on the scorecard and in the report; neither page scrolls sideways at
 * 390 px.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserTest, signIn } from "./helpers.ts";

async function run(command: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  assert.ok(out.success, `${command} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

/** Whether the canvas has any painted pixel. */
function painted(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    return data.data.some((v, i) => i % 4 === 3 && v > 0);
  });
}

const squash = (text: string) => text.replace(/\s+/g, "");

for (
  const [locale, bank, title, radar] of [
    ["zh-CN", "甬鑫银行", "数字化能力对标报告", "十四项能力雷达图"],
    ["en", "Yongxin Bank", "Digital capability benchmark", "The fourteen capabilities"],
  ] as const
) {
  browserTest(
    `the board report prints to a multi-page A4 PDF (${locale})`,
    async ({ origin, browser }) => {
      const context = await browser.newContext({ locale });
      await context.addCookies([{ name: "lang", value: locale, url: origin }]);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
      await signIn(page, origin, "/banks/CC2");

      // The scorecard draws the trend chart and links to the report.
      await page.waitForSelector("[data-testid=trend-chart] canvas[data-drawn=true]");
      assert.ok(await painted(page, "[data-testid=trend-chart] canvas"), "trend chart pixels");
      await Promise.all([
        page.waitForURL(/\/banks\/CC2\/report/),
        page.click("[data-testid=report-link]"),
      ]);

      // A visible Print button that opens the print dialogue.
      await page.waitForSelector("[data-island=PrintButton][data-hydrated=true]");
      const button = page.locator("[data-testid=print]");
      assert.ok(await button.isVisible(), "the Print button is shown");
      assert.equal((await button.textContent())?.trim(), locale === "zh-CN" ? "打印" : "Print");
      await page.evaluate(() => {
        globalThis.print = () => document.body.setAttribute("data-printed", "yes");
      });
      await button.click();
      assert.equal(await page.getAttribute("body", "data-printed"), "yes");

      await page.waitForSelector("[data-testid=trend-chart] canvas[data-drawn=true]");
      assert.ok(await painted(page, "[data-testid=trend-chart] canvas"), "report trend pixels");

      // Print media: no navigation or button; rows, figures and blocks are never broken.
      await page.emulateMedia({ media: "print" });
      const css = await page.evaluate(() => {
        const style = (sel: string) =>
          [...document.querySelectorAll(sel)].map((e) => getComputedStyle(e));
        return {
          hidden: ["header.top", "[data-testid=print]", ".report-actions"].map((s) =>
            style(s).every((c) => c.display === "none")
          ),
          rows: style(".report tr").every((c) => c.breakInside === "avoid"),
          heads: style(".report thead").every((c) => c.display === "table-header-group"),
          figures: style(".report figure").every((c) => c.breakInside === "avoid"),
          pages: style(".report-page:not(.report-cover)").map((c) => c.breakBefore),
          font: getComputedStyle(document.querySelector(".report")!).fontFamily,
        };
      });
      assert.deepEqual(css.hidden, [true, true, true]);
      assert.ok(css.rows && css.heads && css.figures, JSON.stringify(css));
      assert.ok(css.pages.length >= 5 && css.pages.every((b) => b === "page"), String(css.pages));
      assert.match(css.font, /Noto Sans CJK SC/);
      // What must stay on one page, as the PDF's text shows it: each table row's cells in order,
      // and each chart from its caption to its legend or note.
      const wholes = await page.evaluate(() => {
        const text = (e: Element) => (e as HTMLElement).innerText ?? e.textContent ?? "";
        const rows = [...document.querySelectorAll(".report table.data tr")]
          .filter((tr) => !tr.closest("details"))
          .map((tr) => [...tr.children].map(text).join(""));
        const charts = [...document.querySelectorAll(".report figure")].map((f) => [
          f.querySelector("figcaption")!.textContent ?? "",
          [...f.querySelectorAll("svg text, p.note, p.small")].at(-1)?.textContent ?? "",
        ]);
        return { rows, charts };
      });
      await page.emulateMedia({ media: null });

      const dir = await Deno.makeTempDir({ prefix: "report-pdf-" });
      try {
        const pdf = `${dir}/report.pdf`;
        await page.pdf({ path: pdf, format: "A4" });
        const info = await run("pdfinfo", [pdf]);
        const pageCount = Number(info.match(/^Pages:\s+(\d+)/m)?.[1]);
        assert.ok(pageCount >= 6, `pages: ${pageCount}`);
        assert.match(info, /Page size:.*\(A4\)/);
        const pages = (await run("pdftotext", ["-raw", "-enc", "UTF-8", pdf, "-"]))
          .split("\f").map(squash);
        assert.equal(pages.filter(Boolean).length, pageCount, "text on every page");
        // The Chinese (or English) text is text in the PDF, not pixels.
        for (const text of [bank, title, radar]) {
          assert.ok(pages.some((p) => p.includes(squash(text))), `extractable: ${text}`);
        }
        assert.ok(pages[0].includes(squash(bank)), "the cover names the bank");
        assert.ok(wholes.rows.length > 60, `rows: ${wholes.rows.length}`);
        for (const row of wholes.rows) {
          assert.ok(pages.some((p) => p.includes(squash(row))), `row split or missing: ${row}`);
        }
        for (const [caption, last] of wholes.charts) {
          assert.ok(
            pages.some((p) => p.includes(squash(caption)) && p.includes(squash(last))),
            `chart split: ${caption} / ${last}`,
          );
        }
      } finally {
        await Deno.remove(dir, { recursive: true });
      }

      // A phone: neither page scrolls sideways.
      const phone = await browser.newContext({ locale, viewport: { width: 390, height: 800 } });
      await phone.addCookies(await context.cookies());
      const small = await phone.newPage();
      for (const path of ["/banks/CC2", "/banks/CC2/report"]) {
        await small.goto(`${origin}${path}`);
        await small.waitForSelector("[data-testid=trend-chart] canvas[data-drawn=true]");
        const width = await small.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 390, `${path} is ${width} px wide at 390`);
      }
      // A desktop window narrowed to a phone's width: the drawn charts shrink with it.
      await page.goto(`${origin}/banks/CC2`);
      await page.waitForSelector("[data-testid=radar-dimension] canvas[data-drawn=true]");
      await page.setViewportSize({ width: 390, height: 800 });
      const narrowed = await page.waitForFunction(
        () => document.documentElement.scrollWidth <= 390,
        null,
        { timeout: 5000 },
      ).then(() => true, () => false);
      assert.ok(narrowed, "the scorecard narrows to 390 px after a resize");
      assert.deepEqual(errors, [], "no script errors (CSP violations show up here too)");
    },
  );
}
