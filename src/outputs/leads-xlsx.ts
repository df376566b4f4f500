/**
 * leads.xlsx (SPEC §2.3, §2.6): the teams' working paper. Sheets: 线索清单 (every lead), one sheet per category,
 * and 说明 (each rule's method, why, exclusions, assumptions and the parameters used — from `rule_runs` alone, so
 * `xuncha report` rebuilds it without the rule files).
 *
 * Every lead sheet: the SPEC §5 columns (线索编号 first: the key `xuncha review` matches on), then 核查状态 (a
 * drop-down of the status vocabulary), 核查结果, 核查人, 核查日期 (a date column), filled with each lead's current
 * status from `reviews`; after a `--previous` run also 回头看, and leads marked 整改不到位 come first. Autofilter on
 * the header, frozen header row, dates as Excel dates, money as numbers, long text wrapped, and print settings:
 * landscape, fit to page width, header row repeated on every page.
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
import { readRuleRuns, type RuleRunInfo } from '../rules/rule-runs.js';
import { CATEGORY_ZH, SEVERITY_ZH, type ParamValue, type Severity } from '../rules/types.js';
import { TABLES, isCanonicalTable } from '../schema/canonical-tables.js';
import { FOLLOWUP_HEADER_ZH, REVIEW_HEADERS_ZH, REVIEW_STATUSES, currentReviewsSql } from '../review/model.js';

export { REVIEW_HEADERS_ZH } from '../review/model.js';

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


type Cell = string | number | Date | null;

/** 'YYYY-MM-DD' → a Date at UTC midnight (exceljs writes it as that day's Excel serial). */
function excelDate(v: unknown): Date | null {
  if (v == null || v === '') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(v));
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
}

function leadRow(r: Record<string, unknown>, withFollowup: boolean): Cell[] {
  const text = (v: unknown): string => (v == null ? '' : String(v));
  const row: Cell[] = LEAD_COLUMNS.map((c) => {
    const v = r[c];
    switch (c) {
      case 'score':
      case 'amount':
        return v == null ? null : Number(v);
      case 'period_start':
      case 'period_end':
        return excelDate(v);
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
  row.push(text(r._status) || REVIEW_STATUSES[0], text(r._result).slice(0, MAX_CELL), text(r._reviewer), excelDate(r._reviewed_on));
  if (withFollowup) row.push(text(r._followup));
  return cleanRow(row);
}

/** Column letters (1-based index → A, B, …, AA). */
export function columnLetter(n: number): string {
  let s = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Position (1-based) of the 核查 columns in a lead sheet as xuncha writes it. */
export const STATUS_COLUMN = LEAD_COLUMNS.length + 1;
const DATE_COLUMN = LEAD_COLUMNS.length + 4;

const WRAP = { wrapText: true, vertical: 'top' } as const;
const TOP = { vertical: 'top' } as const;
/**
 * One style object per column, shared by every cell of it: exceljs caches a style id per style object, so shared
 * objects cost one lookup per cell instead of building the style again for each of 100,000 rows.
 */
function columnStyles(withFollowup: boolean): Partial<ExcelJS.Style>[] {
  const styles = LEAD_COLUMNS.map((c): Partial<ExcelJS.Style> => {
    switch (c) {
      case 'amount':
        return { numFmt: '#,##0.00', alignment: TOP };
      case 'period_start':
      case 'period_end':
        return { numFmt: 'yyyy-mm-dd', alignment: TOP };
      case 'description':
      case 'evidence':
      case 'rule_name':
      case 'subject_key':
        return { alignment: WRAP };
      default:
        return { alignment: TOP };
    }
  });
  styles.push({ alignment: TOP }, { alignment: WRAP }, { alignment: TOP }, { numFmt: 'yyyy-mm-dd', alignment: TOP });
  if (withFollowup) styles.push({ alignment: TOP });
  return styles;
}

function headers(withFollowup: boolean): string[] {
  return [...LEAD_COLUMNS.map((c) => LEAD_HEADERS_ZH[c]), ...REVIEW_HEADERS_ZH, ...(withFollowup ? [FOLLOWUP_HEADER_ZH] : [])];
}

interface LeadSheet {
  ws: ExcelJS.Worksheet;
  rows: number;
  styles: Partial<ExcelJS.Style>[];
}

function setupLeadSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, withFollowup: boolean): LeadSheet {
  const head = headers(withFollowup);
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: {
      orientation: 'landscape',
      paperSize: 9, // A4
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: '第 &P 页，共 &N 页' },
  });
  ws.columns = [
    ...LEAD_COLUMNS.map((c) => ({ key: c, width: WIDTHS[c] ?? 12 })),
    { width: 11 },
    { width: 36 },
    { width: 10 },
    { width: 12 },
    ...(withFollowup ? [{ width: 11 }] : []),
  ];
  const header = ws.addRow(head);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.commit();
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: head.length } };
  return { ws, rows: 0, styles: columnStyles(withFollowup) };
}

function addLead(sheet: LeadSheet, r: Record<string, unknown>, withFollowup: boolean): void {
  const row = sheet.ws.addRow(leadRow(r, withFollowup));
  for (let c = 0; c < sheet.styles.length; c++) row.getCell(c + 1).style = sheet.styles[c];
  row.commit();
  sheet.rows++;
}

/** Drop-down of the status vocabulary on 核查状态 and a date check on 核查日期, over the sheet's lead rows. */
function finishLeadSheet(sheet: LeadSheet): void {
  const last = Math.max(sheet.rows + 1, 2);
  const status = columnLetter(STATUS_COLUMN);
  const date = columnLetter(DATE_COLUMN);
  const dv = (sheet.ws as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } }).dataValidations;
  dv.add(`${status}2:${status}${last}`, {
    type: 'list',
    allowBlank: true,
    formulae: [`"${REVIEW_STATUSES.join(',')}"`],
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: '核查状态',
    error: `请从下拉列表中选择：${REVIEW_STATUSES.join('、')}`,
    showInputMessage: true,
    promptTitle: '核查状态',
    prompt: REVIEW_STATUSES.join('/'),
  });
  dv.add(`${date}2:${date}${last}`, {
    type: 'date',
    operator: 'greaterThan',
    allowBlank: true,
    formulae: [new Date(Date.UTC(1990, 0, 1))],
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: '核查日期',
    error: '请填写日期，例如 2024-03-05',
  });
  sheet.ws.commit();
}

async function streamLeads(db: Db, sql: string, params: Record<string, string>, onRow: (r: Record<string, unknown>) => void): Promise<void> {
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

/** The lead query of the working paper: leads with their current status and followup, 整改不到位 first. */
async function leadQuery(db: Db): Promise<{ sql: (where: string) => string; withFollowup: boolean }> {
  const hasReviews = await db.tableExists('reviews');
  const withFollowup = await db.tableExists('followup');
  const cols = LEAD_COLUMNS.map((c) => `l."${c}"`).join(', ');
  const review = hasReviews
    ? `r.status as _status, r.result as _result, r.reviewer as _reviewer, r.reviewed_on as _reviewed_on`
    : `NULL as _status, NULL as _result, NULL as _reviewer, NULL as _reviewed_on`;
  const joins =
    (hasReviews ? ` left join (${currentReviewsSql()}) as r using (lead_id)` : '') +
    (withFollowup ? ` left join (select lead_id, followup from followup where in_current) as f using (lead_id)` : '');
  const order = withFollowup ? `case when f.followup = '整改不到位' then 0 else 1 end, l.score desc, l.lead_id` : 'l.score desc, l.lead_id';
  return {
    withFollowup,
    sql: (where) => `select ${cols}, ${review}${withFollowup ? ', f.followup as _followup' : ''} from leads as l${joins} ${where} order by ${order}`,
  };
}

function paramText(rule: RuleRunInfo): string {
  const names = [...new Set([...Object.keys(rule.param_specs), ...Object.keys(rule.params)])];
  const show = (x: ParamValue | undefined) => (x === undefined ? '' : Array.isArray(x) ? (x.length ? x.join('、') : '（空）') : String(x));
  const lines = names.map((name) => {
    const spec = rule.param_specs[name];
    const v = name in rule.params ? rule.params[name] : spec?.default;
    const changed = spec && JSON.stringify(v) !== JSON.stringify(spec.default) ? `（默认 ${show(spec.default)}）` : '';
    return `${name} = ${show(v)}${changed}${spec?.description ? `：${spec.description}` : ''}`;
  });
  return lines.join('\n') || '（无参数）';
}

function tablesText(rule: RuleRunInfo): string {
  const zh = (t: string) => (isCanonicalTable(t) ? `${t}（${TABLES[t].zh}）` : t);
  return rule.tables.map(zh).join('、') + (rule.optional_tables.length ? `；可选：${rule.optional_tables.join('、')}` : '');
}

/** Rule runs → the 说明 sheet rows (also used by tests). */
export function ruleInfoRow(r: RuleRunInfo): (string | number)[] {
  const variants = r.variants.map((v) => `变体 ${v.id}（${SEVERITY_ZH[v.severity] ?? v.severity}）：${v.description}`);
  const status = r.status === 'skipped' ? `未运行：${r.note ?? ''}` : '已运行';
  return [
    CATEGORY_ZH[r.category] ?? r.category,
    r.rule_id,
    r.rule_name,
    r.category,
    SEVERITY_ZH[r.severity as Severity] ?? r.severity,
    tablesText(r),
    [r.method, ...variants].join('\n'),
    r.why,
    r.exclusions.join('\n'),
    r.assumptions.join('\n'),
    paramText(r),
    status,
    r.leads,
  ];
}

/** Above this many leads the workbook is written without styles (bold header, number formats, wrapping): a list
 * that long is filtered in Excel rather than read, and unstyled cells write faster. Dates stay Excel dates. */
export const STYLED_MAX_LEADS = 50000;

export async function writeLeadsXlsx(db: Db, file: string): Promise<{ rows: number }> {
  const total = Number(await db.scalar<string>(`select count(*) from leads`, undefined, 'count leads'));
  const styled = total <= STYLED_MAX_LEADS;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: styled });
  wb.creator = 'xuncha';
  const fixedDate = new Date(Date.UTC(2000, 0, 1));
  wb.created = fixedDate;
  wb.modified = fixedDate;

  const q = await leadQuery(db);
  const all = setupLeadSheet(wb, '线索清单', q.withFollowup);
  await streamLeads(db, q.sql(''), {}, (r) => addLead(all, r, q.withFollowup));
  finishLeadSheet(all);

  const rules = await readRuleRuns(db);
  const categories: string[] = [];
  for (const r of rules) if (!categories.includes(r.category)) categories.push(r.category);
  const leadCategories = await db.all<{ category: string }>(`select distinct category from leads order by 1`, undefined, 'lead categories');
  for (const c of leadCategories) if (!categories.includes(c.category)) categories.push(c.category);
  const usedNames = new Set(['线索清单', '说明']);
  for (const category of categories) {
    let name = categorySheetName(category);
    for (let k = 2; usedNames.has(name); k++) name = `${categorySheetName(category).slice(0, 28)}-${k}`;
    usedNames.add(name);
    const sheet = setupLeadSheet(wb, name, q.withFollowup);
    await streamLeads(db, q.sql('where l.category = $c'), { c: category }, (r) => addLead(sheet, r, q.withFollowup));
    finishLeadSheet(sheet);
  }

  const info = wb.addWorksheet('说明', {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
  });
  info.columns = [12, 24, 26, 14, 8, 24, 60, 40, 50, 50, 60, 10, 10].map((width) => ({ width, style: { alignment: WRAP } }));
  const head = info.addRow(['类别', '规则编号', '规则名称', '类别编号', '严重程度', '所需数据表', '方法', '为何关注', '排除情形', '口径与假设', '参数（本次取值）', '运行状态', '线索数']);
  head.font = { bold: true };
  head.commit();
  for (const r of rules) info.addRow(cleanRow(ruleInfoRow(r))).commit();
  info.addRow([]).commit();
  info
    .addRow([
      '评分',
      '',
      '评分0–100仅用于排序：严重程度（高60/中40/低20）+ 金额（5×log10(1+金额)，最多25）+ 同一对象或同一家庭被其他规则命中（每条+8，最多15）。线索是待核查的疑点，不是结论。',
    ])
    .commit();
  info
    .addRow([
      '核查',
      '',
      `核查状态只能从下拉列表选择：${REVIEW_STATUSES.join('、')}；核查结果写情况说明，核查人、核查日期（日期格式）说明由谁何时核查。可以排序、筛选、隐藏或增加列、删除行、拆分成多个文件分给各组；填好后用 xuncha review 输出目录 文件… 导入（按“线索编号”匹配，请勿修改该列）。`,
    ])
    .commit();
  info.commit();
  await wb.commit();
  return { rows: all.rows };
}
