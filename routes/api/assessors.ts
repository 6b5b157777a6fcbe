import { Hono } from "hono";
import { z } from "zod";
import { assessorDrafts } from "../../db/assessor_drafts.ts";
import { notFound } from "../../lib/errors.ts";
import { scoreAssessment } from "../../lib/lens/scoring.ts";
import { storableText } from "../../lib/text_schema.ts";
import type { AppEnv } from "../../plugins/context.ts";
import { readJson } from "../../plugins/validate.ts";
import {
  assessorTarget,
  isReconciler,
  loadConsensus,
  reconcileAndSubmit,
  saveMine,
} from "../banks/_assessors.ts";
import { evidenceError, splitValues, valueEntry } from "../banks/_evidence.ts";
import { provenanceOf } from "./_provenance.ts";

/** The body of `PUT …/drafts/mine` (an assessment without `status`). */
export const draftBody = z.strictObject({
  values: z.record(storableText(), valueEntry),
  notApplicable: z.record(storableText(), storableText()).optional(),
  evidence: z.record(storableText(), storableText()).optional(),
});

/** The body of `POST …/reconcile`: per indicator `"median"` or an assessor's user id. */
export const reconcileBody = z.strictObject({
  choices: z.record(storableText(), storableText()).optional(),
});

/**
 * Several assessors of a bank and period (issue 19 part 7), mounted at `/api/assessments`:
 * each assessor's own draft, the consensus, and the reconcile step.
 */
const app = new Hono<AppEnv>();

app.get("/:bankId/:period/drafts/mine", async (c) => {
  const { bank, period } = await assessorTarget(c, "assessor");
  const mine = (await assessorDrafts(c.var.db, c.var.scope, bank.id, period))
    .find((d) => d.assessorId === c.var.user!.id);
  if (!mine) throw notFound("You have no draft of this period", { key: "error.api.noOwnDraft" });
  return c.json({ draft: mine });
});

app.put("/:bankId/:period/drafts/mine", async (c) => {
  const { bank, period } = await assessorTarget(c, "assessor");
  const body = await readJson(c, draftBody);
  const { values, notes, valueEvidence } = splitValues(body.values, body.evidence);
  const draft = {
    values,
    notApplicable: body.notApplicable ?? {},
    evidence: notes,
    valueEvidence,
    status: "draft" as const,
  };
  const issues = await saveMine(c, bank.id, period, draft);
  if (issues.length) throw evidenceError(issues);
  const mine = (await assessorDrafts(c.var.db, c.var.scope, bank.id, period))
    .find((d) => d.assessorId === c.var.user!.id);
  return c.json({ draft: mine });
});

app.get("/:bankId/:period/consensus", async (c) => {
  const { bank, period } = await assessorTarget(c, "reader");
  const { drafts, indicators } = await loadConsensus(c, bank.id, period);
  return c.json({
    bankId: bank.id,
    period,
    assessors: drafts.map((d) => ({
      id: d.assessorId,
      email: d.assessorEmail,
      name: d.assessorName,
      updatedAt: d.updatedAt,
    })),
    indicators,
    disagreements: indicators.filter((i) => i.disagree).map((i) => i.id),
    canReconcile: isReconciler(c),
  });
});

app.post("/:bankId/:period/reconcile", async (c) => {
  const { bank, period } = await assessorTarget(c, "reconciler");
  const body = await readJson(c, reconcileBody);
  const assessment = await reconcileAndSubmit(c, bank.id, period, body.choices ?? {});
  const score = scoreAssessment(assessment);
  return c.json({ assessment, ...provenanceOf(assessment, score), score });
});

export default app;
