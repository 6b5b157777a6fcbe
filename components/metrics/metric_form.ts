/**
 * The metric form's fields: a definition as fields (edit), fields as the API's JSON body
 * (only the chosen kind's fields; windows in days or hours; percentile caps in percent), and a
 * refused body's zod issues as one message per field, in the reader's language, naming the
 * field by its label.
 */
import type { z } from "zod";
import type { MessageKey, Translate } from "../../lib/i18n/mod.ts";
import {
  BUILTIN_KEYS,
  metricDefinitionSchema,
  newMetricSchema,
  type StoredMetricDefinition,
} from "../../lib/metrics/definition.ts";
import { INVALID_TEXT } from "../../lib/text.ts";

/** The form's raw fields (as posted). */
export type Fields = Record<string, string | string[]>;

/** Field name → the message shown next to it (`form`: not tied to one field). */
export type FieldErrors = Record<string, string>;

export const one = (f: Fields, k: string): string => {
  const v = f[k];
  return ((Array.isArray(v) ? v[0] : v) ?? "").trim();
};

/** Each field's label key: messages name the field by it. */
export const FIELD_LABELS: Record<string, MessageKey> = {
  key: "metrics.form.key",
  nameZh: "metrics.form.nameZh",
  nameEn: "metrics.form.nameEn",
  descriptionZh: "metrics.form.descriptionZh",
  descriptionEn: "metrics.form.descriptionEn",
  kind: "metrics.form.kind",
  direction: "metrics.form.direction",
  window: "metrics.form.window",
  event: "metrics.form.event",
  aggregate: "metrics.form.aggregate",
  capValue: "metrics.form.capValue",
  numeratorEvent: "metrics.form.numeratorEvent",
  numeratorAggregate: "metrics.form.numeratorAggregate",
  denominatorEvent: "metrics.form.denominatorEvent",
  denominatorAggregate: "metrics.form.denominatorAggregate",
};

const label = (t: Translate, field: string) => t(FIELD_LABELS[field]);

/** The fields of a new metric: a proportion over 7 days, higher is better. */
export function blankFields(): Fields {
  return { kind: "proportion", direction: "higher_is_better", window: "7", windowUnit: "days" };
}

/** A stored definition as fields. */
export function fieldsOf(d: StoredMetricDefinition, key: string): Fields {
  const w = d.windowHours;
  const fields: Fields = {
    key,
    nameZh: d.name["zh-CN"],
    nameEn: d.name.en,
    descriptionZh: d.description?.["zh-CN"] ?? "",
    descriptionEn: d.description?.en ?? "",
    kind: d.kind,
    direction: d.direction,
    window: w === null ? "" : String(w % 24 === 0 ? w / 24 : w),
    windowUnit: w !== null && w % 24 !== 0 ? "hours" : "days",
    event: d.event ?? "",
    aggregate: d.aggregate ?? "sum",
    capType: d.cap?.type ?? "none",
    capValue: d.cap
      ? String(d.cap.type === "percentile" ? Math.round(d.cap.value * 1e8) / 1e6 : d.cap.value)
      : "",
  };
  for (const side of ["numerator", "denominator"] as const) {
    fields[`${side}Event`] = d[side]?.event ?? "";
    fields[`${side}Aggregate`] = d[side]?.aggregate ?? "sum";
  }
  return fields;
}

/** A number as typed (`1,000` and full-width digits accepted), or null when it is not one. */
function numberOf(text: string): number | null {
  const clean = text.normalize("NFKC").replaceAll(",", "").trim();
  if (clean === "" || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(clean)) return null;
  return Number(clean);
}

/**
 * The JSON body from the fields (the chosen kind's fields only), and the errors of fields that
 * are not numbers when they must be.
 */
export function bodyOf(
  f: Fields,
  t: Translate,
): { body: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const label = (field: string) => t(FIELD_LABELS[field]);
  const kind = one(f, "kind");
  const body: Record<string, unknown> = {
    name: { "zh-CN": one(f, "nameZh"), en: one(f, "nameEn") },
    kind,
    direction: one(f, "direction"),
    windowHours: null,
  };
  if (one(f, "descriptionZh") || one(f, "descriptionEn")) {
    body.description = { "zh-CN": one(f, "descriptionZh"), en: one(f, "descriptionEn") };
  }
  if (one(f, "window")) {
    const w = numberOf(one(f, "window"));
    if (w === null) errors.window = t("metrics.err.number", { field: label("window") });
    else body.windowHours = one(f, "windowUnit") === "hours" ? w : w * 24;
  }
  if (kind === "proportion" || kind === "mean") body.event = one(f, "event");
  if (kind === "mean") {
    body.aggregate = one(f, "aggregate");
    const capType = one(f, "capType");
    if (capType === "percentile" || capType === "absolute") {
      const v = numberOf(one(f, "capValue"));
      if (v === null) {
        errors.capValue = t(one(f, "capValue") ? "metrics.err.number" : "metrics.err.required", {
          field: label("capValue"),
        });
      } else body.cap = { type: capType, value: capType === "percentile" ? v / 100 : v };
    }
  }
  if (kind === "ratio") {
    for (const side of ["numerator", "denominator"]) {
      body[side] = { event: one(f, `${side}Event`), aggregate: one(f, `${side}Aggregate`) };
    }
  }
  return { body, errors };
}

/** The form field a zod issue's path names. */
function fieldOfPath(path: readonly PropertyKey[]): string {
  const [head, sub] = path.map(String);
  if (head === "name" || head === "description") return sub === "en" ? `${head}En` : `${head}Zh`;
  if (head === "windowHours") return "window";
  if (head === "cap") return "capValue";
  if (head === "numerator" || head === "denominator") {
    return sub === "aggregate" ? `${head}Aggregate` : `${head}Event`;
  }
  return head && head in FIELD_LABELS ? head : "form";
}

function messageOf(issue: z.core.$ZodIssue, field: string, f: Fields, t: Translate): string {
  const label = field === "form" ? "" : t(FIELD_LABELS[field]);
  const p = { field: label };
  if (issue.code === "custom" && issue.params?.code === INVALID_TEXT) {
    return t("metrics.err.text", p);
  }
  if (issue.code === "custom" && /built-in/.test(issue.message)) {
    return t("metrics.err.builtin", { ...p, key: one(f, "key") });
  }
  if (field !== "form" && field in FIELD_LABELS && one(f, field) === "") {
    return t("metrics.err.required", p);
  }
  if (issue.code === "invalid_format") return t("metrics.err.pattern", p);
  if (issue.code === "invalid_value") return t("metrics.err.choice", p);
  if (field === "window") return t("metrics.err.windowRange", p);
  if (field === "capValue") {
    const percentile = one(f, "capType") === "percentile";
    return t(percentile ? "metrics.err.percentile" : "metrics.err.number", p);
  }
  if (issue.code === "too_big" && issue.origin === "string") {
    return t("metrics.err.tooLong", { ...p, max: Number(issue.maximum) });
  }
  if (issue.code === "too_small" || issue.code === "custom" || issue.code === "invalid_type") {
    return t("metrics.err.required", p);
  }
  return t("metrics.err.invalid", p);
}

/** One message per field (the first issue of each), in the order the issues came. */
export function fieldErrors(error: z.ZodError, f: Fields, t: Translate): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = fieldOfPath(issue.path);
    errors[field] ??= messageOf(issue, field, f, t);
  }
  return errors;
}

export type Parsed =
  | { ok: true; key: string; definition: z.output<typeof metricDefinitionSchema> }
  | { ok: false; errors: FieldErrors };

/** Validates the form as the API would (`newMetricSchema`, or the whole definition on edit). */
export function parseMetricForm(f: Fields, t: Translate, isNew: boolean): Parsed {
  const { body, errors } = bodyOf(f, t);
  const result = isNew
    ? newMetricSchema.safeParse({ key: one(f, "key"), ...body })
    : metricDefinitionSchema.safeParse(body);
  const found = { ...(result.success ? {} : fieldErrors(result.error, f, t)), ...errors };
  const key = one(f, "key");
  if (isNew && BUILTIN_KEYS.has(key)) {
    found.key = t("metrics.err.builtin", { field: label(t, "key"), key });
  }
  if (Object.keys(found).length > 0 || !result.success) {
    const order = ["form", ...Object.keys(FIELD_LABELS)];
    const all = Object.fromEntries(order.filter((k) => found[k]).map((k) => [k, found[k]]));
    return { ok: false, errors: all };
  }
  const { key: _key, bankId: _bank, ...definition } = result.data as Record<string, unknown>;
  return {
    ok: true,
    key: one(f, "key"),
    definition: definition as z.output<typeof metricDefinitionSchema>,
  };
}

/** The event names the preview reads: the chosen kind's, valid ones only. */
export function previewNames(f: Fields): string[] {
  const kind = one(f, "kind");
  const names = kind === "ratio"
    ? [one(f, "numeratorEvent"), one(f, "denominatorEvent")]
    : [one(f, "event")];
  return [...new Set(names.filter((n) => /^[a-z0-9_]{1,64}$/.test(n)))];
}
