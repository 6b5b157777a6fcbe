/** Messages of the bandit experiments: reweighting, allocation chart, cut arms, promoting the winner (both catalogues). */
export const banditZh = {
  "bandit.title": "多臂老虎机",
} as const;

export const banditEn: Record<keyof typeof banditZh, string> = {
  "bandit.title": "Bandit",
};
