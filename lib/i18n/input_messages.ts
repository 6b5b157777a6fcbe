/**
 * Refused input: text the database cannot store (lib/text.ts). `{field}` is the field's path as
 * the request names it.
 */
export const inputZh = {
  "input.field.NUL": "“{field}”不能包含空字符（U+0000）",
  "input.field.LONE_SURROGATE": "“{field}”含有无效的 Unicode 字符（不成对的代理项）",
  "input.text.NUL": "文本不能包含空字符（U+0000）",
  "input.text.LONE_SURROGATE": "文本含有无效的 Unicode 字符（不成对的代理项）",
  "admin.error.INVALID_TEXT": "文本含有无法保存的字符（空字符或无效的 Unicode）",
} as const;

export const inputEn: Record<keyof typeof inputZh, string> = {
  "input.field.NUL": '"{field}" must not contain the NUL character (U+0000)',
  "input.field.LONE_SURROGATE": '"{field}" contains invalid Unicode (an unpaired surrogate)',
  "input.text.NUL": "Text must not contain the NUL character (U+0000)",
  "input.text.LONE_SURROGATE": "Text contains invalid Unicode (an unpaired surrogate)",
  "admin.error.INVALID_TEXT":
    "the text holds a character that cannot be stored (NUL or invalid Unicode)",
};
