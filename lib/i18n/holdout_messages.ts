/**
 * Messages of the global holdout's report (`/holdout`, `GET /api/holdout`) and of each
 * experiment's answers per assignment reason (issue 17; docs/GOVERNANCE.md), both catalogues.
 * Words: 长期对照组 / global holdout; 回答 / answer (one assignment answer, not a customer).
 */
export const holdoutZh = {
  "nav.holdout": "长期对照组",
  "holdout.title": "长期对照组报告",
  "holdout.intro":
    "整个实验项目的增量效果：长期对照组的客户从不进入任何实验，与其他所有符合条件的客户（其余客户）相比较。",
  "holdout.pickBank": "银行",
  "holdout.show": "查看",
  "holdout.none": "这家银行没有设置长期对照组，因此没有报告。",
  "holdout.noneHow":
    "设置方法：在联络策略页面设置长期对照组的比例（例如 5%），或通过 PUT /api/contact-policy 提交长期对照组的比例。从设置之时起，该比例的客户（按客户编号哈希稳定选出）不进入任何实验，本页从那时起比较两组。",
  "holdout.policyLink": "联络策略",
  "holdout.since": "长期对照组自 {at} 起（{days} 天），比例 {percent}%。",
  "holdout.population":
    "客户：自对照组开始以来出现过的全部客户（有客户资料，或有行为事件、实验事件），共 {total} 人；其中长期对照组 {holdout} 人（{share}），其余 {rest} 人。",
  "holdout.window":
    "每位客户的指标值按对照组开始至今（{end}）的全部事件计算，不使用指标自身的时间窗口。",
  "holdout.metrics": "指标",
  "holdout.metricsHint": "从指标库中选择（可多选）。",
  "holdout.noMetrics": "请至少选择一个指标。",
  "holdout.col.metric": "指标",
  "holdout.col.holdout": "长期对照组",
  "holdout.col.rest": "其余客户",
  "holdout.col.difference": "差值（其余 − 对照）",
  "holdout.col.lift": "提升",
  "holdout.col.p": "p 值",
  "holdout.ciNote":
    "区间为 {level} 置信区间：比例指标用合并方差 z 检验和 Mee 得分区间（提升用 Koopman 区间），均值指标用 Welch t 检验，比率指标用 delta 方法（这两种的提升区间用 Fieller 方法）。每个指标单独检验，未做多重比较校正。",
  "holdout.notApplicable":
    "“{name}”来自实验自身的转化记录，长期对照组的客户没有这类记录，不能用于本报告。",
  "holdout.significant": "显著",
  "holdout.notSignificant": "不显著",
  "holdoutError.NOT_APPLICABLE":
    "指标“{key}”来自实验自身的转化记录，不能用于长期对照组报告，请选择基于行为事件或退订的指标",
  "holdoutError.NO_METRICS": "请至少选择一个指标（metrics=键1,键2）",
  "holdoutError.TOO_MANY_METRICS": "一次最多比较 {max} 个指标（收到 {count} 个）",
  "reasonCounts.title": "各原因的分流回答次数",
  "reasonCounts.note":
    "每次分流请求的回答计一次：同一客户被问到多次就计多次，所以这是回答次数，不是客户数。各实例每隔几秒汇总写入一次。",
  "reasonCounts.col.reason": "原因",
  "reasonCounts.col.answers": "回答次数",
  "reasonCounts.col.share": "占比",
  "reasonCounts.total": "合计",
  "reasonCounts.none": "还没有分流回答。",
  "reasonCounts.updated": "最近更新：{at}",
  "reasonCounts.reason.not_running": "实验未在运行（not_running）",
  "reasonCounts.reason.opted_out": "客户已退订（opted_out）",
  "reasonCounts.reason.forced": "测试客户指定版本（forced）",
  "reasonCounts.reason.holdout": "在长期对照组中（holdout）",
  "reasonCounts.reason.not_targeted": "不在目标客群（not_targeted）",
  "reasonCounts.reason.layer_excluded": "不在本实验的流量层区间（layer_excluded）",
  "reasonCounts.reason.frequency_capped": "已达联络频次上限（frequency_capped）",
  "reasonCounts.reason.quiet_hours": "免打扰时段（quiet_hours）",
  "reasonCounts.reason.assigned": "已分配版本（assigned）",
} as const;

export const holdoutEn: Record<keyof typeof holdoutZh, string> = {
  "nav.holdout": "Holdout",
  "holdout.title": "Global holdout report",
  "holdout.intro":
    "The whole programme's incremental effect: customers in the global holdout never enter any experiment; they are compared with everyone else who was eligible (the rest).",
  "holdout.pickBank": "Bank",
  "holdout.show": "Show",
  "holdout.none": "This bank has no global holdout, so there is no report.",
  "holdout.noneHow":
    "To set one: give the holdout a percent (e.g. 5%) on the contact policy page, or set its percent with PUT /api/contact-policy. From then on that share of customers (picked by a stable hash of the customer id) enters no experiment, and this page compares both groups from that moment.",
  "holdout.policyLink": "Contact policy",
  "holdout.since": "The holdout started at {at} ({days} days ago), {percent}%.",
  "holdout.population":
    "Customers: everyone seen since the holdout started (a customer record, a tracked event or an experiment event), {total} in all: {holdout} in the holdout ({share}), {rest} in the rest.",
  "holdout.window":
    "Each customer's value counts all their events from the holdout's start until now ({end}); the metrics' own windows are not used.",
  "holdout.metrics": "Metrics",
  "holdout.metricsHint": "Choose from the metric library (several allowed).",
  "holdout.noMetrics": "Choose at least one metric.",
  "holdout.col.metric": "Metric",
  "holdout.col.holdout": "Holdout",
  "holdout.col.rest": "Rest",
  "holdout.col.difference": "Difference (rest − holdout)",
  "holdout.col.lift": "Lift",
  "holdout.col.p": "p-value",
  "holdout.ciNote":
    "Intervals at {level} confidence: proportions by the pooled z-test with Mee's score interval (Koopman's for the lift), means by Welch's t-test, ratios by the delta method (lift intervals of both by Fieller's method). Each metric is tested on its own, without a multiple-comparison correction.",
  "holdout.notApplicable":
    '"{name}" comes from the experiments\' own conversion records, which holdout customers never have: it cannot be used here.',
  "holdout.significant": "significant",
  "holdout.notSignificant": "not significant",
  "holdoutError.NOT_APPLICABLE":
    'The metric "{key}" comes from the experiments\' own conversion records and cannot be used for the holdout report: choose a metric on tracked events or opt-outs',
  "holdoutError.NO_METRICS": "Choose at least one metric (metrics=key1,key2)",
  "holdoutError.TOO_MANY_METRICS": "At most {max} metrics at once (got {count})",
  "reasonCounts.title": "Assignment answers by reason",
  "reasonCounts.note":
    "Each answer to an assignment request counts once: a customer asked about several times counts several times, so these are answers, not customers. Each instance adds its counts every few seconds.",
  "reasonCounts.col.reason": "Reason",
  "reasonCounts.col.answers": "Answers",
  "reasonCounts.col.share": "Share",
  "reasonCounts.total": "Total",
  "reasonCounts.none": "No assignment answers yet.",
  "reasonCounts.updated": "Last added: {at}",
  "reasonCounts.reason.not_running": "Experiment not running (not_running)",
  "reasonCounts.reason.opted_out": "Customer opted out (opted_out)",
  "reasonCounts.reason.forced": "QA unit put in an arm (forced)",
  "reasonCounts.reason.holdout": "In the global holdout (holdout)",
  "reasonCounts.reason.not_targeted": "Outside the targeting (not_targeted)",
  "reasonCounts.reason.layer_excluded": "Outside the experiment's layer range (layer_excluded)",
  "reasonCounts.reason.frequency_capped": "At a contact cap (frequency_capped)",
  "reasonCounts.reason.quiet_hours": "Quiet hours (quiet_hours)",
  "reasonCounts.reason.assigned": "Given an arm (assigned)",
};
