/**
 * Messages of the metric library's API (issue 16): refusals of `/api/metrics`, of an
 * experiment's `metrics` and of `track` events, in both catalogues.
 */
export const metricApiZh = {
  "metricApi.exists": "指标“{key}”已存在，请编辑它",
  "metricApi.changed": "指标“{key}”刚被他人修改，请刷新后重试",
  "metricApi.builtin": "“{key}”是内置指标，不能新建或修改",
  "metricApi.notFound": "没有指标“{key}”",
  "metricApi.unknownMetric": "指标库里没有“{key}”：请先在指标库中定义它",
  "metricApi.duplicateMetric": "指标“{key}”在实验中出现了不止一次（主要、次要、护栏指标不能重复）",
  "metricApi.banditPrimary":
    "多臂老虎机实验的主要指标必须是“转化率”（conversion），不能是“{key}”：它按转化事件调整流量",
  "metricApi.primaryLocked":
    "实验“{experiment}”已开始：主要指标“{key}”是事先确定的问题，不能更换；可以添加或移除次要指标和护栏指标",
  "metricApi.onlyMetricsLater":
    "实验“{experiment}”已开始：只能修改次要指标和护栏指标（metrics），其他设置只能在草稿中修改",
} as const;

export const metricApiEn: Record<keyof typeof metricApiZh, string> = {
  "metricApi.exists": 'The metric "{key}" exists: edit it instead',
  "metricApi.changed": 'The metric "{key}" was edited at the same time: reload it and try again',
  "metricApi.builtin": '"{key}" is a built-in metric and cannot be created or edited',
  "metricApi.notFound": 'No metric "{key}"',
  "metricApi.unknownMetric": 'The metric library has no "{key}": define it there first',
  "metricApi.duplicateMetric":
    'The metric "{key}" appears more than once (primary, secondary and guardrail metrics must differ)',
  "metricApi.banditPrimary":
    'A bandit\'s primary metric must be "conversion", not "{key}": its reweighting counts conversions',
  "metricApi.primaryLocked":
    'Experiment "{experiment}" has started: its primary metric "{key}" was the question set in advance and cannot change; secondary metrics and guardrails can be added or removed',
  "metricApi.onlyMetricsLater":
    'Experiment "{experiment}" has started: only its secondary metrics and guardrails (metrics) can change; other settings only in a draft',
};
