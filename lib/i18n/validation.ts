/**
 * A failed parse said to a person: each zod issue in the reader's language, naming the field by
 * its label (`field.*` in validation_messages.ts: `plan.baselineRate` → 基线转化率,
 * `variants.1.name` → 版本 2 的名称) and a percent field's limits in percent. zod's own messages
 * (English, with paths) are never shown. A schema's custom message may be a catalogue key
 * (`validation.*`); its `params` fill the message.
 *
 * Why not zod's locales: `z.config(z.locales.zhCN())` is global (one language per process) and a
 * per-parse `{ error }` map must know the language while parsing, but a request's input is often
 * parsed before its error is shown (and shown in the language of the page that renders it). So
 * the issues are kept and said when read.
 */
import type { z } from "zod";
import {
  formatNumber,
  isMessageKey,
  keyFor,
  localeOf,
  type MessageKey,
  type Translate,
} from "./mod.ts";
import { PERCENT_FIELDS } from "./validation_messages.ts";

type Issue = z.core.$ZodIssue;

/** The issues of a failed parse as one message in `t`'s language (the first five). */
export function describeIssuesIn(t: Translate, issues: readonly Issue[]): string {
  return issues.slice(0, 5).map((issue) => describeIssue(t, issue)).join(
    t("validation.separator"),
  );
}

/** A field's label from its path, e.g. `["variants", 1, "name"]` → 版本 2 的名称. */
export function fieldLabel(t: Translate, path: readonly PropertyKey[]): string {
  if (path.length === 0) return t("field.input");
  const names = path.filter((p) => typeof p === "string") as string[];
  const indexes = path.filter((p) => typeof p === "number") as number[];
  const n = indexes.length ? indexes[indexes.length - 1] + 1 : 1;
  const key = keyFor("field.", names.join(".")) ??
    (names.length ? keyFor("field.", names[names.length - 1]) : undefined);
  return key ? t(key, { n }) : t("validation.fieldPath", { path: path.map(String).join(".") });
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.filter((p) => typeof p === "string").join(".");
}

export function describeIssue(t: Translate, issue: Issue): string {
  const field = fieldLabel(t, issue.path);
  const locale = localeOf(t) ?? "zh-CN";
  const percent = PERCENT_FIELDS.has(fieldPath(issue.path));
  const limit = (value: number | bigint) =>
    percent
      ? `${formatNumber(locale, Number(value) * 100, { maximumFractionDigits: 4 })}%`
      : formatNumber(locale, Number(value), { maximumFractionDigits: 6 });
  const say = (key: MessageKey, params: Record<string, string | number> = {}) =>
    t(key, { field, ...params });
  switch (issue.code) {
    case "invalid_type": {
      if (/received undefined$/.test(issue.message)) return say("validation.required");
      const expected = issue.expected === "int" ? "integer" : issue.expected;
      return say(keyFor("validation.type.", expected) ?? "validation.invalid");
    }
    case "too_small": {
      const min = issue.minimum;
      if (issue.origin === "string") {
        return Number(min) <= 1 ? say("validation.required") : say("validation.text.min", {
          limit: limit(min),
        });
      }
      if (issue.origin === "array" || issue.origin === "set") {
        return say("validation.list.min", { limit: limit(min) });
      }
      return say(issue.inclusive ? "validation.number.min" : "validation.number.gt", {
        limit: limit(min),
      });
    }
    case "too_big": {
      const max = issue.maximum;
      if (issue.origin === "string") return say("validation.text.max", { limit: limit(max) });
      if (issue.origin === "array" || issue.origin === "set") {
        return say("validation.list.max", { limit: limit(max) });
      }
      return say(issue.inclusive ? "validation.number.max" : "validation.number.lt", {
        limit: limit(max),
      });
    }
    case "invalid_format":
      return say(keyFor("validation.format.", issue.format) ?? "validation.format");
    case "not_multiple_of":
      return say("validation.number.multipleOf", { limit: limit(issue.divisor) });
    case "invalid_value":
      return say("validation.oneOf", {
        options: issue.values.map(String).join(locale === "zh-CN" ? "、" : ", "),
      });
    case "unrecognized_keys":
      return say("validation.unknownFields", {
        keys: issue.keys.join(locale === "zh-CN" ? "、" : ", "),
      });
    case "custom": {
      if (isMessageKey(issue.message)) {
        const params: Record<string, string | number> = {};
        for (const [name, value] of Object.entries(issue.params ?? {})) {
          if (typeof value === "number") params[name] = formatNumber(locale, value);
          else if (typeof value === "string") params[name] = value;
        }
        return say(issue.message, params);
      }
      // A schema's own sentence (English): kept for English readers, said generally otherwise.
      return locale === "en" && issue.message ? issue.message : say("validation.invalid");
    }
    default:
      return say("validation.invalid");
  }
}
