/**
 * Runs the selected rules: each rule's SQL with its bound parameters is materialized once into a work table,
 * checked against the finding shape (STYLE §8.2), and appended to `findings` (rule_id + finding columns). One
 * `rule_runs` row per rule, skipped ones included, records what ran with which parameter values.
 *
 * Decisions a newcomer may question:
 *  - Every canonical table is created empty when it has no source, so a rule can read an optional table
 *    (relation, kin_filing, person) without the run failing; "given" means "non-empty" inside rule SQL.
 *  - A rule's `evidence` may be a LIST of structs (the `xc_evidence` macro) or JSON/VARCHAR text; it is stored
 *    as JSON text. A rule may return a `severity` column to mark variant findings (e.g. a medium heuristic).
 *  - SQL failures of a custom rule are the analyst's to fix (UserError naming the file); of a built-in rule,
 *    ours (InternalError).
 *  - Rules run in the sandbox (db/sandbox.ts): runRules locks the instance itself when its caller has not, so no
 *    code path runs rule SQL with file, network, extension or settings access. A rule reaching for a file is a
 *    UserError of its own (`rule.sandbox`) naming the rule file.
 *  - Each rule has a wall-clock limit (engine.rule_timeout): when it passes, the query is cancelled with
 *    connection.interrupt() — DuckDB stops at its next check, the connection stays usable — and the run fails
 *    with `rule.timeout` naming the rule file and the limit. An AbortSignal cancels the same way.
 */
import { relative } from 'node:path';
import { VARCHAR } from '@duckdb/node-api';
import type { Db } from '../db/connection.js';
import { enterSandbox } from '../db/sandbox.js';
import { InternalError, UserError, diag } from '../errors.js';
import type { RulesConfig } from '../config/types.js';
import { CANONICAL_TABLE_NAMES, createTableSql } from '../schema/canonical-tables.js';
import { PROJECT_ROOT } from './catalog.js';
import { bindValues, resolveParams } from './params.js';
import { scanSql } from './sql-scan.js';
import { FINDING_COLUMNS, SEVERITIES, type ParamValue, type RuleDefinition, type RuleRunSummary, type RuleSelection, type SkippedRule } from './types.js';

export const FINDINGS_DDL = `create or replace table findings (
  rule_id VARCHAR, subject_key VARCHAR, subject_name VARCHAR, household_key VARCHAR, town VARCHAR, village VARCHAR,
  unit VARCHAR, amount DECIMAL(18,2), period_start DATE, period_end DATE, description VARCHAR, evidence VARCHAR,
  severity VARCHAR)`;

export const RULE_RUNS_DDL = `create or replace table rule_runs (
  rule_id VARCHAR, rule_name VARCHAR, category VARCHAR, severity VARCHAR, tables JSON, params JSON, param_specs JSON,
  method VARCHAR, why VARCHAR, exclusions JSON, source_file VARCHAR, status VARCHAR, note VARCHAR, leads INTEGER,
  seconds DOUBLE, optional_tables JSON, assumptions JSON, variants JSON)`;

const WORK_TABLE = '_x_rule_out';

export interface RunRulesOptions {
  /** progress callback, called before each rule runs (i is 0-based) */
  onRule?(id: string, i: number, n: number): void;
  /** rules the selection skipped: recorded in rule_runs with status 'skipped' */
  skipped?: SkippedRule[];
  /** wall-clock limit per rule in seconds (default DEFAULT_RULE_TIMEOUT); the key named in messages */
  timeoutSeconds?: number;
  timeoutKey?: string;
  /** cancels the running rule (connection.interrupt) and fails the run */
  signal?: AbortSignal;
}

/**
 * Default per-rule limit. The slowest built-in rule takes a few seconds on a county and well under a minute at
 * bench scale 10 (≈ 1M people, 12M payouts); ten minutes leaves room for a slow machine and heavy custom rules
 * while a runaway rule (a cross join) still ends the run the same hour.
 */
export const DEFAULT_RULE_TIMEOUT = 600;

/** Path shown to users: relative to the project for built-ins, as given for custom rules. */
export function ruleSourcePath(rule: RuleDefinition): string {
  return rule.builtin ? relative(PROJECT_ROOT, rule.file).split('\\').join('/') : rule.file;
}

/** Creates every canonical table that does not exist yet (empty, typed). */
export async function ensureCanonicalTables(db: Db): Promise<void> {
  for (const t of CANONICAL_TABLE_NAMES) await db.run(createTableSql(t, { ifNotExists: true }), undefined, `create table ${t}`);
}

/** The rule SQL runs wrapped as `create … as (\n<sql>\n)`: the lines the wrapper adds before the rule's first line. */
const WRAP_PREFIX = `create or replace temp table ${WORK_TABLE} as (\n`;
const WRAP_LINES = WRAP_PREFIX.split('\n').length - 1;

/**
 * DuckDB's `LINE n:` counts lines of the statement it was given, i.e. of the wrapped rule SQL. The rule SQL keeps
 * the file's line numbers (the header is blanked, not removed), so the file line is n minus the wrapper's lines.
 * Rewrites every `LINE n:` to the file line (keeping the caret under the same character) and returns the first.
 */
export function toFileLines(engineMessage: string): { message: string; line?: number } {
  let first: number | undefined;
  const lines = engineMessage.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^LINE (\d+):/.exec(lines[i]);
    if (!m) continue;
    const fileLine = Math.max(1, Number(m[1]) - WRAP_LINES);
    first ??= fileLine;
    const shift = String(fileLine).length - m[1].length;
    lines[i] = `LINE ${fileLine}:` + lines[i].slice(m[0].length);
    const caret = lines[i + 1];
    if (caret !== undefined && /^\s*\^\s*$/.test(caret)) {
      lines[i + 1] = shift >= 0 ? ' '.repeat(shift) + caret : caret.slice(Math.min(-shift, caret.length - caret.trimStart().length));
    }
  }
  return { message: lines.join('\n'), line: first };
}

function ruleFailure(rule: RuleDefinition, engineMessage: string): Error {
  const { message: msg, line } = toFileLines(engineMessage.replace(/\s+$/, ''));
  const where = line != null ? `${ruleSourcePath(rule)}:${line}` : ruleSourcePath(rule);
  if (/^Permission Error:|disabled by configuration|configuration has been locked|external extensions is disabled/i.test(msg)) {
    // the sandbox refused a file/network/extension/settings access: never the data's fault, always the rule's
    const zh = `规则 ${rule.id} 试图访问文件、网络、扩展或设置，已被沙箱拒绝：${msg}。规则只能查询本次运行数据库中的标准表。`;
    const en = `Rule ${rule.id} tried to access files, the network, extensions or settings, which the rule sandbox refuses: ${msg}. Rules may only query the run database's tables.`;
    if (rule.builtin) return new InternalError(`${en} (${ruleSourcePath(rule)})`);
    return new UserError(
      diag('rule.sandbox', zh, en, { file: rule.file }, '删除 read_csv、read_text、glob、COPY、ATTACH 等读写文件或设置的语句；需要的数据请作为流水线的数据源载入。Load extra data as a pipeline source instead.'),
    );
  }
  if (rule.builtin) {
    return new InternalError(`rule ${rule.id} failed: ${msg} (${where})`);
  }
  const lineZh = line != null ? `（规则文件第 ${line} 行）` : '';
  const lineEn = line != null ? ` (line ${line} of the rule file)` : '';
  return new UserError(
    diag(
      'rule.sql_error',
      `自定义规则 ${rule.id} 的 SQL 执行出错${lineZh}：${msg}`,
      `Custom rule ${rule.id} failed${lineEn}: ${msg}`,
      { file: rule.file, ...(line != null ? { line } : {}) },
      '检查 SQL 中的表名、列名（标准表及列见 src/schema/canonical-tables.ts）和参数。Check table/column names and parameters.',
    ),
  );
}

function shapeFailure(rule: RuleDefinition, zh: string, en: string): Error {
  if (rule.builtin) return new InternalError(`rule ${rule.id}: ${en} (${ruleSourcePath(rule)})`);
  return new UserError(diag('rule.bad_output', `规则 ${rule.id}：${zh}`, `Rule ${rule.id}: ${en}`, { file: rule.file }));
}

/** Executes the rule SQL into the work table with its parameters bound. */
async function materialize(db: Db, rule: RuleDefinition, values: Record<string, ParamValue>): Promise<void> {
  const used = scanSql(rule.sql).params.map((p) => p.name);
  const bound = bindValues(rule, values, used);
  let stmt;
  try {
    stmt = await db.connection.prepare(`${WRAP_PREFIX}${rule.sql}\n)`);
    if (used.length) stmt.bind(bound.values, bound.types);
    await stmt.run();
  } catch (e) {
    throw ruleFailure(rule, e instanceof Error ? e.message : String(e));
  } finally {
    stmt?.destroySync();
  }
}

function columnExpr(col: string, type: string | undefined): string {
  if (!type) return 'NULL';
  switch (col) {
    case 'amount':
      return `cast(round("amount", 2) as DECIMAL(18,2))`;
    case 'period_start':
    case 'period_end':
      return `cast("${col}" as DATE)`;
    case 'evidence':
      return type === 'VARCHAR' || type === 'JSON' ? `cast("evidence" as VARCHAR)` : `cast(to_json("evidence") as VARCHAR)`;
    default:
      return `cast("${col}" as VARCHAR)`;
  }
}

async function appendFindings(db: Db, rule: RuleDefinition): Promise<number> {
  const cols = await db.all<{ column_name: string; data_type: string }>(
    `select column_name, data_type from information_schema.columns where table_name = $t and table_schema = 'main' and table_catalog = 'temp' order by ordinal_position`,
    { t: WORK_TABLE },
    `rule ${rule.id}: describe output`,
  );
  const types = new Map(cols.map((c) => [c.column_name, c.data_type]));
  const unknown = cols.map((c) => c.column_name).filter((c) => !(FINDING_COLUMNS as readonly string[]).includes(c));
  if (unknown.length) {
    throw shapeFailure(
      rule,
      `最后的 select 返回了未知列 ${unknown.join(', ')}；允许的列：${FINDING_COLUMNS.join(', ')}`,
      `its final select returns unknown column(s) ${unknown.join(', ')}; allowed: ${FINDING_COLUMNS.join(', ')}`,
    );
  }
  if (!types.has('subject_key')) {
    throw shapeFailure(rule, `最后的 select 必须返回 subject_key 列`, `its final select must return a subject_key column`);
  }
  const bad = await db.all<{ problem: string; subject_key: string | null }>(
    `select 'null' as problem, null as subject_key from ${WORK_TABLE} where subject_key is null
     union all
     select 'duplicate', cast(subject_key as VARCHAR) from ${WORK_TABLE} where subject_key is not null group by subject_key having count(*) > 1
     ${types.has('severity') ? `union all select 'severity', cast(severity as VARCHAR) from ${WORK_TABLE} where severity is not null and cast(severity as VARCHAR) not in ('high', 'medium', 'low')` : ''}
     limit 5`,
    undefined,
    `rule ${rule.id}: check output`,
  );
  if (bad.length) {
    const b = bad[0];
    if (b.problem === 'null') throw shapeFailure(rule, `subject_key 不能为空`, `subject_key must not be NULL`);
    if (b.problem === 'duplicate')
      throw shapeFailure(
        rule,
        `每个 subject_key 只能输出一行，"${b.subject_key}" 出现多次`,
        `one row per subject_key is required; "${b.subject_key}" occurs more than once`,
      );
    throw shapeFailure(rule, `severity 只能为 ${SEVERITIES.join('/')}，实际为 "${b.subject_key}"`, `severity must be one of ${SEVERITIES.join('/')}, got "${b.subject_key}"`);
  }
  const select = FINDING_COLUMNS.map((c) => columnExpr(c, types.get(c))).join(', ');
  await db.run(
    `insert into findings (rule_id, ${FINDING_COLUMNS.join(', ')}) select $rule_id, ${select} from ${WORK_TABLE}`,
    { rule_id: rule.id },
    `rule ${rule.id}: append findings`,
  );
  const n = await db.scalar<string>(`select count(*) from ${WORK_TABLE}`, undefined, `rule ${rule.id}: count`);
  await db.run(`drop table if exists temp.${WORK_TABLE}`, undefined, 'drop work table');
  return Number(n);
}

/**
 * One rule_runs row: what ran with which values, and the rule's whole header (method, why, exclusions, assumptions,
 * variants, tables, parameter specs), so `xuncha report` / `review` rebuild the 说明 sheet and the report's method
 * section from the database alone, never from rule files that may have moved since.
 */
export async function recordRun(db: Db, rule: RuleDefinition, s: RuleRunSummary): Promise<void> {
  const stmt = await db.connection.prepare(
    `insert into rule_runs values ($rule_id, $rule_name, $category, $severity, $tables::JSON, $params::JSON, $param_specs::JSON,
       $method, $why, $exclusions::JSON, $source_file, $status, $note, $leads::INTEGER, $seconds::DOUBLE,
       $optional_tables::JSON, $assumptions::JSON, $variants::JSON)`,
  );
  try {
    const values = {
      rule_id: rule.id,
      rule_name: rule.name,
      category: rule.category,
      severity: rule.severity,
      tables: JSON.stringify(rule.tables),
      params: JSON.stringify(s.params),
      param_specs: JSON.stringify(rule.params),
      method: rule.method,
      why: rule.why,
      exclusions: JSON.stringify(rule.exclusions),
      source_file: ruleSourcePath(rule),
      status: s.status,
      note: s.note ?? null,
      leads: String(s.leads),
      seconds: String(s.seconds),
      optional_tables: JSON.stringify(rule.optionalTables),
      assumptions: JSON.stringify(rule.assumptions),
      variants: JSON.stringify(rule.variants),
    };
    const types = Object.fromEntries(Object.keys(values).map((k) => [k, VARCHAR]));
    stmt.bind(values, types);
    await stmt.run();
  } catch (e) {
    throw new InternalError(`recording rule run ${rule.id} failed: ${(e as Error).message}`);
  } finally {
    stmt.destroySync();
  }
}

function timeoutFailure(rule: RuleDefinition, seconds: number, key: string): Error {
  const zh = `规则 ${rule.id} 运行超过 ${seconds} 秒的时限，已取消。若数据量确实很大，可在流水线 engine: 下调大 ${key.replace(/^engine\./, '')}；若是自定义规则，请检查是否有未加条件的连接（笛卡尔积）。`;
  const en = `Rule ${rule.id} ran longer than its ${seconds} s limit and was cancelled. Raise ${key} in the pipeline if the data is really that large; in a custom rule, look for a join without a condition.`;
  return new UserError(diag('rule.timeout', zh, en, { file: rule.builtin ? ruleSourcePath(rule) : rule.file, key }));
}

/**
 * Runs f with the rule's time limit: a timer (or the abort signal) interrupts the connection; the interrupted
 * query then fails, and that failure is reported as the timeout / cancellation, whatever DuckDB's wording.
 */
async function withTimeLimit<T>(db: Db, rule: RuleDefinition, opts: RunRulesOptions, f: () => Promise<T>): Promise<T> {
  const seconds = opts.timeoutSeconds ?? DEFAULT_RULE_TIMEOUT;
  let why: 'timeout' | 'abort' | null = null;
  const stop = (w: 'timeout' | 'abort') => {
    if (why) return;
    why = w;
    db.connection.interrupt();
  };
  if (opts.signal?.aborted) stop('abort');
  const timer = seconds > 0 && Number.isFinite(seconds) ? setTimeout(() => stop('timeout'), seconds * 1000) : null;
  const onAbort = () => stop('abort');
  opts.signal?.addEventListener('abort', onAbort);
  try {
    const out = await f();
    if (why === 'abort') throw cancelled(rule);
    return out;
  } catch (e) {
    if (why === 'timeout') throw timeoutFailure(rule, seconds, opts.timeoutKey ?? 'engine.rule_timeout');
    if (why === 'abort') throw cancelled(rule);
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function cancelled(rule: RuleDefinition): Error {
  return new UserError(diag('rule.cancelled', `规则 ${rule.id} 运行时被取消。`, `Rule ${rule.id} was cancelled while running.`, { file: rule.builtin ? ruleSourcePath(rule) : rule.file }));
}

/**
 * Runs `selected` (or a whole RuleSelection: its selected rules, and its skipped ones recorded as 'skipped').
 * Replaces the `findings` and `rule_runs` tables.
 */
export async function runRules(
  db: Db,
  selection: RuleDefinition[] | RuleSelection,
  rules: RulesConfig,
  opts: RunRulesOptions = {},
): Promise<RuleRunSummary[]> {
  const selected = Array.isArray(selection) ? selection : selection.selected;
  const skipped = opts.skipped ?? (Array.isArray(selection) ? [] : selection.skipped);
  // Parameters of every rule are checked before any SQL runs (selectRules normally did this already).
  const problems = [];
  const resolved = new Map<string, Record<string, ParamValue>>();
  for (const rule of selected) {
    const r = resolveParams(rule, rules.params?.[rule.id], () => ({ key: `rules.params.${rule.id}` }));
    problems.push(...r.diagnostics);
    resolved.set(rule.id, r.values);
  }
  if (problems.length) throw new UserError(problems);

  await ensureCanonicalTables(db);
  await enterSandbox(db);
  await db.run(FINDINGS_DDL, undefined, 'create findings');
  await db.run(RULE_RUNS_DDL, undefined, 'create rule_runs');

  const summaries: RuleRunSummary[] = [];
  for (let i = 0; i < selected.length; i++) {
    const rule = selected[i];
    opts.onRule?.(rule.id, i, selected.length);
    const t0 = performance.now();
    const values = resolved.get(rule.id)!;
    const leads = await withTimeLimit(db, rule, opts, async () => {
      await materialize(db, rule, values);
      return appendFindings(db, rule);
    });
    const seconds = Math.round((performance.now() - t0) / 1000 * 1000) / 1000;
    const s: RuleRunSummary = {
      rule_id: rule.id,
      rule_name: rule.name,
      category: rule.category,
      severity: rule.severity,
      status: 'ran',
      leads,
      seconds,
      params: values,
      file: ruleSourcePath(rule),
    };
    await recordRun(db, rule, s);
    summaries.push(s);
  }
  for (const sk of skipped) {
    const rule = sk.rule;
    const s: RuleRunSummary = {
      rule_id: rule.id,
      rule_name: rule.name,
      category: rule.category,
      severity: rule.severity,
      status: 'skipped',
      leads: 0,
      seconds: 0,
      params: resolveParams(rule, rules.params?.[rule.id]).values,
      file: ruleSourcePath(rule),
      note: sk.reason_zh,
    };
    await recordRun(db, rule, s);
    summaries.push(s);
  }
  return summaries;
}
