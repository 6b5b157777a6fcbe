/**
 * The API reference page (components/ApiReference.tsx) in the reader's language: its headings
 * and labels, the operations' tags and summaries. The OpenAPI document itself (field and
 * operation descriptions) is written in English for integrators; on the Chinese page that text
 * is marked `lang="en"` and the page says so.
 */
export const apiDocZh = {
  "apiRef.title": "API 参考",
  "apiRef.machineReadable": "机器可读版本：",
  "apiRef.sdkModule": "SDK 模块：",
  "apiRef.englishNote": "接口、字段的详细说明以英文撰写（面向开发人员），标题与表头为中文。",
  "apiRef.field": "字段",
  "apiRef.type": "类型",
  "apiRef.required": "必填",
  "apiRef.rules": "规则",
  "apiRef.description": "说明",
  "apiRef.yes": "是",
  "apiRef.parameters": "参数",
  "apiRef.body": "请求体（JSON）",
  "apiRef.responses": "响应",
  "apiRef.sdkKey": "需要 SDK 密钥（Bearer）",
  "apiRef.public": "公开",
  "apiRef.length": "长度",
  "apiRef.items": "项数",
  "apiRef.matches": "匹配",
  "apiRef.in.path": "路径",
  "apiRef.in.query": "查询参数",
  "apiRef.in.header": "请求头",
} as const;

export const apiDocEn: Record<keyof typeof apiDocZh, string> = {
  "apiRef.title": "API reference",
  "apiRef.machineReadable": "Machine-readable:",
  "apiRef.sdkModule": "SDK module:",
  "apiRef.englishNote": "Operation and field descriptions are written for integrators.",
  "apiRef.field": "Field",
  "apiRef.type": "Type",
  "apiRef.required": "Required",
  "apiRef.rules": "Rules",
  "apiRef.description": "Description",
  "apiRef.yes": "yes",
  "apiRef.parameters": "Parameters",
  "apiRef.body": "Request body (JSON)",
  "apiRef.responses": "Responses",
  "apiRef.sdkKey": "SDK key (Bearer)",
  "apiRef.public": "public",
  "apiRef.length": "length",
  "apiRef.items": "items",
  "apiRef.matches": "matches",
  "apiRef.in.path": "path",
  "apiRef.in.query": "query",
  "apiRef.in.header": "header",
};

/** Tags of the OpenAPI document in Chinese (English: the tag itself). */
export const API_TAGS_ZH: Readonly<Record<string, string>> = {
  SDK: "SDK",
  "Metric library": "指标库",
  "Schedules and digests": "计划启停与定期报告",
  Governance: "触达治理",
  "Traffic governance": "触达治理",
  "Lens assessments": "透镜评估",
  Calculators: "计算器",
  API: "API",
};

/** Operation summaries in Chinese, by `METHOD path` (English: the document's summary). */
export const API_SUMMARIES_ZH: Readonly<Record<string, string>> = {
  "get /api/v1/experiments/{key}/assignment": "为一位客户分组",
  "post /api/v1/assignments": "为一批客户分组（发送名单）",
  "post /api/v1/events": "上报曝光、转化和客户事件",
  "post /api/v1/opt-outs": "登记退订",
  "put /api/v1/customers": "写入客户属性和营销授权",
  "get /api/metrics": "银行的指标库",
  "post /api/metrics": "定义指标（第 1 版）",
  "get /api/metrics/{key}": "一个指标、它的各个版本和使用它的实验",
  "patch /api/metrics/{key}": "修改指标（生成新版本）",
  "get /api/experiments/{key}/schedule": "实验的计划启停",
  "put /api/experiments/{key}/schedule": "设置实验的计划启停",
  "delete /api/experiments/{key}/schedule": "取消实验的计划启停",
  "get /api/digests": "银行的周报和日报",
  "get /api/digests/{id}": "一份定期报告",
  "get /api/bank-settings": "本行时区",
  "put /api/bank-settings": "设置本行时区",
  "post /api/stats/proportions": "转化率检验（2–20 个版本，多重比较校正，样本比例检查）",
  "post /api/stats/means": "均值的 Welch t 检验",
  "post /api/stats/sample-size": "每个版本所需的样本量",
  "post /api/bandits/allocate": "汤普森采样流量分配",
  "post /api/bandits/simulate": "多臂老虎机策略模拟",
  "post /api/lens/score": "为透镜评估打分",
};
