/** Messages of the board report (/banks/:id/report) and the trend chart (both catalogues). */
export const reportZh = {
  "report.title": "数字化能力对标报告",
  "report.subtitle": "董事会汇报材料",
  "report.open": "董事会报告（可打印）",
  "report.back": "返回评分卡",
  "report.printHelp": "打印为 A4 纵向；在打印对话框中选择“另存为 PDF”即可保存。",
  "report.generated": "生成日期",
  "report.model": "评估模型",
  "report.confidential": "内部资料，仅供本行董事会及管理层使用。同业数据均为匿名汇总。",
  "report.contents": "目录",
  "report.summary": "一页摘要",
  "report.figure": "项目",
  "report.radars": "与同业对比",
  "report.capabilitiesOf": "{dimension}：各项能力",
  "report.weight": "权重",
  "report.method": "附录：方法说明",
  "report.methodScore":
    "每项指标按模型规定的区间换算为 0～100 分（成熟度 L1～L5 记 0、25、50、75、100 分）；能力得分为其指标的加权平均，维度得分为其能力的加权平均，综合得分为三大维度的加权平均（{weights}），再减去合规扣分。",
  "report.methodLevels":
    "成熟度等级按综合得分划分：0～20 起步级、20～40 发展级、40～60 规范级、60～80 领先级、80～100 引领级；任一关键指标得分低于 40 时，等级最高为 3 级。",
  "report.methodPeers":
    "同业统计取同业组内每家银行最近一次已提交的评估；中位数与四分位数按第 7 类分位数计算；“领先者”为每项指标较优方向的四分位（越低越好的指标取下四分位）；同业百分位按中位秩计算。",
  "report.methodEntry":
    "切入点：将某项能力中最薄弱的指标提升一级后综合得分的增幅，按增幅排序取前三。",
  "report.noData": "暂无数据",
  "trend.chart": "综合与维度得分趋势",
  "trend.bands": "背景色带为成熟度等级区间",
} as const;

export const reportEn: Record<keyof typeof reportZh, string> = {
  "report.title": "Digital capability benchmark",
  "report.subtitle": "Board report",
  "report.open": "Board report (printable)",
  "report.back": "Back to the scorecard",
  "report.printHelp":
    "Prints on A4 portrait; choose “Save as PDF” in the print dialogue to keep a copy.",
  "report.generated": "Generated",
  "report.model": "Assessment model",
  "report.confidential":
    "Internal: for the bank's board and management only. Peer figures are anonymous aggregates.",
  "report.contents": "Contents",
  "report.summary": "Summary",
  "report.figure": "Figure",
  "report.radars": "Against the peers",
  "report.capabilitiesOf": "{dimension}: capabilities",
  "report.weight": "Weight",
  "report.method": "Appendix: method",
  "report.methodScore":
    "Each indicator is mapped to 0–100 over the band the model sets (maturity levels L1–L5 score 0, 25, 50, 75 and 100); a capability scores the weighted mean of its indicators, a dimension the weighted mean of its capabilities, and the overall score the weighted mean of the three dimensions ({weights}) less the compliance deduction.",
  "report.methodLevels":
    "Maturity levels by overall score: 0–20 Initial, 20–40 Developing, 40–60 Defined, 60–80 Advanced, 80–100 Leading; if any critical indicator scores below 40 the level is at most 3.",
  "report.methodPeers":
    "Peer statistics use each bank's latest submitted assessment in the peer group; medians and quartiles are type-7 quantiles; the leaders are the better quartile in each indicator's direction (the lower quartile where lower is better); the percentile is the mid-rank percentile.",
  "report.methodEntry":
    "Entry points: the gain in the overall score from raising a capability's weakest indicator by one level; the three largest gains are shown.",
  "report.noData": "No data",
  "trend.chart": "Overall and dimension scores over time",
  "trend.bands": "Shaded bands are the maturity levels",
};
