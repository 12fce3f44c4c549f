/**
 * The risk levels a case is graded into (red 一类, yellow 二类, blue 三类) and their names, shared by the
 * grading rules, the workbench and the big screen. Imports nothing (see lifecycle.ts).
 */
export const RISK_LEVELS = ['red', 'yellow', 'blue'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const RISK_LABELS: Readonly<Record<RiskLevel, { readonly 'zh-CN': string; readonly en: string }>> = {
  red: { 'zh-CN': '红色 · 一类', en: 'Red · level 1' },
  yellow: { 'zh-CN': '黄色 · 二类', en: 'Yellow · level 2' },
  blue: { 'zh-CN': '蓝色 · 三类', en: 'Blue · level 3' },
};
