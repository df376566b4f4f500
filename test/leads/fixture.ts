/** Shared fixture for leads/outputs tests: a findings table with hand-written rows and minimal rule headers. */
import type { Db } from '../../src/db/connection.js';
import { FINDINGS_DDL, RULE_RUNS_DDL, recordRun } from '../../src/rules/run-rules.js';
import type { RuleDefinition, Severity } from '../../src/rules/types.js';

export function fakeRule(id: string, category: string, severity: Severity, extra: Partial<RuleDefinition> = {}): RuleDefinition {
  return {
    id,
    name: `规则${id}`,
    category,
    severity,
    tables: ['subsidy'],
    optionalTables: [],
    params: { min_amount: { type: 'number', default: 1000, description: '最小金额' } },
    method: `方法${id}`,
    why: `原因${id}`,
    exclusions: [],
    assumptions: [],
    variants: [],
    sql: 'select 1',
    file: `/x/${id}.sql`,
    headerEndLine: 10,
    builtin: true,
    ...extra,
  };
}

export interface F {
  rule_id: string;
  subject_key: string;
  subject_name?: string | null;
  household_key?: string | null;
  town?: string | null;
  village?: string | null;
  unit?: string | null;
  amount?: string | number | null;
  period_start?: string | null;
  period_end?: string | null;
  description?: string | null;
  evidence?: string | null;
  severity?: string | null;
}

export async function loadFindings(db: Db, rows: F[]): Promise<void> {
  await db.run(FINDINGS_DDL);
  for (const r of rows) {
    const cols = Object.keys(r) as (keyof F)[];
    const params: Record<string, string | null> = {};
    cols.forEach((c, i) => (params[`p${i}`] = r[c] == null ? null : String(r[c])));
    await db.run(`insert into findings (${cols.join(', ')}) select ${cols.map((c, i) => `$p${i}`).join(', ')}`, params);
  }
}

/** rule_runs rows for rules (as a run records them): the XLSX 说明 sheet and the report read rule metadata from there. */
export async function recordRuleRuns(db: Db, rules: RuleDefinition[], leads: Record<string, number> = {}): Promise<void> {
  await db.run(RULE_RUNS_DDL);
  for (const r of rules) {
    const params = Object.fromEntries(Object.entries(r.params).map(([k, v]) => [k, v.default]));
    await recordRun(db, r, { rule_id: r.id, rule_name: r.name, category: r.category, severity: r.severity, status: 'ran', leads: leads[r.id] ?? 0, seconds: 0, params, file: r.file });
  }
}
