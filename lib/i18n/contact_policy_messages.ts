/**
 * The contact policy (issue 17): the policy page with its 30-day what-if, the contact-pressure
 * view, and the refusals of `PUT /api/contact-policy` (each rule its own code).
 */
export const contactPolicyZh = {
  "nav.governance": "触达治理",
  "audit.action.contact_policy.update": "修改触达策略",
  "contactPolicy.title": "触达策略",
  "contactPolicy.intro":
    "在随机分组之前执行：频次上限、免打扰时段和长期对照组对同一客户的所有实验和营销活动一同生效，因此不会让任何实验产生偏差。",
  "contactPolicy.tab.policy": "触达策略",
  "contactPolicy.tab.pressure": "触达压力",
  "contactPolicy.pickBank": "银行",
  "contactPolicy.show": "查看",
  "contactPolicy.updated": "最近一次由 {who} 于 {at} 修改。",
  "contactPolicy.neverSet": "本行尚未设置触达策略：没有频次上限、没有免打扰时段、没有长期对照组。",
  "contactPolicy.saved": "触达策略已保存，所有实例立即生效。",
  "contactPolicy.caps": "频次上限",
  "contactPolicy.capsHint":
    "每位客户在时间窗内最多被触达几次。“所有触达渠道”合计计数；App 内横幅不算触达。一次触达 = 一个实验首次给客户分配版本。留空的行不保存。",
  "contactPolicy.cap.channel": "渠道",
  "contactPolicy.cap.max": "最多次数",
  "contactPolicy.cap.windowHours": "时间窗（小时）",
  "contactPolicy.cap.none": "（不设）",
  "contactPolicy.cap.all": "所有触达渠道（*）",
  "contactPolicy.windowHint": "24 小时 = 1 天，168 小时 = 7 天，720 小时 = 30 天。",
  "contactPolicy.quiet": "免打扰时段",
  "contactPolicy.quietOn": "启用免打扰时段",
  "contactPolicy.quietHint":
    "在此时段内，所选渠道的实验不分配版本（原因 quiet_hours，并告知何时结束），也不记为触达。可跨午夜，如 21:00 至 08:00。",
  "contactPolicy.quiet.start": "开始",
  "contactPolicy.quiet.end": "结束",
  "contactPolicy.quiet.timeZone": "时区",
  "contactPolicy.quiet.channels": "适用渠道",
  "contactPolicy.holdout": "长期对照组",
  "contactPolicy.holdoutHint":
    "按客户编号哈希稳定抽取的一部分客户不进入任何实验，用来衡量整个营销计划的增量效果。比例只能调低（调低只会让客户离开对照组）；如需更大的对照组，请先清空比例保存以结束当前对照组，再设置新比例——那是一个新的对照组。",
  "contactPolicy.holdout.percent": "比例（%，0–50，留空表示不设）",
  "contactPolicy.holdout.since": "当前对照组自 {at} 起，比例 {percent}%。",
  "contactPolicy.retention": "原始事件保留天数",
  "contactPolicy.retentionHint":
    "实验结束后超过该天数的原始事件将被清除，汇总数据保留。留空表示不清除。",
  "contactPolicy.preview": "预览过去 30 天的效果",
  "contactPolicy.save": "保存",
  "contactPolicy.whatIf": "过去 30 天会怎样",
  "contactPolicy.whatIf.proposed": "按上面填写（尚未保存）的策略重放过去 30 天的触达：",
  "contactPolicy.whatIf.current": "按当前保存的策略重放过去 30 天的触达：",
  "contactPolicy.whatIf.source":
    "触达来自触达台账；没有台账记录的实验按客户首次曝光计。重放按时间顺序逐位客户判断：先看频次上限，再看免打扰时段。",
  "contactPolicy.whatIf.summary":
    "{customers} 位客户共 {contacts} 次触达：{capped} 次会被频次上限拦下，{quiet} 次落在免打扰时段，{kept} 次照常发出。",
  "contactPolicy.whatIf.none": "过去 30 天没有触达记录。",
  "contactPolicy.col.channel": "渠道",
  "contactPolicy.col.campaign": "营销活动",
  "contactPolicy.col.contacts": "触达次数",
  "contactPolicy.col.capped": "被上限拦下",
  "contactPolicy.col.quiet": "落在免打扰时段",
  "contactPolicy.col.kept": "照常发出",
  "contactPolicy.noCampaign": "（无营销活动）",
  "contactPolicy.channel.*": "所有触达渠道",
  "pressure.title": "触达压力",
  "pressure.intro":
    "每位客户在各渠道被触达的次数（只统计期内至少被触达一次的客户）。触达来自触达台账，没有台账记录的实验按客户首次曝光计。",
  "pressure.perChannel": "每位客户的触达次数",
  "pressure.days7": "近 7 天",
  "pressure.days30": "近 30 天",
  "pressure.col.customers": "客户数",
  "pressure.col.mean": "平均",
  "pressure.col.median": "中位数",
  "pressure.col.p90": "90 分位",
  "pressure.col.max": "最多",
  "pressure.caps": "达到频次上限的客户",
  "pressure.capsNone": "本行没有设置频次上限。",
  "pressure.col.cap": "上限",
  "pressure.col.reached": "时间窗内被触达的客户",
  "pressure.col.atCap": "已达上限",
  "pressure.col.share": "占比",
  "pressure.capText": "{channel} 每 {hours} 小时最多 {max} 次",
  "pressure.byCampaign": "各营销活动被上限拦下的比例",
  "pressure.fromCounts":
    "来自实时分配的各原因次数（frequency_capped 占 frequency_capped 与 assigned 之和）。",
  "pressure.fromReplay": "尚无实时分配的原因计数：按当前策略重放过去 30 天的触达估算。",
  "pressure.col.answers": "判定次数",
  "pressure.col.cappedShare": "被拦下的比例",
  "pressure.none": "过去 30 天没有触达记录。",
  "policyError.INVALID_TIME": "{field} 的时间“{value}”无效：请用 24 小时制 HH:MM，例如 21:00",
  "policyError.TIME_ZONE_INVALID": "时区“{value}”无效：请使用 IANA 时区名称，例如 Asia/Shanghai",
  "policyError.UNKNOWN_CHANNEL":
    "渠道“{value}”不存在：可用 sms、app_push、in_app_banner、coupon、outbound_call、wechat，频次上限还可用 *（所有触达渠道）",
  "policyError.CAP_OUT_OF_RANGE":
    "频次上限的 {field} 必须是 {min} 到 {max} 之间的整数（收到 {value}）",
  "policyError.DUPLICATE_CAP":
    "同一渠道（{channel}）同一时间窗（{windowHours} 小时）只能设一条频次上限",
  "policyError.HOLDOUT_PERCENT_OUT_OF_RANGE":
    "长期对照组比例必须在 0 到 {max} 之间（收到 {value}）",
  "policyError.RETENTION_OUT_OF_RANGE":
    "原始事件保留天数必须是 1 到 {max} 之间的整数（收到 {value}）",
  "policyError.HOLDOUT_CANNOT_GROW":
    "长期对照组只能调低，不能调高（当前 {from}%，要求 {to}%）：调高会把已经在实验中的客户移进对照组。如需更大的对照组，请先结束当前对照组（holdout 设为 null 保存），再设置新的比例，这将是一个新的长期对照组，从头开始计算。",
  "error.code.INVALID_TIME": "时间无效：请用 24 小时制 HH:MM",
  "error.code.UNKNOWN_CHANNEL": "渠道不存在",
  "error.code.CAP_OUT_OF_RANGE": "频次上限超出允许范围",
  "error.code.DUPLICATE_CAP": "同一渠道同一时间窗只能设一条频次上限",
  "error.code.HOLDOUT_PERCENT_OUT_OF_RANGE": "长期对照组比例必须在 0 到 50 之间",
  "error.code.RETENTION_OUT_OF_RANGE": "原始事件保留天数超出允许范围",
  "error.code.HOLDOUT_CANNOT_GROW": "长期对照组只能调低，不能调高",
} as const;

export const contactPolicyEn: Record<keyof typeof contactPolicyZh, string> = {
  "nav.governance": "Governance",
  "audit.action.contact_policy.update": "Change the contact policy",
  "contactPolicy.title": "Contact policy",
  "contactPolicy.intro":
    "Applied before randomisation: contact caps, quiet hours and the global holdout hold across all of a customer's experiments and campaigns, so they never bias a test.",
  "contactPolicy.tab.policy": "Contact policy",
  "contactPolicy.tab.pressure": "Contact pressure",
  "contactPolicy.pickBank": "Bank",
  "contactPolicy.show": "Show",
  "contactPolicy.updated": "Last changed by {who} at {at}.",
  "contactPolicy.neverSet":
    "This bank has no contact policy yet: no caps, no quiet hours, no holdout.",
  "contactPolicy.saved": "Contact policy saved; every instance applies it at once.",
  "contactPolicy.caps": "Contact caps",
  "contactPolicy.capsHint":
    'How many times a customer may be contacted within the window. "Every contact channel" counts them together; an in-app banner is not a contact. One contact = one experiment first handing the customer an arm. Empty rows are not saved.',
  "contactPolicy.cap.channel": "Channel",
  "contactPolicy.cap.max": "At most",
  "contactPolicy.cap.windowHours": "Window (hours)",
  "contactPolicy.cap.none": "(none)",
  "contactPolicy.cap.all": "Every contact channel (*)",
  "contactPolicy.windowHint": "24 hours = 1 day, 168 hours = 7 days, 720 hours = 30 days.",
  "contactPolicy.quiet": "Quiet hours",
  "contactPolicy.quietOn": "Use quiet hours",
  "contactPolicy.quietHint":
    "During these hours experiments on the chosen channels hand out no arm (reason quiet_hours, with the time they end) and record no contact. They may cross midnight, e.g. 21:00 to 08:00.",
  "contactPolicy.quiet.start": "From",
  "contactPolicy.quiet.end": "To",
  "contactPolicy.quiet.timeZone": "Time zone",
  "contactPolicy.quiet.channels": "Channels",
  "contactPolicy.holdout": "Global holdout",
  "contactPolicy.holdoutHint":
    "A stable, hashed share of customers never enters any experiment, to measure the whole programme's incremental effect. The percent can only be lowered (lowering only moves customers out); for a larger holdout, clear the percent and save to end this one, then set the new percent: that is a new holdout.",
  "contactPolicy.holdout.percent": "Percent (0–50; empty: none)",
  "contactPolicy.holdout.since": "The current holdout started at {at}, {percent}%.",
  "contactPolicy.retention": "Raw event retention (days)",
  "contactPolicy.retentionHint":
    "Raw events older than this many days after their experiments ended are purged; aggregates stay. Empty: never purged.",
  "contactPolicy.preview": "Preview the last 30 days",
  "contactPolicy.save": "Save",
  "contactPolicy.whatIf": "What it would have done over the last 30 days",
  "contactPolicy.whatIf.proposed":
    "The last 30 days' contacts replayed under the policy above (not saved yet):",
  "contactPolicy.whatIf.current": "The last 30 days' contacts replayed under the saved policy:",
  "contactPolicy.whatIf.source":
    "Contacts come from the contact ledger; experiments without ledger rows count each customer's first exposure. The replay goes customer by customer in time order: caps first, then quiet hours.",
  "contactPolicy.whatIf.summary":
    "{contacts} contacts of {customers} customers: {capped} would have been capped, {quiet} would have fallen in quiet hours, {kept} would have gone out.",
  "contactPolicy.whatIf.none": "No contacts in the last 30 days.",
  "contactPolicy.col.channel": "Channel",
  "contactPolicy.col.campaign": "Campaign",
  "contactPolicy.col.contacts": "Contacts",
  "contactPolicy.col.capped": "Capped",
  "contactPolicy.col.quiet": "In quiet hours",
  "contactPolicy.col.kept": "Sent",
  "contactPolicy.noCampaign": "(no campaign)",
  "contactPolicy.channel.*": "Every contact channel",
  "pressure.title": "Contact pressure",
  "pressure.intro":
    "Contacts per customer on each channel (customers contacted at least once in the period). Contacts come from the contact ledger; experiments without ledger rows count each customer's first exposure.",
  "pressure.perChannel": "Contacts per customer",
  "pressure.days7": "Last 7 days",
  "pressure.days30": "Last 30 days",
  "pressure.col.customers": "Customers",
  "pressure.col.mean": "Mean",
  "pressure.col.median": "Median",
  "pressure.col.p90": "90th pct.",
  "pressure.col.max": "Max",
  "pressure.caps": "Customers at a cap",
  "pressure.capsNone": "This bank has no contact caps.",
  "pressure.col.cap": "Cap",
  "pressure.col.reached": "Contacted within the window",
  "pressure.col.atCap": "At the cap",
  "pressure.col.share": "Share",
  "pressure.capText": "{channel}: at most {max} per {hours} hours",
  "pressure.byCampaign": "Share capped by campaign",
  "pressure.fromCounts":
    "From the real-time answers per reason (frequency_capped over frequency_capped plus assigned).",
  "pressure.fromReplay":
    "No real-time reason counts yet: estimated by replaying the last 30 days' contacts under the saved policy.",
  "pressure.col.answers": "Decisions",
  "pressure.col.cappedShare": "Share capped",
  "pressure.none": "No contacts in the last 30 days.",
  "policyError.INVALID_TIME":
    '{field} must be a time as HH:MM on a 24-hour clock, such as 21:00 (got "{value}")',
  "policyError.TIME_ZONE_INVALID":
    '"{value}" is not a time zone: use an IANA name such as Asia/Shanghai',
  "policyError.UNKNOWN_CHANNEL":
    'No channel "{value}": use sms, app_push, in_app_banner, coupon, outbound_call or wechat, and for a cap also * (every contact channel)',
  "policyError.CAP_OUT_OF_RANGE":
    "A cap's {field} must be a whole number from {min} to {max} (got {value})",
  "policyError.DUPLICATE_CAP":
    "Only one cap per channel ({channel}) and window ({windowHours} hours)",
  "policyError.HOLDOUT_PERCENT_OUT_OF_RANGE":
    "The holdout percent must be from 0 to {max} (got {value})",
  "policyError.RETENTION_OUT_OF_RANGE":
    "Retention must be a whole number of days from 1 to {max} (got {value})",
  "policyError.HOLDOUT_CANNOT_GROW":
    'The holdout can only shrink (now {from}%, asked {to}%): growing it would move customers already in experiments into the holdout. For a larger holdout, end this one first (save with "holdout": null), then set the new percent: that is a new holdout, measured from its start.',
  "error.code.INVALID_TIME": "Not a time: use HH:MM on a 24-hour clock",
  "error.code.UNKNOWN_CHANNEL": "No such channel",
  "error.code.CAP_OUT_OF_RANGE": "A contact cap is out of range",
  "error.code.DUPLICATE_CAP": "Only one cap per channel and window",
  "error.code.HOLDOUT_PERCENT_OUT_OF_RANGE": "The holdout percent must be from 0 to 50",
  "error.code.RETENTION_OUT_OF_RANGE": "Retention is out of range",
  "error.code.HOLDOUT_CANNOT_GROW": "The holdout can only shrink",
};
