/**
 * Messages of the irreversible loop actions (start, stop, decide, promote: what each does, and
 * the confirmation step) and of the targeting that applies to an experiment (both catalogues).
 */
export const decideZh = {
  "act.what.start": "启动：开始按流量分组并计入结果；启动后实验设置不能再修改。",
  "act.what.stop": "停止：不再分组、不再计入新的客户，已收集的数据保留；停止后不能重新启动。",
  "act.what.decide": "确定胜出版本：记录结论并结束本轮实验，此后不能更改。",
  "act.what.promote":
    "推广：结束本轮实验（仍在运行则先停止）、记录胜出版本，并以它为对照组起草下一轮实验。",
  "act.recommended": "{name}（建议）",
  "act.defaultNote": "默认选中建议的版本。",
  "act.confirm.stop": "停止实验“{name}”？",
  "act.confirm.decide": "将 {winner} 定为“{name}”的胜出版本？",
  "act.confirm.promote": "推广 {winner} 并起草下一轮实验？",
  "act.confirm.keepControl": "保留对照组 {winner} 并起草下一轮实验？",
  "act.confirm.irreversible": "此操作不能撤销。",
  "act.confirm.recommendation": "当前建议：{text}",
  "act.confirm.against": "注意：你选择的 {winner} 不是建议的版本 {recommended}。",
  "act.confirm.abConfirm": "下一轮将以 A/B 测试确认胜出版本（对原对照组）。",
  "act.confirm.yes.stop": "确认停止",
  "act.confirm.yes.decide": "确认：{winner} 胜出",
  "act.confirm.yes.promote": "确认推广",
  "act.confirm.cancel": "取消，返回实验",
  "act.bank.title": "多家银行都有实验“{key}”",
  "act.bank.intro": "请选择银行：",
  "act.bank.required": "多家银行（{banks}）都有实验“{key}”：请用 ?bank= 指明银行",
  "targeting.title": "适用的目标客群",
  "targeting.everyone": "所有客户：营销活动和本实验都未限定客群。",
  "targeting.campaign": "沿用营销活动的目标客群：{segment}",
  "targeting.experiment": "本实验自己的定向：{own}",
  "targeting.narrowed": "营销活动的目标客群 {segment}，本实验收窄为其中同时符合 {own} 的客户。",
  "targeting.stages": "阶段为{list}",
  "targeting.tags": "带有标签{list}",
  "targeting.outside": "实验只能收窄营销活动的目标客群：阶段“{stage}”不在其中",
} as const;

export const decideEn: Record<keyof typeof decideZh, string> = {
  "act.what.start":
    "Start: customers are assigned and counted from now on; the settings can no longer be edited.",
  "act.what.stop":
    "Stop: no more customers are assigned or counted, the data collected stays; a stopped experiment cannot be started again.",
  "act.what.decide":
    "Mark the winner: records the decision and closes this iteration; it cannot be changed afterwards.",
  "act.what.promote":
    "Promote: ends this iteration (stopping it first if it runs), records the winner and drafts the next iteration with it as the control.",
  "act.recommended": "{name} (recommended)",
  "act.defaultNote": "The recommended arm is chosen by default.",
  "act.confirm.stop": "Stop “{name}”?",
  "act.confirm.decide": "Mark {winner} as the winner of “{name}”?",
  "act.confirm.promote": "Promote {winner} and draft the next iteration?",
  "act.confirm.keepControl": "Keep the control {winner} and draft the next iteration?",
  "act.confirm.irreversible": "This cannot be undone.",
  "act.confirm.recommendation": "The recommendation now: {text}",
  "act.confirm.against": "Note: you chose {winner}, not the recommended {recommended}.",
  "act.confirm.abConfirm":
    "The next iteration confirms the winner with an A/B test against the former control.",
  "act.confirm.yes.stop": "Yes, stop it",
  "act.confirm.yes.decide": "Yes, {winner} wins",
  "act.confirm.yes.promote": "Yes, promote",
  "act.confirm.cancel": "Cancel and go back",
  "act.bank.title": "Several banks have an experiment “{key}”",
  "act.bank.intro": "Choose the bank:",
  "act.bank.required": "Banks {banks} each have an experiment “{key}”: say which with ?bank=",
  "targeting.title": "Targeting that applies",
  "targeting.everyone": "Every customer: neither the campaign nor this experiment sets a segment.",
  "targeting.campaign": "The campaign's segment applies: {segment}",
  "targeting.experiment": "This experiment's own targeting: {own}",
  "targeting.narrowed":
    "The campaign's segment {segment}, narrowed by this experiment to the customers who also match {own}.",
  "targeting.stages": "at stage {list}",
  "targeting.tags": "tagged {list}",
  "targeting.outside":
    "An experiment may only narrow its campaign's segment: stage “{stage}” is not in it",
} as const;
