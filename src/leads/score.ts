/**
 * Lead score 0–100 for ranking (SPEC §5), computed in SQL from three facts:
 *   severity     high 60, medium 40, low 20
 *   amount       5 × log10(1 + yuan), at most 25 (≈ 25 at 100,000 yuan; 0 for no or negative amounts)
 *   corroboration +8 for each other rule that hits the same subject (subject_key) or the same household
 *                (household_key), at most 15
 * rounded to an integer and capped at 100. The weights live here only.
 */
export const SCORE_WEIGHTS = {
  severity: { high: 60, medium: 40, low: 20 },
  amountPerLog10: 5,
  amountMax: 25,
  perOtherRule: 8,
  corroborationMax: 15,
} as const;

/** SQL expression; needs columns `severity`, `amount`, `n_rules` (distinct rules on subject or household, ≥ 1). */
export function scoreSql(severity = 'severity', amount = 'amount', nRules = 'n_rules'): string {
  const w = SCORE_WEIGHTS;
  return `cast(least(100, round(
      (case ${severity} when 'high' then ${w.severity.high} when 'medium' then ${w.severity.medium} else ${w.severity.low} end)
    + least(${w.amountMax}, ${w.amountPerLog10} * log10(1 + greatest(coalesce(cast(${amount} as double), 0), 0)))
    + least(${w.corroborationMax}, ${w.perOtherRule} * (${nRules} - 1))
  )) as integer)`;
}

/** The same formula in TypeScript (tests, docs). */
export function score(severity: 'high' | 'medium' | 'low', amount: number | null, nRules: number): number {
  const w = SCORE_WEIGHTS;
  const s =
    w.severity[severity] +
    Math.min(w.amountMax, w.amountPerLog10 * Math.log10(1 + Math.max(amount ?? 0, 0))) +
    Math.min(w.corroborationMax, w.perOtherRule * (nRules - 1));
  return Math.min(100, Math.round(s));
}
