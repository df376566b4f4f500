/**
 * Reading `rule_runs` back: the one description of each rule a run used (its whole header plus the parameter values
 * and outcome). The XLSX 说明 sheet and the report's method section are built from this alone, so `xuncha report`
 * and `xuncha review` never re-read rule files (a custom rule file may have moved or changed since the run).
 * Databases written before the header columns existed (optional_tables, assumptions, variants) read as empty lists.
 */
import type { Db } from '../db/connection.js';
import { BUILTIN_CATEGORIES, type ParamSpec, type ParamValue, type RuleVariant } from './types.js';

export interface RuleRunInfo {
  rule_id: string;
  rule_name: string;
  category: string;
  severity: string;
  tables: string[];
  optional_tables: string[];
  params: Record<string, ParamValue>;
  param_specs: Record<string, ParamSpec>;
  method: string;
  why: string;
  exclusions: string[];
  assumptions: string[];
  variants: RuleVariant[];
  source_file: string;
  status: 'ran' | 'skipped';
  note: string | null;
  leads: number;
  seconds: number | null;
}

const CATEGORY_ORDER = new Map<string, number>(BUILTIN_CATEGORIES.map((c, i) => [c, i]));

/** Catalog order (as compareRules): built-in categories first, then by category, then by id. */
export function compareRuleRuns(a: { category: string; rule_id: string }, b: { category: string; rule_id: string }): number {
  const ca = CATEGORY_ORDER.get(a.category) ?? 99;
  const cb = CATEGORY_ORDER.get(b.category) ?? 99;
  if (ca !== cb) return ca - cb;
  if (a.category !== b.category) return a.category < b.category ? -1 : 1;
  return a.rule_id < b.rule_id ? -1 : a.rule_id > b.rule_id ? 1 : 0;
}

function parse<T>(text: unknown, fallback: T): T {
  if (text == null || text === '') return fallback;
  try {
    const v = JSON.parse(String(text)) as unknown;
    return (v ?? fallback) as T;
  } catch {
    return fallback;
  }
}

function list(text: unknown): string[] {
  const v = parse<unknown>(text, []);
  return Array.isArray(v) ? v.map((x) => String(x)) : [String(v)];
}

export async function readRuleRuns(db: Db): Promise<RuleRunInfo[]> {
  if (!(await db.tableExists('rule_runs'))) return [];
  const present = new Set(
    (
      await db.all<{ column_name: string }>(
        `select column_name from information_schema.columns where table_schema = 'main' and table_name = 'rule_runs'`,
        undefined,
        'rule_runs columns',
      )
    ).map((c) => c.column_name),
  );
  const col = (name: string, json = false) => (present.has(name) ? (json ? `cast("${name}" as varchar)` : `"${name}"`) : 'NULL') + ` as "${name}"`;
  const rows = await db.all<Record<string, unknown>>(
    `select ${[
      col('rule_id'),
      col('rule_name'),
      col('category'),
      col('severity'),
      col('tables', true),
      col('optional_tables', true),
      col('params', true),
      col('param_specs', true),
      col('method'),
      col('why'),
      col('exclusions', true),
      col('assumptions', true),
      col('variants', true),
      col('source_file'),
      col('status'),
      col('note'),
      col('leads'),
      col('seconds'),
    ].join(', ')} from rule_runs`,
    undefined,
    'read rule_runs',
  );
  const out = rows.map(
    (r): RuleRunInfo => ({
      rule_id: String(r.rule_id ?? ''),
      rule_name: String(r.rule_name ?? r.rule_id ?? ''),
      category: String(r.category ?? ''),
      severity: String(r.severity ?? ''),
      tables: list(r.tables),
      optional_tables: list(r.optional_tables),
      params: parse<Record<string, ParamValue>>(r.params, {}),
      param_specs: parse<Record<string, ParamSpec>>(r.param_specs, {}),
      method: String(r.method ?? ''),
      why: String(r.why ?? ''),
      exclusions: list(r.exclusions),
      assumptions: list(r.assumptions),
      variants: parse<RuleVariant[]>(r.variants, []),
      source_file: String(r.source_file ?? ''),
      status: r.status === 'skipped' ? 'skipped' : 'ran',
      note: r.note == null ? null : String(r.note),
      leads: Number(r.leads ?? 0),
      seconds: r.seconds == null ? null : Number(r.seconds),
    }),
  );
  return out.sort(compareRuleRuns);
}
