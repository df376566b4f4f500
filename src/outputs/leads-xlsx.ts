/**
 * leads.xlsx (SPEC §2.3): the teams' working list. Sheets: 线索清单 (every lead), one sheet per category, and
 * 说明 (each rule's method, parameters used, exclusions and assumptions, from the rule headers + rule_runs).
 * Empty 核查状态 / 核查结果 / 核查人 columns are left for the teams to fill.
 *
 * Security and fidelity: every cell that comes from the data is written as a text cell (never a formula, so a
 * value like `=cmd|…` is inert; ID numbers stay exact text instead of 1.1E+17); amounts and scores are numbers.
 * Written with the exceljs streaming writer, rows streamed from DuckDB chunk by chunk (bounded memory at 100k+).
 */
import { cleanRow } from './clean-text.js';
import ExcelJS from 'exceljs';
import type { Db } from '../db/connection.js';
import { InternalError } from '../errors.js';
import { LEAD_COLUMNS } from '../leads/assemble.js';
import { compareRules } from '../rules/catalog.js';
import { CATEGORY_ZH, SEVERITY_ZH, type ParamValue, type RuleDefinition, type Severity } from '../rules/types.js';
import { TABLES, isCanonicalTable } from '../schema/canonical-tables.js';

export const LEAD_HEADERS_ZH: Record<(typeof LEAD_COLUMNS)[number], string> = {
  lead_id: '线索编号',
  rule_id: '规则编号',
  rule_name: '规则名称',
  category: '问题类别',
  severity: '严重程度',
  score: '评分',
  town: '乡镇(街道)',
  village: '村(社区)',
  unit: '单位',
  subject_key: '对象标识',
  subject_name: '对象名称',
  household_key: '家庭标识(户号)',
  amount: '涉及金额(元)',
  period_start: '起始日期',
  period_end: '截止日期',
  description: '线索描述',
  evidence: '证据(来源文件及行号)',
};

export const REVIEW_HEADERS_ZH = ['核查状态', '核查结果', '核查人'] as const;

const WIDTHS: Record<string, number> = {
  lead_id: 18, rule_id: 22, rule_name: 26, category: 14, severity: 8, score: 6, town: 12, village: 12, unit: 18,
  subject_key: 22, subject_name: 12, household_key: 18, amount: 14, period_start: 11, period_end: 11,
  description: 70, evidence: 70,
};

const MAX_CELL = 32000; // Excel's limit is 32,767 characters per cell

/** Sheet name for a category: Chinese, without the characters Excel forbids (\ / ? * [ ] :), ≤ 31 chars. */
export function categorySheetName(category: string): string {
  return (CATEGORY_ZH[category] ?? category).replace(/[\\/?*[\]:]/g, '-').slice(0, 31);
}

function fieldLabel(table: string, field: string): string {
  if (isCanonicalTable(table)) {
    const f = TABLES[table].fields.find((x) => x.name === field);
    if (f) return f.zh;
  }
  return field;
}

/** Evidence JSON → one readable line per record: `[补贴发放明细] 文件 第12行：发放日期=2023-03-01，发放金额=100`. */
export function evidenceText(json: string | null): string {
  if (!json) return '';
  let items: { table?: string; source_file?: string; source_row?: number; fields?: Record<string, unknown> }[];
  try {
    items = JSON.parse(json);
  } catch {
    return json.slice(0, MAX_CELL);
  }
  if (!Array.isArray(items)) return json.slice(0, MAX_CELL);
  const lines: string[] = [];
  let len = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i] ?? {};
    const table = String(it.table ?? '');
    const tzh = isCanonicalTable(table) ? TABLES[table].zh : table;
    const fields = Object.entries(it.fields ?? {})
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${fieldLabel(table, k)}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join('，');
    const line = `[${tzh}] ${it.source_file ?? ''} 第${it.source_row ?? '?'}行${fields ? '：' + fields : ''}`;
    if (len + line.length + 1 > MAX_CELL - 40) {
      lines.push(`……（共${items.length}条，其余${items.length - i}条见 leads.csv）`);
      break;
    }
    lines.push(line);
    len += line.length + 1;
  }
  return lines.join('\n');
}

type Cell = string | number | null;

function leadRow(r: Record<string, unknown>): Cell[] {
  const text = (v: unknown): string => (v == null ? '' : String(v));
  const row: Cell[] = LEAD_COLUMNS.map((c) => {
    const v = r[c];
    switch (c) {
      case 'score':
        return v == null ? null : Number(v);
      case 'amount':
        return v == null ? null : Number(v);
      case 'category':
        return CATEGORY_ZH[text(v)] ?? text(v);
      case 'severity':
        return SEVERITY_ZH[text(v) as Severity] ?? text(v);
      case 'evidence':
        return evidenceText(v == null ? null : String(v));
      default:
        return text(v).slice(0, MAX_CELL);
    }
  });
  return cleanRow([...row, '', '', '']);
}

function addHeader(ws: ExcelJS.Worksheet): void {
  const header = ws.addRow([...LEAD_COLUMNS.map((c) => LEAD_HEADERS_ZH[c]), ...REVIEW_HEADERS_ZH]);
  header.font = { bold: true };
  header.commit();
}

function setupLeadSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, styled: boolean): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [...LEAD_COLUMNS.map((c) => ({ key: c, width: WIDTHS[c] ?? 12 })), ...REVIEW_HEADERS_ZH.map(() => ({ width: 12 }))];
  if (styled) ws.getColumn(LEAD_COLUMNS.indexOf('amount') + 1).numFmt = '#,##0.00';
  addHeader(ws);
  return ws;
}

async function streamLeads(db: Db, where: string, params: Record<string, string>, onRow: (r: Record<string, unknown>) => void): Promise<void> {
  const sql = `select ${LEAD_COLUMNS.map((c) => `"${c}"`).join(', ')} from leads ${where} order by score desc, lead_id`;
  try {
    const prepared = await db.connection.prepare(sql);
    if (Object.keys(params).length) prepared.bind(params);
    const result = await prepared.stream();
    const names = result.columnNames();
    for await (const rows of result.yieldRowsJson()) {
      for (const row of rows) {
        const o: Record<string, unknown> = {};
        names.forEach((n, i) => (o[n] = row[i]));
        onRow(o);
      }
    }
    prepared.destroySync();
  } catch (e) {
    throw new InternalError(`writing leads.xlsx: ${(e as Error).message}`);
  }
}

interface RunInfo {
  params: Record<string, ParamValue> | null;
  status: string | null;
  note: string | null;
  leads: number | null;
}

async function readRuleRuns(db: Db): Promise<Map<string, RunInfo>> {
  const out = new Map<string, RunInfo>();
  if (!(await db.tableExists('rule_runs'))) return out;
  const rows = await db.all<{ rule_id: string; params: string | null; status: string | null; note: string | null; leads: number | null }>(
    `select rule_id, cast(params as varchar) as params, status, note, leads from rule_runs`,
    undefined,
    'read rule_runs',
  );
  for (const r of rows) out.set(r.rule_id, { params: r.params ? JSON.parse(r.params) : null, status: r.status, note: r.note, leads: r.leads });
  return out;
}

function paramText(rule: RuleDefinition, used: Record<string, ParamValue> | null): string {
  const lines = Object.entries(rule.params).map(([name, spec]) => {
    const v = used && name in used ? used[name] : spec.default;
    const show = (x: ParamValue) => (Array.isArray(x) ? (x.length ? x.join('、') : '（空）') : String(x));
    const changed = JSON.stringify(v) !== JSON.stringify(spec.default) ? `（默认 ${show(spec.default)}）` : '';
    return `${name} = ${show(v)}${changed}：${spec.description}`;
  });
  return lines.join('\n') || '（无参数）';
}

/** Above this many leads the workbook is written without styles (bold header, #,##0.00 amounts): styles make
 * exceljs several times slower, and a list that long is filtered in Excel rather than read. */
export const STYLED_MAX_LEADS = 20000;

export async function writeLeadsXlsx(db: Db, file: string, rules: RuleDefinition[]): Promise<{ rows: number }> {
  const total = Number(await db.scalar<string>(`select count(*) from leads`, undefined, 'count leads'));
  const styled = total <= STYLED_MAX_LEADS;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: styled });
  wb.creator = 'xuncha';
  const fixedDate = new Date(Date.UTC(2000, 0, 1));
  wb.created = fixedDate;
  wb.modified = fixedDate;

  let rows = 0;
  const all = setupLeadSheet(wb, '线索清单', styled);
  await streamLeads(db, '', {}, (r) => {
    all.addRow(leadRow(r)).commit();
    rows++;
  });
  all.commit();

  const sortedRules = [...rules].sort(compareRules);
  const categories: string[] = [];
  for (const r of sortedRules) if (!categories.includes(r.category)) categories.push(r.category);
  const leadCategories = await db.all<{ category: string }>(`select distinct category from leads order by 1`, undefined, 'lead categories');
  for (const c of leadCategories) if (!categories.includes(c.category)) categories.push(c.category);
  const usedNames = new Set(['线索清单', '说明']);
  for (const category of categories) {
    let name = categorySheetName(category);
    for (let k = 2; usedNames.has(name); k++) name = `${categorySheetName(category).slice(0, 28)}-${k}`;
    usedNames.add(name);
    const ws = setupLeadSheet(wb, name, styled);
    await streamLeads(db, 'where category = $c', { c: category }, (r) => ws.addRow(leadRow(r)).commit());
    ws.commit();
  }

  const runs = await readRuleRuns(db);
  const info = wb.addWorksheet('说明', { views: [{ state: 'frozen', ySplit: 1 }] });
  info.columns = [12, 24, 26, 14, 8, 24, 60, 40, 50, 50, 60, 10, 10].map((width) => ({ width }));
  const head = info.addRow(['类别', '规则编号', '规则名称', '类别编号', '严重程度', '所需数据表', '方法', '为何关注', '排除情形', '口径与假设', '参数（本次取值）', '运行状态', '线索数']);
  head.font = { bold: true };
  head.commit();
  for (const r of sortedRules) {
    const run = runs.get(r.id);
    const tables = r.tables.map((t) => `${t}（${TABLES[t].zh}）`).join('、') + (r.optionalTables.length ? `；可选：${r.optionalTables.join('、')}` : '');
    const variants = r.variants.map((v) => `变体 ${v.id}（${SEVERITY_ZH[v.severity]}）：${v.description}`);
    const status = run ? (run.status === 'skipped' ? `未运行：${run.note ?? ''}` : '已运行') : '未运行';
    info
      .addRow(cleanRow([
        CATEGORY_ZH[r.category] ?? r.category,
        r.id,
        r.name,
        r.category,
        SEVERITY_ZH[r.severity],
        tables,
        [r.method, ...variants].join('\n'),
        r.why,
        r.exclusions.join('\n'),
        r.assumptions.join('\n'),
        paramText(r, run?.params ?? null),
        status,
        run?.leads ?? 0,
      ]))
      .commit();
  }
  info.addRow([]).commit();
  info
    .addRow([
      '评分',
      '',
      '评分0–100仅用于排序：严重程度（高60/中40/低20）+ 金额（5×log10(1+金额)，最多25）+ 同一对象或同一家庭被其他规则命中（每条+8，最多15）。线索是待核查的疑点，不是结论。',
    ])
    .commit();
  info.commit();
  await wb.commit();
  return { rows };
}
