/** Parsing of the tools' form fields (strings as typed), shared by the pages and their islands. */

/** A number as typed: spaces and thousands separators (`,` `，`) ignored; NaN when not a number. */
export function parseNumber(text: string): number {
  const cleaned = text.replace(/[\s,，]/g, "");
  return cleaned === "" ? NaN : Number(cleaned);
}

/** A whole number in [min, max], or null. */
export function parseInteger(text: string, min: number, max: number): number | null {
  const value = parseNumber(text);
  return Number.isInteger(value) && value >= min && value <= max ? value : null;
}
