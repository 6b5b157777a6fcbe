/**
 * Messages of the statistics read-outs that say how a figure was computed: bandit figures
 * weighted by allocation period, and interval levels that follow the Holm correction (both
 * catalogues).
 */
export const statsZh = {
  "stats.weightedNote":
    "流量权重在实验中变动过，因此转化率、提升、区间和 p 值都按分配时段加权（每个时段按其客户占比），避免把基础转化率的变化误当成版本之间的差异（辛普森悖论）。用户数和转化数是原始计数。",
  "stats.weightedRate": "按时段加权的转化率",
  "stats.ciLevels":
    "有多个挑战版本时要同时比较多次，因此按 p 值从小到大逐级收紧显著性门槛（Holm 逐步法）；每行的区间取该行门槛对应的置信水平（{levels}），所以区间不含 0 当且仅当该行显著。",
} as const;

export const statsEn: Record<keyof typeof statsZh, string> = {
  "stats.weightedNote":
    "The traffic weights changed during the experiment, so rates, lifts, intervals and p-values are weighted by allocation period (each period by its share of customers); otherwise a drift in the base rate would pass for a difference between arms (Simpson's paradox). Users and conversions are the raw counts.",
  "stats.weightedRate": "Rate weighted by period",
  "stats.ciLevels":
    "With several challengers the significance threshold tightens step by step for the several comparisons (Holm's method), and each row's interval is at the confidence level of its step ({levels}), so an interval excludes 0 exactly when its row is significant.",
};
