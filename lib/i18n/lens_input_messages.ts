/**
 * Problems with an assessment's input said to the person filling it in (routes/banks/_save.ts
 * `localizeIssue`, routes/banks/_form.ts) and the CSV import's problems
 * (routes/banks/assessments.tsx), each naming the indicator or the line and column.
 */
export const lensInputZh = {
  "lens.err.notNumber": "{name}：“{value}”不是数字",
  "lens.err.naCritical": "{name}：关键指标不能标记为不适用",
  "lens.err.naNotAllowed": "{name}：该指标不能标记为不适用",
  "lens.err.naJustification": "{name}：标记为不适用时须说明理由",
  "lens.err.valueAndNa": "{name}：不能既填写数值又标记为不适用",
  "lens.err.unknown": "没有这个指标：{name}",
  "lens.err.evidenceText": "{name}：佐证说明含有无法保存的字符（空字符或无效的 Unicode）",
  "lens.err.evidenceLong": "{name}：佐证说明过长",
  "csv.where": "第 {line} 行{column}：",
  "csv.column": "，“{column}”列",
  "csv.err.CSV_SYNTAX": "CSV 格式有误（引号未闭合）",
  "csv.err.CSV_EMPTY": "文件没有表头或没有数据行",
  "csv.err.CSV_TOO_MANY_ROWS": "行数过多",
  "csv.err.MISSING_COLUMN": "缺少必需的列 {value}",
  "csv.err.DUPLICATE_COLUMN": "列 {value} 重复",
  "csv.err.UNKNOWN_INDICATOR": "没有这个指标：{value}",
  "csv.err.WRONG_CELL_COUNT": "这一行的单元格个数与表头不一致",
  "csv.err.BAD_BANK_ID": "银行编号 {value} 无效",
  "csv.err.BAD_PERIOD": "评估期 {value} 无效（应如 2025H1、2025Q3、FY2024）",
  "csv.err.DUPLICATE_ROW": "同一银行和评估期出现了两次",
  "csv.err.NOT_A_NUMBER": "{value} 不是数字",
  "csv.err.UNKNOWN_BANK": "没有这家银行：{value}",
  "csv.err.XLSX_FORMULA_NO_VALUE":
    "公式 {value} 没有保存的计算结果（请在 Excel 中重新计算并保存，或粘贴为数值）",
  "csv.err.XLSX_CELL_ERROR": "单元格是错误值 {value}",
} as const;

export const lensInputEn: Record<keyof typeof lensInputZh, string> = {
  "lens.err.notNumber": '{name}: "{value}" is not a number',
  "lens.err.naCritical": "{name}: a key indicator cannot be marked not applicable",
  "lens.err.naNotAllowed": "{name}: this indicator cannot be marked not applicable",
  "lens.err.naJustification": "{name}: marking it not applicable needs a reason",
  "lens.err.valueAndNa": "{name}: cannot have a value and be marked not applicable",
  "lens.err.unknown": "No such indicator: {name}",
  "lens.err.evidenceText":
    "{name}: the evidence note holds a character that cannot be stored (NUL or invalid Unicode)",
  "lens.err.evidenceLong": "{name}: the evidence note is too long",
  "csv.where": "Line {line}{column}: ",
  "csv.column": ', column "{column}"',
  "csv.err.CSV_SYNTAX": "The CSV is malformed (a quote is not closed)",
  "csv.err.CSV_EMPTY": "The file has no header or no rows",
  "csv.err.CSV_TOO_MANY_ROWS": "Too many rows",
  "csv.err.MISSING_COLUMN": "The required column {value} is missing",
  "csv.err.DUPLICATE_COLUMN": "The column {value} appears twice",
  "csv.err.UNKNOWN_INDICATOR": "No such indicator: {value}",
  "csv.err.WRONG_CELL_COUNT": "This row has a different number of cells than the header",
  "csv.err.BAD_BANK_ID": "The bank id {value} is not valid",
  "csv.err.BAD_PERIOD": "The period {value} is not valid (use e.g. 2025H1, 2025Q3, FY2024)",
  "csv.err.DUPLICATE_ROW": "The same bank and period appear twice",
  "csv.err.NOT_A_NUMBER": "{value} is not a number",
  "csv.err.UNKNOWN_BANK": "No such bank: {value}",
  "csv.err.XLSX_FORMULA_NO_VALUE":
    "The formula {value} has no saved result (recalculate and save it in Excel, or paste it as values)",
  "csv.err.XLSX_CELL_ERROR": "The cell holds the error value {value}",
};
