import { Hono } from "hono";
import { z } from "zod";
import { badRequest } from "../../lib/errors.ts";
import { localeOf } from "../../lib/i18n/mod.ts";
import { localizeIssue } from "../banks/_save.ts";
import { validateBundledModel } from "../../lib/lens/model_schema.ts";
import { scoreAssessment, validateLensInput } from "../../lib/lens/scoring.ts";
import { readJson } from "../../plugins/validate.ts";

export const scoreBody = z.strictObject({
  values: z.record(z.string(), z.number().nullable()),
  notApplicable: z.record(z.string(), z.string()).optional(),
});

validateBundledModel(); // at start-up: a broken lens-model.json stops the server here

/** Public lens calculator, mounted at `/api/lens`. Keeps no data. */
const lens = new Hono();

lens.post("/score", async (c) => {
  const input = await readJson(c, scoreBody);
  const issues = validateLensInput(input);
  if (issues.length) {
    const shown = issues.slice(0, 5);
    throw badRequest(issues[0].code, shown.map((i) => i.message).join("; "), {
      say: (t) => {
        const locale = localeOf(t) ?? "zh-CN";
        return shown.map((i) => localizeIssue(i, { t, locale }).message)
          .join(locale === "zh-CN" ? "；" : "; ");
      },
    });
  }
  return c.json(scoreAssessment(input));
});

export default lens;
