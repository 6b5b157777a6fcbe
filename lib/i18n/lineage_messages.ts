/** Messages of the campaign lineage: the chain of iterations, compounded lift, measured indicators (both catalogues). */
export const lineageZh = {
  "lineage.title": "迭代谱系",
} as const;

export const lineageEn: Record<keyof typeof lineageZh, string> = {
  "lineage.title": "Lineage",
};
