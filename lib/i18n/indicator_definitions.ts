/**
 * The indicators' definitions in Chinese. The model (lib/lens/lens-model.json) states each
 * definition in English; `definitionIn` gives the reader's language. A test checks that every
 * indicator with a definition has its Chinese one here.
 */
import type { Locale } from "./mod.ts";

export const DEFINITIONS_ZH: Readonly<Record<string, string>> = {
  app_mau_penetration:
    "手机银行月活（12 个月平均）÷ 年末零售客户数 × 100。互联网银行可报告“嵌入式月活”（自有 App + 小程序 + 合作方嵌入），但须注明口径。",
  digital_sales_share:
    "在数字渠道端到端完成的核心零售产品（存款账户、理财/基金、消费贷款、信用卡）销售件数 ÷ 全部销售件数 × 100。",
  journey_coverage:
    "一份固定且有版本号的功能清单（信息查询、开户、新客引导、日常交易、拓展关系、结束关系）中，可在 App/网页完成的功能占比；通过走查或神秘客户核实。",
  new_digital_customer_growth: "（年末手机银行注册客户数 ÷ 上年末注册客户数 − 1）× 100。",
  churn_rate:
    "年初的数字活跃客户中，到年末连续 6 个月以上无活跃登录/交易或已销户的客户数 ÷ 年初数字活跃客户数 × 100。",
  dormant_wakeup_rate:
    "年内触达的睡眠客户（6 个月以上无活跃交易）中，在 90 天内再次交易的客户数 ÷ 触达的睡眠客户数 × 100。",
  online_product_availability:
    "客户可全程线上购买的零售产品（存款、理财、基金、保险、消费贷款、信用卡）数 ÷ 全部零售产品数 × 100。",
  products_per_digital_customer: "年末数字活跃客户平均持有的不同产品类别数。",
  tech_spend_ratio:
    "年报披露的信息科技投入 ÷ 营业收入 × 100。属投入类指标：以目标值封顶、权重刻意偏低（贝恩：单看投入不能预测绩效）。",
  tech_staff_ratio: "科技/金融科技人员（合并报表的科技子公司计入）÷ 员工总数 × 100。",
  release_lead_time: "过去 12 个月零售数字化需求从需求批准到生产上线的日历天数中位数。",
  model_coverage:
    "至少每月被一个以上倾向/流失/价值模型评分的数字活跃客户数 ÷ 数字活跃客户数 × 100。",
  realtime_trigger_latency:
    "事件触发的营销活动中，从触发事件（资金流入、登录、浏览页面）到个性化触达送达的秒数中位数。",
  personalised_exposure_share:
    "由推荐/决策引擎决定的 App 营销曝光（横幅、推荐位、推送）÷ 全部营销曝光 × 100。",
  campaign_conversion_uplift:
    "年内模型定向的营销活动相对随机留出对照组的转化率相对提升，按曝光量加权平均。",
  marketing_automation_share:
    "通过自动化旅程/画布/标准作业模板执行、无需人工拉取名单的营销活动数 ÷ 全部营销活动数 × 100。",
  bot_resolution_rate:
    "未转人工且 48 小时内无重复来访即解决的服务会话（App、网页、微信、电话语音导航）÷ 全部会话 × 100。",
  realtime_fraud_coverage: "交易完成前经实时风控引擎筛查的数字交易 ÷ 全部数字交易 × 100。",
  auto_decision_share: "无需人工审批即批准或拒绝的零售及小微信贷申请 ÷ 全部申请 × 100。",
  ab_test_share: "设有对照组或做了 A/B 测试的营销活动和 App 主要功能上线数 ÷ 全部上线数 × 100。",
  open_api_count: "外部合作方可用的不同生产环境 API/SDK 服务数（取对数：log(x+1)）。",
  open_channel_txn_share:
    "经嵌入第三方 App 的合作方 API/SDK/H5 发起的新开户和数字交易 ÷ 全部数字发起量 × 100。",
  partner_onboarding_days: "新 API 合作方从签约到首笔生产交易的天数中位数。",
  external_acquisition_share: "首次接触来自外部合作渠道的新增数字客户 ÷ 全部新增数字客户 × 100。",
  active_ecosystem_partners:
    "过去 90 天内至少有一笔交易的合作方（平台、商户、政务/公用事业、产业链）数量（取对数）。",
  scene_category_coverage:
    "12 类场景（出行、餐饮、医疗、教育、政务、生活缴费、住房、养老、电商、文旅、社区、产业链）中已上线金融服务的类别数 ÷ 12 × 100。",
  fi_partners_served:
    "使用本行平台、科技输出或联合贷款/代销服务的其他金融机构数（取对数：log(x+1)）。外资银行子行可标记为不适用。",
  marketing_consent_coverage:
    "年内营销触达的客户中，有明确、留痕、限定用途授权的客户数 ÷ 全部触达客户数 × 100。",
  optout_effective_hours: "退订（短信退订、关闭个性化推荐）在所有渠道生效所需小时数的中位数。",
  marketing_complaint_rate: "每 10 万触达客户中，关于营销打扰、误导销售或个人信息使用的投诉数。",
  data_penalties_24m:
    "过去 24 个月公开的、涉及数据治理、个人信息保护、信息系统或营销行为的监管处罚数。",
};

/** English definitions that differ from the model's (which names categories in Chinese). */
const DEFINITIONS_EN: Readonly<Record<string, string>> = {
  scene_category_coverage:
    "Live financial services in N of 12 scene categories (travel, dining, healthcare, education, government services, utility payments, housing, elderly care, e-commerce, culture and tourism, community, industrial chains) / 12 x 100.",
};

/** An indicator's definition in the reader's language (`null` when it has none). */
export function definitionIn(
  locale: Locale,
  indicator: { id: string; definition?: string | null },
): string | null {
  if (!indicator.definition) return null;
  return locale === "zh-CN"
    ? DEFINITIONS_ZH[indicator.id] ?? indicator.definition
    : DEFINITIONS_EN[indicator.id] ?? indicator.definition;
}
