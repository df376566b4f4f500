/**
 * findings → leads (SPEC §5). The leads stage owns everything that must be uniform across rules: rule columns
 * stamped from the rule headers (a finding's own `severity`, set by variant findings, overrides the header's),
 * `lead_id` (lead-id.ts), `score` (score.ts), one row per (rule_id, subject_key), sorted by score desc then lead_id.
 *
 * Missing values stay NULL in the `leads` table (analysts write `where unit is null`); the CSV/XLSX writers
 * print them as empty cells. `evidence` is JSON text, `[]` when a rule gave none.
 */
import type { Db } from '../db/connection.js';
import { InternalError } from '../errors.js';
import type { RuleDefinition } from '../rules/types.js';
import { leadIdSql } from './lead-id.js';
import { scoreSql } from './score.js';

export const LEAD_COLUMNS = [
  'lead_id',
  'rule_id',
  'rule_name',
  'category',
  'severity',
  'score',
  'town',
  'village',
  'unit',
  'subject_key',
  'subject_name',
  'household_key',
  'amount',
  'period_start',
  'period_end',
  'description',
  'evidence',
] as const;

export const LEADS_DDL = `create or replace table leads (
  lead_id VARCHAR, rule_id VARCHAR, rule_name VARCHAR, category VARCHAR, severity VARCHAR, score INTEGER,
  town VARCHAR, village VARCHAR, unit VARCHAR, subject_key VARCHAR, subject_name VARCHAR, household_key VARCHAR,
  amount DECIMAL(18,2), period_start DATE, period_end DATE, description VARCHAR, evidence VARCHAR)`;

export interface LeadSummary {
  leads: number;
}

export async function assembleLeads(db: Db, rules: RuleDefinition[]): Promise<LeadSummary> {
  await db.run(LEADS_DDL, undefined, 'create leads');
  if (!(await db.tableExists('findings'))) return { leads: 0 };

  await db.run(
    `create or replace temp table _x_rule_meta (rule_id VARCHAR, rule_name VARCHAR, category VARCHAR, severity VARCHAR)`,
    undefined,
    'rule meta',
  );
  for (const r of rules) {
    await db.run(`insert into _x_rule_meta values ($id, $name, $category, $severity)`, { id: r.id, name: r.name, category: r.category, severity: r.severity }, 'rule meta');
  }
  const orphan = await db.all<{ rule_id: string }>(
    `select distinct rule_id from findings where rule_id not in (select rule_id from _x_rule_meta) order by 1 limit 5`,
    undefined,
    'leads: orphan findings',
  );
  if (orphan.length) throw new InternalError(`assembleLeads: findings of rule(s) ${orphan.map((o) => o.rule_id).join(', ')} have no rule definition`);
  const dup = await db.all<{ rule_id: string; subject_key: string; n: string }>(
    `select rule_id, subject_key, count(*) as n from findings group by all having count(*) > 1 order by 1, 2 limit 5`,
    undefined,
    'leads: duplicate check',
  );
  if (dup.length) {
    throw new InternalError(
      `assembleLeads: a rule emitted more than one finding per subject_key: ${dup.map((d) => `${d.rule_id}/${d.subject_key} ×${d.n}`).join(', ')}`,
    );
  }

  await db.run(
    `insert into leads
     with f as (
         select f.*, m.rule_name, m.category, coalesce(f.severity, m.severity) as sev
         from findings as f join _x_rule_meta as m using (rule_id)
     ),
     by_subject as (
         select subject_key, list(distinct rule_id) as rules from f group by subject_key
     ),
     by_household as (
         select household_key, list(distinct rule_id) as rules from f where household_key is not null group by household_key
     ),
     corroborated as (
         select f.*, len(list_distinct(list_concat(s.rules, coalesce(h.rules, [])))) as n_rules
         from f
         join by_subject as s using (subject_key)
         left join by_household as h using (household_key)
     )
     select
         ${leadIdSql('rule_id', 'subject_key')} as lead_id,
         rule_id, rule_name, category, sev as severity,
         ${scoreSql('sev', 'amount', 'n_rules')} as score,
         town, village, unit, subject_key, subject_name, household_key,
         amount, period_start, period_end, description,
         coalesce(evidence, '[]') as evidence
     from corroborated
     order by score desc, lead_id`,
    undefined,
    'assemble leads',
  );
  const n = await db.scalar<string>(`select count(*) from leads`, undefined, 'count leads');
  return { leads: Number(n) };
}
