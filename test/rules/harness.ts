/**
 * The rule case harness (STYLE §8.4). A `<rule_id>.test.yaml` beside a rule file holds named cases:
 *
 *   rule: deceased_payment
 *   cases:
 *     flags_payment_long_after_death:
 *       params: { grace_days: 0 }          # optional overrides
 *       given:  { death: [{…}], subsidy: [{…}] }
 *       expect: [{ subject_key: DEAD-1, amount: 100.00 }]   # [] = no finding
 *
 * Every case starts from ALL canonical tables, empty and typed (createTableSql), with the shared macros
 * installed; only the given rows are inserted: unspecified columns are NULL, `id_valid` defaults to true,
 * `_source_file` to 'fixture' and `_source_row` to the row's 1-based position in its list. The rule runs through
 * the production `runRules` path with params merged from defaults + the case. Only the columns named in
 * `expect` are compared, order-insensitively (matched by subject_key); money is compared as exact decimals.
 *
 * Special expect keys: `evidence: [{table, source_row, …}]` — the lead's evidence items, matched partially and
 * order-insensitively (same count); `description_contains: text`; `severity` is the effective severity (a
 * variant's override, else the header's).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Db } from '../../src/db/connection.js';
import { installMacros } from '../../src/normalize/macros.js';
import { CANONICAL_TABLE_NAMES, canonicalColumns, createTableSql, isCanonicalTable, type CanonicalTableName } from '../../src/schema/canonical-tables.js';
import { BUILTIN_RULE_DIR } from '../../src/rules/catalog.js';
import { parseRuleFile } from '../../src/rules/parse-rule-file.js';
import { runRules } from '../../src/rules/run-rules.js';
import type { RuleDefinition } from '../../src/rules/types.js';

export type Row = Record<string, unknown>;

export interface RuleCase {
  name: string;
  params?: Record<string, unknown>;
  given: Partial<Record<CanonicalTableName, Row[]>>;
  expect: Row[];
}

export interface CaseFile {
  file: string;
  ruleId: string;
  ruleFile: string;
  cases: RuleCase[];
}

/** All `*.test.yaml` files under a folder, sorted. */
export function findCaseFiles(dir: string = BUILTIN_RULE_DIR): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.test.yaml')) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

export function loadCaseFile(file: string): CaseFile {
  const doc = parseYaml(readFileSync(file, 'utf8')) as { rule?: string; rule_file?: string; cases?: Record<string, Omit<RuleCase, 'name'>> };
  if (!doc || typeof doc.rule !== 'string') throw new Error(`${file}: missing "rule:"`);
  if (!doc.cases || typeof doc.cases !== 'object') throw new Error(`${file}: missing "cases:"`);
  const ruleFile = join(dirname(file), doc.rule_file ?? `${doc.rule}.sql`);
  const cases: RuleCase[] = Object.entries(doc.cases).map(([name, c]) => {
    if (!c || typeof c !== 'object') throw new Error(`${file}: case ${name} is not a mapping`);
    const unknown = Object.keys(c).filter((k) => !['params', 'given', 'expect'].includes(k));
    if (unknown.length) throw new Error(`${file}: case ${name} has unknown key(s) ${unknown.join(', ')}`);
    if (!Array.isArray(c.expect)) throw new Error(`${file}: case ${name} needs "expect:" (a list; [] for no finding)`);
    return { name, params: c.params, given: c.given ?? {}, expect: c.expect };
  });
  return { file, ruleId: doc.rule, ruleFile, cases };
}

export function loadRuleForCases(cf: CaseFile, builtin = true): RuleDefinition {
  return parseRuleFile(cf.ruleFile, readFileSync(cf.ruleFile, 'utf8'), { builtin });
}

/** A database with the macros installed; reuse it across cases of one test file. */
export async function openCaseDb(): Promise<Db> {
  const db = await Db.open(':memory:', { threads: 1 });
  await installMacros(db);
  return db;
}

function toText(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Recreates every canonical table empty and inserts the given rows. */
export async function loadGiven(db: Db, given: RuleCase['given']): Promise<void> {
  for (const t of CANONICAL_TABLE_NAMES) await db.run(createTableSql(t, { orReplace: true }));
  for (const [table, rows] of Object.entries(given ?? {})) {
    if (!isCanonicalTable(table)) throw new Error(`given: unknown table "${table}" (canonical: ${CANONICAL_TABLE_NAMES.join(', ')})`);
    const cols = canonicalColumns(table);
    const types = new Map(cols.map((c) => [c.name, c.sqlType]));
    (rows ?? []).forEach((row, i) => {
      for (const k of Object.keys(row)) {
        if (!types.has(k)) throw new Error(`given.${table}[${i}]: unknown column "${k}" (columns: ${cols.map((c) => c.name).join(', ')})`);
      }
    });
    let pos = 0;
    for (const row of rows ?? []) {
      pos++;
      const r: Row = { ...row };
      if (types.has('id_valid') && !('id_valid' in r)) r.id_valid = true;
      if (!('_source_file' in r)) r._source_file = 'fixture';
      if (!('_source_row' in r)) r._source_row = pos;
      const names = Object.keys(r);
      const params: Record<string, string | null> = {};
      names.forEach((n, j) => (params[`p${j}`] = toText(r[n])));
      await db.run(
        `insert into "${table}" (${names.map((n) => `"${n}"`).join(', ')}) values (${names.map((n, j) => `cast($p${j} as ${types.get(n)})`).join(', ')})`,
        params,
        `given ${table}`,
      );
    }
  }
}

/** Runs one rule through the production path; returns the findings with the effective severity. */
export async function runCase(db: Db, rule: RuleDefinition, c: Pick<RuleCase, 'given' | 'params'>): Promise<Row[]> {
  await loadGiven(db, c.given);
  await runRules(db, [rule], { include: ['all'], exclude: [], params: c.params ? { [rule.id]: c.params } : {}, custom: [] });
  return db.all<Row>(`select * replace (coalesce(severity, $sev) as severity) from findings order by subject_key`, { sev: rule.severity });
}

function toCents(v: unknown): bigint | null {
  if (v == null) return null;
  const s = String(v).trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return null;
  const frac = (m[3] ?? '').padEnd(2, '0');
  if (frac.length > 2 && /[^0]/.test(frac.slice(2))) return null; // more precision than cents: never equal
  const cents = BigInt(m[2]) * 100n + BigInt(frac.slice(0, 2));
  return m[1] ? -cents : cents;
}

const MONEY_COLUMNS = new Set(['amount']);

function looseEqual(actual: unknown, expected: unknown): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => looseEqual(actual[i], e));
  if (typeof expected === 'object') {
    if (typeof actual !== 'object') return false;
    return Object.entries(expected as Row).every(([k, v]) => looseEqual((actual as Row)[k], v));
  }
  if (typeof expected === 'number' && (typeof actual === 'number' || typeof actual === 'string')) return Number(actual) === expected;
  return String(actual) === String(expected);
}

function matchEvidence(actualJson: unknown, expected: unknown): string | null {
  if (!Array.isArray(expected)) return `evidence: expected a list of partial items`;
  let items: Row[];
  try {
    items = typeof actualJson === 'string' ? JSON.parse(actualJson) : (actualJson as Row[]);
  } catch {
    return `evidence is not JSON: ${String(actualJson).slice(0, 200)}`;
  }
  if (!Array.isArray(items)) return `evidence is not a JSON array`;
  if (items.length !== expected.length) return `evidence has ${items.length} item(s), expected ${expected.length}: ${JSON.stringify(items)}`;
  const used = new Set<number>();
  for (const e of expected) {
    const k = items.findIndex((it, i) => !used.has(i) && looseEqual(it, e));
    if (k < 0) return `evidence item ${JSON.stringify(e)} not found in ${JSON.stringify(items)}`;
    used.add(k);
  }
  return null;
}

/** Compares one actual finding to an expected partial row; returns the mismatches. */
export function diffRow(actual: Row, expected: Row): string[] {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(expected)) {
    if (k === 'evidence') {
      const p = matchEvidence(actual.evidence, v);
      if (p) problems.push(p);
    } else if (k === 'description_contains') {
      if (!String(actual.description ?? '').includes(String(v))) problems.push(`description ${JSON.stringify(actual.description)} does not contain ${JSON.stringify(v)}`);
    } else if (!(k in actual)) {
      problems.push(`unknown column "${k}" in expect`);
    } else if (MONEY_COLUMNS.has(k)) {
      const a = toCents(actual[k]);
      const e = toCents(v);
      if (a !== e || (a === null && (actual[k] != null || v != null))) problems.push(`${k}: got ${actual[k]}, expected ${v}`);
    } else if (!looseEqual(actual[k], v)) {
      problems.push(`${k}: got ${JSON.stringify(actual[k])}, expected ${JSON.stringify(v)}`);
    }
  }
  return problems;
}

/** Order-insensitive comparison of findings with the expected rows; empty result = pass. */
export function compareFindings(actual: Row[], expected: Row[]): string[] {
  const show = () => `\nactual findings:\n${actual.map((r) => '  ' + JSON.stringify(r)).join('\n') || '  (none)'}`;
  if (actual.length !== expected.length) return [`expected ${expected.length} finding(s), got ${actual.length}${show()}`];
  const problems: string[] = [];
  const used = new Set<number>();
  for (const e of expected) {
    let k = -1;
    if ('subject_key' in e) k = actual.findIndex((a, i) => !used.has(i) && String(a.subject_key) === String(e.subject_key));
    else k = actual.findIndex((a, i) => !used.has(i) && diffRow(a, e).length === 0);
    if (k < 0) {
      problems.push(`no finding matches ${JSON.stringify(e)}${show()}`);
      continue;
    }
    used.add(k);
    const d = diffRow(actual[k], e);
    if (d.length) problems.push(`finding ${actual[k].subject_key}: ${d.join('; ')}`);
  }
  return problems;
}
