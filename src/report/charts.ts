/**
 * Report charts: each chart is a named pair `sql/report/<name>.sql` (the query, with `-- title:` and
 * `-- requires: table, …` header lines) and `src/report/charts/<name>.vl.json` (the Vega-Lite spec whose
 * `data` is `{"name": "table"}`). The query result is injected as `data.values`. A chart whose tables are
 * missing or whose query returns no rows is left out (analytics only show where the data exists).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../db/connection.js';
import { maskDeep } from './mask.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPORT_SQL_DIR = join(here, '..', '..', 'sql', 'report');
export const CHART_SPEC_DIR = join(here, 'charts');

/** Order of the charts in the report and the section each belongs to. */
export const REPORT_CHARTS: { name: string; section: 'leads' | 'analytics' | 'review' }[] = [
  { name: 'leads_by_category', section: 'leads' },
  { name: 'leads_by_severity', section: 'leads' },
  { name: 'leads_by_rule', section: 'leads' },
  { name: 'amount_by_rule', section: 'leads' },
  { name: 'leads_by_place', section: 'leads' },
  { name: 'review_by_place', section: 'review' },
  { name: 'review_by_rule', section: 'review' },
  { name: 'payments_after_death', section: 'analytics' },
  { name: 'benford', section: 'analytics' },
  { name: 'expense_month', section: 'analytics' },
];

export const CJK_FONT = '"Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif';

/** Shared Vega-Lite config: CJK fonts, readable sizes, quiet grid. */
export const VL_CONFIG = {
  font: CJK_FONT,
  title: { fontSize: 15, fontWeight: 'bold', anchor: 'start', color: '#1f2d3d', offset: 12 },
  axis: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#555', labelColor: '#333', gridColor: '#e8ecf0', domainColor: '#b8c2cc', tickColor: '#b8c2cc' },
  axisQuantitative: { tickCount: 8 },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' },
  header: { labelFontSize: 13, titleFontSize: 13 },
  view: { stroke: null },
  bar: { color: '#4c78a8' },
  locale: undefined,
};

/** d3-format / d3-time-format locale for zh-CN so numbers read 1,234.5 and dates use Chinese month names. */
export const VEGA_LOCALE = {
  number: { decimal: '.', thousands: ',', grouping: [3], currency: ['¥', ''] },
  time: {
    dateTime: '%x %A %X',
    date: '%Y年%-m月%-d日',
    time: '%H:%M:%S',
    periods: ['上午', '下午'],
    days: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
    shortDays: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
    months: ['一月', '二月', '三月', '四月', '五月', '六月', '七月', '八月', '九月', '十月', '十一月', '十二月'],
    shortMonths: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
  },
};

export interface ChartDef {
  name: string;
  title: string;
  requires: string[];
  sql: string;
  spec: Record<string, unknown>;
}

export function loadChartDef(name: string): ChartDef {
  const sql = readFileSync(join(REPORT_SQL_DIR, `${name}.sql`), 'utf8');
  const spec = JSON.parse(readFileSync(join(CHART_SPEC_DIR, `${name}.vl.json`), 'utf8')) as Record<string, unknown>;
  const header = (key: string) => sql.match(new RegExp(`^--\\s*${key}:\\s*(.*)$`, 'm'))?.[1]?.trim() ?? '';
  return {
    name,
    title: header('title') || name,
    requires: header('requires')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    sql,
    spec,
  };
}

/** Attach data rows and the shared look to a spec (the spec file itself stays data-free). */
export function finishSpec(spec: Record<string, unknown>, values: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...spec };
  delete out.$schema;
  out.data = { values };
  out.config = { ...VL_CONFIG, ...((spec.config as object) ?? {}) };
  delete (out.config as Record<string, unknown>).locale;
  if (!('facet' in out) && !('width' in out)) out.width = 'container';
  return out;
}

/** Columns that come back as strings (BIGINT/DECIMAL) but are numbers to Vega. */
const NUMERIC_COLUMNS = new Set(['leads', 'amount', 'n', 'observed', 'expected', 'payments', 'people', 'digit', 'severity_order', 'vouchers', 'status_order']);

export interface BuiltChart {
  name: string;
  title: string;
  section: 'leads' | 'analytics' | 'review';
  spec: Record<string, unknown>;
  rows: number;
}

export async function buildCharts(db: Db, maskIds: boolean, failed?: { name: string; title: string; message: string }[]): Promise<BuiltChart[]> {
  const out: BuiltChart[] = [];
  for (const { name, section } of REPORT_CHARTS) {
    const def = loadChartDef(name);
    let present = true;
    for (const t of def.requires) if (!(await db.tableExists(t))) present = false;
    if (!present) continue;
    let rows: Record<string, unknown>[];
    try {
      rows = await db.all<Record<string, unknown>>(def.sql, undefined, `report chart ${name}`);
    } catch (e) {
      // A table that exists but does not match the contract (an older or hand-edited database) must not cost
      // the analyst the whole report: the chart is left out and the reason shown in its place.
      failed?.push({ name, title: def.title, message: e instanceof Error ? e.message.split('\n')[0] : String(e) });
      continue;
    }
    if (!rows.length) continue;
    rows = rows.map((r) => {
      const o: Record<string, unknown> = {};
      // JSON-safe rows carry BIGINT/DECIMAL as strings; charts need numbers.
      for (const [k, v] of Object.entries(r)) o[k] = typeof v === 'string' && NUMERIC_COLUMNS.has(k) ? Number(v) : v;
      return o;
    });
    if (maskIds) rows = maskDeep(rows);
    out.push({ name, title: def.title, section, spec: finishSpec(def.spec, rows), rows: rows.length });
  }
  return out;
}
