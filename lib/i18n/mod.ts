/**
 * UI language: Simplified Chinese by default, English on the toggle. The choice is kept in the
 * `lang` cookie; without it the Accept-Language header decides. Numbers and dates go through
 * `Intl`. Pure: used on the server and in islands.
 */
import { en } from "./en.ts";
import { type MessageKey, type Messages, zhCN } from "./zh-CN.ts";

export type { MessageKey, Messages };
export type Locale = "zh-CN" | "en";
export const DEFAULT_LOCALE: Locale = "zh-CN";

const catalogues: Record<Locale, Messages> = { "zh-CN": zhCN, en };

export function isLocale(value: unknown): value is Locale {
  return value === "zh-CN" || value === "en";
}

/** Picks the locale from the cookie value first, then the Accept-Language header. */
export function pickLocale(cookie: string | undefined, acceptLanguage: string | undefined): Locale {
  if (isLocale(cookie)) return cookie;
  const ranked = (acceptLanguage ?? "").split(",").map((part, index) => {
    const [tag, ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, index };
  }).filter((r) => r.tag && r.q > 0).sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return DEFAULT_LOCALE;
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/**
 * The catalogue keys that start with `P`: `KeyUnder<"loop.stage.">` is
 * `"loop.stage.prospect" | "loop.stage.new" | …`. A dynamic key is written as a template literal
 * over a union (`` t(`loop.stage.${stage}`) `` with `stage: Stage`), which TypeScript checks
 * against `MessageKey` like a literal: a code without its message is a type error.
 */
export type KeyUnder<P extends string> = Extract<MessageKey, `${P}${string}`>;

/** The codes under a prefix: `CodeUnder<"role.">` is `"admin" | "executive" | …`. */
export type CodeUnder<P extends string> = KeyUnder<P> extends `${P}${infer Code}` ? Code : never;

/** Whether the catalogues have `key` (both do: their types force the same keys). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(zhCN, key);
}

/**
 * For a code read from data (a status column, an error code in a query string) whose type is
 * only `string`: the key `prefix + code` when the catalogue has it, else `undefined`, so the
 * caller decides what an unknown code shows. The one place a string becomes a key, checked.
 */
export function keyFor<P extends string>(
  prefix: P,
  code: string | number,
): KeyUnder<P> | undefined {
  const key: string = `${prefix}${code}`;
  if (!Object.hasOwn(zhCN, key)) return undefined;
  return key as KeyUnder<P>;
}

/** Thrown when a key reaches the translator without a message: a bug, never shown as the key. */
export class MissingMessageError extends Error {
  constructor(locale: Locale, key: string) {
    super(`No "${locale}" message for key "${key}"`);
    this.name = "MissingMessageError";
  }
}

const translatorLocales = new WeakMap<Translate, Locale>();

/** The language of a translator made by `translator()`. */
export function localeOf(t: Translate): Locale | undefined {
  return translatorLocales.get(t);
}

export function translator(locale: Locale): Translate {
  const cached = translators.get(locale);
  if (cached) return cached;
  const messages = catalogues[locale];
  const t: Translate = (key, params) => {
    const text = messages[key];
    if (typeof text !== "string") throw new MissingMessageError(locale, key);
    if (!params) return text;
    return text.replace(
      /\{(\w+)\}/g,
      (whole, name) => name in params ? String(params[name]) : whole,
    );
  };
  translatorLocales.set(t, locale);
  translators.set(locale, t);
  return t;
}

const translators = new Map<Locale, Translate>();

/** Formats a number for display; `null` (no value) shows as an em dash. */
export function formatNumber(
  locale: Locale,
  value: number | null | undefined,
  options: Intl.NumberFormatOptions = { maximumFractionDigits: 1 },
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return new Intl.NumberFormat(locale, options).format(value);
}

/** Formats a rate (0–1) as a percentage. */
export function formatPercent(locale: Locale, rate: number | null | undefined, digits = 1): string {
  return formatNumber(locale, rate, {
    style: "percent",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/**
 * A p-value for a table cell: "< 0.001" below 0.001, else three significant digits ("0.0234",
 * "0.067"); `null` → "—". The one formatter of every p-value on every page, so a tiny p never
 * shows as "< 0" or "0".
 */
export function formatPValue(locale: Locale, p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "—";
  if (p < 0.001) return `< ${formatNumber(locale, 0.001, { maximumFractionDigits: 3 })}`;
  return formatNumber(locale, p, { maximumSignificantDigits: 3 });
}

/** A p-value in a sentence: "p < 0.001" or "p = 0.0234" (`null` → "p = —"). */
export function formatPStatement(locale: Locale, p: number | null | undefined): string {
  const value = formatPValue(locale, p);
  return value.startsWith("<") ? `p ${value}` : `p = ${value}`;
}

export function formatDate(locale: Locale, value: Date | string, withTime = false): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    ...(withTime ? { timeStyle: "short" } : {}),
    timeZone: "Asia/Shanghai",
  }).format(date);
}
