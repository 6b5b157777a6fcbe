/**
 * Messages of the metric library's statistics (lib/metrics/analysis.ts): the warning codes a
 * metric result may carry, how its figures were computed (cap, CUPED, sequential, corrections),
 * the guardrail rule and the GUARDRAIL_WORSE refusal (both catalogues).
 */
export const metricStatsZh = {
  "metricStats.warning.BANDIT_POOLED":
    "多臂老虎机实验的流量权重会变动；此均值/比率指标按各版本全部客户合计计算，未按分配时段加权，基础水平随时间变化时可能误导（比例指标已按时段加权）。",
  "metricStats.warning.NOT_MEASURED": "无法计算：指标库中没有这个指标。",
  "metricStats.warning.COMPUTING": "计算中：这个指标的第一次计算还没有完成。",
  "metricStats.warning.STALE": "数据来自较早的快照（刷新失败），可能没有包含最新事件。",
  "metricStats.warning.NOT_ENOUGH_DATA": "有版本的曝光客户少于 2 人，暂不能检验。",
  "metricStats.capUsed": "每位客户的值封顶于 {value}（超出部分按该值计）。",
  "metricStats.capPercentile": "封顶值为全部曝光客户该指标值的第 {percentile} 百分位数：{value}。",
  "metricStats.cuped": "已用实验前数据做 CUPED 方差缩减（θ = {theta}）。",
  "metricStats.sequential": "序贯检验：p 值和区间随时可看，不会因反复查看而虚高显著。",
  "metricStats.correction.holm": "按 Holm 方法校正多个挑战版本。",
  "metricStats.correction.bh":
    "按 Benjamini–Hochberg 方法校正全部次要指标 × 挑战版本（控制错误发现率）。",
  "metricStats.guardrailRule":
    "护栏规则：挑战版本在该指标上与对照差异显著（双侧检验，Holm 校正后 p < {alpha}）且朝不利方向，即判定未通过，不建议上线该版本。",
  "metricStats.reason.GUARDRAIL_WORSE":
    "{variants} 使护栏指标“{name}”显著变差，不建议上线（GUARDRAIL_WORSE）。",
  "metricStats.legacyGuardrail":
    "旧版文字护栏“{name}”没有对应的数据，未计算（以前误用了主要指标的数据）。",
} as const;

export const metricStatsEn: Record<keyof typeof metricStatsZh, string> = {
  "metricStats.warning.BANDIT_POOLED":
    "A bandit's traffic weights move; this mean or ratio metric is computed over each arm's customers pooled, not weighted by allocation period, and can mislead when the base level drifts (proportion metrics are weighted by period).",
  "metricStats.warning.NOT_MEASURED": "Not measured: the metric is not in the library.",
  "metricStats.warning.COMPUTING": "Computing: the metric's first computation has not finished.",
  "metricStats.warning.STALE":
    "From an older snapshot (a refresh failed): the latest events may be missing.",
  "metricStats.warning.NOT_ENOUGH_DATA": "An arm has fewer than 2 exposed customers: no test yet.",
  "metricStats.capUsed": "Each customer's value is capped at {value}.",
  "metricStats.capPercentile":
    "The cap is the {percentile} percentile of all exposed customers' values: {value}.",
  "metricStats.cuped": "CUPED variance reduction with pre-experiment data (θ = {theta}).",
  "metricStats.sequential":
    "Sequential testing: p-values and intervals stay valid however often you look.",
  "metricStats.correction.holm": "Holm correction over the challengers.",
  "metricStats.correction.bh":
    "Benjamini–Hochberg correction over all secondary metrics × challengers (false discovery rate).",
  "metricStats.guardrailRule":
    "Guardrail rule: a challenger fails when it differs from the control significantly (two-sided, Holm-adjusted p < {alpha}) in the metric's bad direction; it should not ship.",
  "metricStats.reason.GUARDRAIL_WORSE":
    'Guardrail "{name}" got significantly worse for {variants}: shipping is not recommended (GUARDRAIL_WORSE).',
  "metricStats.legacyGuardrail":
    'The old free-text guardrail "{name}" has no data and is not measured (it used to be scored on the primary metric\'s data).',
};
