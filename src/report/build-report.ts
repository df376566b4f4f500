/**
 * report.html from the run database alone (so `xuncha report DIR` can rebuild it): run summary and row
 * accounting from `runs.manifest`, rejects by reason, rules run/skipped from `rule_runs`, Vega-Lite charts
 * from the named queries in sql/report/, the searchable lead table, and the methodology.
 *
 * Static parts (summary, methodology) are rendered here with escapeHtml; the lead table is rendered in the
 * page from JSON blocks (see lead-data.ts) with textContent only. ID numbers are masked unless maskIds is false.
 */
import { writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db } from '../db/connection.js';
import { escapeHtml as h, jsonForScript, renderPage, type JsonBlock } from './html.js';
import { buildCharts, VEGA_LOCALE, type BuiltChart } from './charts.js';
import { encodeLeads, readLeads, tableLabels } from './lead-data.js';
import { maskIdsInText } from './mask.js';
import { readRuleRuns as readRuleInfo, type RuleRunInfo } from '../rules/rule-runs.js';
import { CONCLUDED_STATUSES, FOLLOWUP_VALUES, FOUND_TRUE_STATUSES, REVIEW_STATUSES } from '../review/model.js';

export interface ReportOptions {
  title?: string;
  maskIds: boolean;
  /** embedding of the lead table; 'rows' exists for measurement only */
  encoding?: 'columnar' | 'rows';
}

export const CATEGORY_ZH: Record<string, string> = {
  relationship_benefit: '关系保',
  phantom_claim: '虚报冒领',
  finance: '财务',
  payroll: '吃空饷',
  conflict_of_interest: '利益输送',
};
export const SEVERITY_ZH: Record<string, string> = { high: '高', medium: '中', low: '低' };

interface RunRow {
  run_id: string | null;
  tool_version: string | null;
  pipeline_file: string | null;
  pipeline_name: string | null;
  report_title: string | null;
  started_at: string | null;
  finished_at: string | null;
  manifest: string | null;
}

interface RuleRunRow {
  rule_id: string;
  rule_name: string | null;
  category: string | null;
  severity: string | null;
  tables: string | null;
  params: string | null;
  param_specs: string | null;
  method: string | null;
  why: string | null;
  exclusions: string | null;
  source_file: string | null;
  status: string | null;
  note: string | null;
  leads: string | number | null;
  seconds: number | null;
}

function parseJson(text: string | null | undefined): unknown {
  if (text == null || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const num = (v: unknown) => (v == null || v === '' ? '' : Number(v).toLocaleString('en-US'));
const money = (v: unknown) =>
  v == null || v === '' ? '' : Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function valueText(v: unknown): string {
  if (v == null) return '';
  if (Array.isArray(v)) return v.map(valueText).join('、');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A static table; `rows` hold trusted markup (every data value already escaped); `numeric` columns align right. */
function table(headers: string[], rows: string[][], cls = '', numeric: number[] = []): string {
  if (!rows.length) return '<p class="muted">（无）</p>';
  const td = (k: number) => (numeric.includes(k) ? '<td class="num">' : '<td>');
  return (
    `<div class="table-wrap"><table class="static ${cls}"><thead><tr>${headers.map((x, k) => `<th${numeric.includes(k) ? ' class="num"' : ''}>${h(x)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c, k) => `${td(k)}${c}</td>`).join('')}</tr>`).join('') +
    '</tbody></table></div>'
  );
}

async function readRun(db: Db): Promise<RunRow | undefined> {
  if (!(await db.tableExists('runs'))) return undefined;
  const rows = await db.all<RunRow>(
    `select run_id, tool_version, pipeline_file, pipeline_name, report_title, cast(started_at as varchar) as started_at,
            cast(finished_at as varchar) as finished_at, cast(manifest as varchar) as manifest
     from runs order by started_at desc nulls last limit 1`,
    undefined,
    'report read runs',
  );
  return rows[0];
}

async function readRuleRuns(db: Db): Promise<RuleRunRow[]> {
  if (!(await db.tableExists('rule_runs'))) return [];
  return db.all<RuleRunRow>(
    `select rule_id, rule_name, category, severity, cast(tables as varchar) as tables, cast(params as varchar) as params,
            cast(param_specs as varchar) as param_specs, method, why, cast(exclusions as varchar) as exclusions, source_file,
            status, note, leads, seconds
     from rule_runs order by status, category, rule_id`,
    undefined,
    'report read rule_runs',
  );
}

async function readRejectReasons(db: Db): Promise<{ table_name: string; reason_code: string; reason_zh: string; n: string }[]> {
  if (!(await db.tableExists('rejects'))) return [];
  return db.all(
    `select table_name, reason_code, any_value(reason_zh) as reason_zh, count(*) as n
     from rejects group by table_name, reason_code order by n desc, table_name, reason_code`,
    undefined,
    'report rejects by reason',
  );
}

interface ManifestInput {
  table?: unknown;
  path?: unknown;
  sheet?: unknown;
  encoding?: unknown;
  rows_read?: unknown;
  rows_loaded?: unknown;
  rows_rejected?: unknown;
  rows_skipped?: unknown;
  skipped?: Record<string, unknown>;
}

const TABLE_ZH = tableLabels();
/** Chinese table name with the canonical name beneath it. */
function tableCell(name: string): string {
  const zh = TABLE_ZH[name];
  return zh ? `${h(zh)}<br><code>${h(name)}</code>` : h(name);
}

function summarySection(run: RunRow | undefined, rejects: Awaited<ReturnType<typeof readRejectReasons>>, ruleRuns: RuleRunRow[], leadCount: number, leadAmount: number, maskIds: boolean): string {
  const m = (s: string) => (maskIds ? maskIdsInText(s) : s);
  const manifest = (parseJson(run?.manifest) ?? {}) as { inputs?: ManifestInput[] };
  const inputs = Array.isArray(manifest.inputs) ? manifest.inputs : [];
  const ran = ruleRuns.filter((r) => r.status !== 'skipped');
  const skipped = ruleRuns.filter((r) => r.status === 'skipped');
  const totalRejects = rejects.reduce((s, r) => s + Number(r.n), 0);
  const parts: string[] = [];
  parts.push('<section id="summary"><h2>运行概况</h2>');
  parts.push('<div class="kpis">');
  const kpi = (label: string, value: string) => `<div class="kpi"><div class="kpi-v">${h(value)}</div><div class="kpi-l">${h(label)}</div></div>`;
  parts.push(
    kpi('线索', num(leadCount)),
    kpi(leadAmount >= 1e6 ? '涉及金额（万元）' : '涉及金额（元）', leadAmount >= 1e6 ? money(leadAmount / 10000) : money(leadAmount)),
    kpi('数据文件', num(inputs.length)),
    kpi('读取行数', num(inputs.reduce((s, x) => s + (Number(x.rows_read) || 0), 0))),
    kpi('拒收行数', num(totalRejects)),
    kpi('运行规则', `${ran.length}`),
  );
  parts.push('</div>');
  if (run) {
    parts.push(
      `<p class="meta">${run.pipeline_name ? `巡察项目：<b>${h(m(run.pipeline_name))}</b>　` : ''}运行时间：${h(run.started_at ?? '')}${
        run.finished_at ? ` 至 ${h(run.finished_at)}` : ''
      }　流程文件：${h(m(run.pipeline_file ?? ''))}　xuncha ${h(run.tool_version ?? '')}</p>`,
    );
  } else {
    parts.push('<p class="muted">数据库中没有运行记录（runs 表），以下只显示数据库中的内容。</p>');
  }
  parts.push('<h3>数据来源与行数核对</h3>');
  parts.push('<p class="note">读取行数 = 入库 + 拒收 + 跳过（标题行、表头、空行、合计行）。</p>');
  parts.push(
    table(
      ['数据表', '文件', '读取', '入库', '拒收', '跳过', '跳过明细', '编码'],
      inputs.map((x) => {
        const sk = x.skipped && typeof x.skipped === 'object' ? x.skipped : {};
        const skText = Object.entries(sk)
          .filter(([, v]) => Number(v) > 0)
          .map(([k, v]) => `${({ title: '标题', header: '表头', blank: '空行', total: '合计' } as Record<string, string>)[k] ?? k} ${num(v)}`)
          .join('，');
        const read = Number(x.rows_read);
        const ok = read === Number(x.rows_loaded) + Number(x.rows_rejected) + Number(x.rows_skipped);
        return [
          tableCell(valueText(x.table)),
          `<span class="path">${h(m(valueText(x.path)))}${x.sheet ? ` [${h(m(valueText(x.sheet)))}]` : ''}</span>`,
          `${h(num(x.rows_read))}${ok ? '' : ' <span class="warn" title="读取≠入库+拒收+跳过">⚠</span>'}`,
          `${h(num(x.rows_loaded))}`,
          `${h(num(x.rows_rejected))}`,
          `${h(num(x.rows_skipped))}`,
          h(skText),
          h(valueText(x.encoding)),
        ];
      }),
      'accounting',
      [2, 3, 4, 5],
    ),
  );
  parts.push('<h3>拒收原因</h3>');
  parts.push(
    table(
      ['数据表', '原因', '代码', '行数'],
      rejects.map((r) => [tableCell(r.table_name ?? ''), h(m(r.reason_zh ?? '')), `<code>${h(r.reason_code)}</code>`, `${h(num(r.n))}`]),
      '',
      [3],
    ),
  );
  parts.push('<h3>运行的规则</h3>');
  parts.push(
    table(
      ['规则', '类别', '风险', '参数', '线索数', '用时（秒）'],
      ran.map((r) => [
        `${h(m(r.rule_name ?? r.rule_id))}<br><code>${h(r.rule_id)}</code>`,
        h(CATEGORY_ZH[r.category ?? ''] ?? r.category ?? ''),
        h(SEVERITY_ZH[r.severity ?? ''] ?? r.severity ?? ''),
        paramsText(r.params, maskIds),
        `${h(num(r.leads))}`,
        `${r.seconds == null ? '' : h(Number(r.seconds).toFixed(2))}`,
      ]),
      '',
      [4, 5],
    ),
  );
  if (skipped.length) {
    parts.push('<h3>未运行的规则</h3>');
    parts.push(table(['规则', '原因'], skipped.map((r) => [`${h(m(r.rule_name ?? r.rule_id))} <code>${h(r.rule_id)}</code>`, h(m(r.note ?? ''))])));
  }
  parts.push('</section>');
  return parts.join('\n');
}

function paramsText(params: string | null, maskIds: boolean): string {
  const p = parseJson(params);
  if (!p || typeof p !== 'object' || Array.isArray(p)) return p == null ? '' : h(valueText(p));
  const entries = Object.entries(p as Record<string, unknown>);
  if (!entries.length) return '<span class="muted">无</span>';
  const shown = (v: unknown) => {
    const t = valueText(v);
    return t === '' ? '（空）' : maskIds ? maskIdsInText(t) : t;
  };
  return entries.map(([k, v]) => `<code>${h(k)}</code> = ${h(shown(v))}`).join('<br>');
}

interface RuleReviewStats {
  rule_id: string;
  counts: Record<string, number>;
  concluded: number;
  foundTrue: number;
}

const inList = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/** Current status counts per rule (every lead; 未核查 when never reviewed). */
async function readReviewStats(db: Db): Promise<Map<string, RuleReviewStats>> {
  const out = new Map<string, RuleReviewStats>();
  if (!(await db.tableExists('lead_status')) || !(await db.tableExists('leads'))) return out;
  const rows = await db.all<{ rule_id: string; status: string; n: string }>(
    `select l.rule_id, s.status, count(*) as n from leads as l join lead_status as s using (lead_id) group by all`,
    undefined,
    'report review stats',
  );
  for (const r of rows) {
    let x = out.get(r.rule_id);
    if (!x) out.set(r.rule_id, (x = { rule_id: r.rule_id, counts: {}, concluded: 0, foundTrue: 0 }));
    x.counts[r.status] = (x.counts[r.status] ?? 0) + Number(r.n);
    if ((CONCLUDED_STATUSES as readonly string[]).includes(r.status)) x.concluded += Number(r.n);
    if ((FOUND_TRUE_STATUSES as readonly string[]).includes(r.status)) x.foundTrue += Number(r.n);
  }
  return out;
}

const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : '—');

/** 属实 share of a rule's reviewed leads: the teams' verdicts say which rules are noisy. */
function reviewFeedback(st: RuleReviewStats | undefined): string {
  if (!st || !st.concluded) {
    const doing = st?.counts['核查中'] ?? 0;
    return `<span class="muted">尚无核查结论${doing ? `（核查中 ${num(doing)} 条）` : ''}</span>`;
  }
  const c = st.counts;
  const parts = ['属实', '部分属实', '已整改', '不属实'].filter((k) => c[k]).map((k) => `${k} ${num(c[k])}`);
  const share = st.foundTrue / st.concluded;
  return (
    `<span class="share-bar" style="width:${Math.round(share * 80)}px"></span><b class="rate">属实占比 ${h(pct(st.foundTrue, st.concluded))}</b>` +
    `（已有结论 ${h(num(st.concluded))} 条：${h(parts.join('、'))}${c['核查中'] ? `；核查中 ${h(num(c['核查中']))} 条` : ''}）`
  );
}

function methodologySection(rules: RuleRunInfo[], stats: Map<string, RuleReviewStats>, maskIds: boolean): string {
  const m = (s: string) => (maskIds ? maskIdsInText(s) : s);
  const parts = ['<section id="method"><h2>方法说明</h2>'];
  parts.push(
    '<p class="note">每条线索只是需要核实的疑点，不是结论。下列各规则的比对方法、依据和本次使用的参数，供核查时参考。“核查反馈”为核查组导入的结论中属实（含部分属实、已整改）所占的比例，可据此判断哪些规则误报较多。</p>',
  );
  const ran = rules.filter((r) => r.status !== 'skipped');
  if (!ran.length) parts.push('<p class="muted">（无规则运行记录）</p>');
  for (const r of ran) {
    const specs = r.param_specs;
    const params = r.params;
    parts.push(`<article class="rule" data-rule="${h(r.rule_id)}"><h3>${h(m(r.rule_name || r.rule_id))} <code>${h(r.rule_id)}</code></h3>`);
    parts.push('<dl>');
    parts.push(`<dt>类别 / 风险</dt><dd>${h(CATEGORY_ZH[r.category] ?? r.category)} / ${h(SEVERITY_ZH[r.severity] ?? r.severity)}</dd>`);
    parts.push(`<dt>核查反馈</dt><dd class="feedback">${reviewFeedback(stats.get(r.rule_id))}</dd>`);
    if (r.tables.length) parts.push(`<dt>使用的数据表</dt><dd>${h(valueText(r.tables))}${r.optional_tables.length ? `；可选：${h(valueText(r.optional_tables))}` : ''}</dd>`);
    if (r.method) parts.push(`<dt>方法</dt><dd>${h(m(r.method))}</dd>`);
    for (const v of r.variants) parts.push(`<dt>变体 ${h(v.id)}</dt><dd>${h(SEVERITY_ZH[v.severity] ?? v.severity)}风险：${h(m(v.description))}</dd>`);
    if (r.why) parts.push(`<dt>为什么</dt><dd>${h(m(r.why))}</dd>`);
    if (r.exclusions.length) parts.push(`<dt>排除</dt><dd>${r.exclusions.map((x) => h(m(x))).join('<br>')}</dd>`);
    if (r.assumptions.length) parts.push(`<dt>口径与假设</dt><dd>${r.assumptions.map((x) => h(m(x))).join('<br>')}</dd>`);
    const names = [...new Set([...Object.keys(params), ...Object.keys(specs)])];
    if (names.length) {
      parts.push('<dt>参数</dt><dd><ul class="params">');
      for (const k of names) {
        const used = params[k];
        const spec = specs[k];
        parts.push(
          `<li><code>${h(k)}</code> = <b>${h(m(valueText(used ?? spec?.default)))}</b>${spec?.description ? `　${h(m(valueText(spec.description)))}` : ''}${
            spec && spec.default !== undefined && JSON.stringify(spec.default) !== JSON.stringify(used) && used !== undefined ? `（默认 ${h(m(valueText(spec.default)))}）` : ''
          }</li>`,
        );
      }
      parts.push('</ul></dd>');
    }
    parts.push(`<dt>线索数</dt><dd>${h(num(r.leads))}</dd>`);
    if (r.source_file) parts.push(`<dt>规则文件</dt><dd><code>${h(r.source_file)}</code></dd>`);
    parts.push('</dl></article>');
  }
  parts.push('</section>');
  return parts.join('\n');
}

function kpi(label: string, value: string, cls = ''): string {
  return `<div class="kpi ${cls}"><div class="kpi-v">${h(value)}</div><div class="kpi-l">${h(label)}</div></div>`;
}

/** 核查进度: every lead's current status, as figures and as charts by place and by rule. */
function reviewSection(stats: Map<string, RuleReviewStats>, charts: BuiltChart[]): string {
  const total: Record<string, number> = {};
  let n = 0;
  for (const st of stats.values()) for (const [k, v] of Object.entries(st.counts)) ((total[k] = (total[k] ?? 0) + v), (n += v));
  const parts = ['<section id="review"><h2>核查进度</h2>'];
  if (!n) {
    parts.push('<p class="muted">（没有线索）</p></section>');
    return parts.join('\n');
  }
  const reviewed = n - (total['未核查'] ?? 0);
  parts.push('<div class="kpis">');
  parts.push(kpi(`已开始核查（${pct(reviewed, n)}）`, `${num(reviewed)} / ${num(n)}`));
  for (const s of REVIEW_STATUSES) parts.push(kpi(s, num(total[s] ?? 0)));
  parts.push('</div>');
  parts.push(
    reviewed
      ? '<p class="note">核查组填写的核查状态用 <code>xuncha review 输出目录 核查表…</code> 导入；每条线索按最近一次导入的状态计。</p>'
      : '<p class="note">尚未导入任何核查结果。核查组在 leads.xlsx（或其副本）中填写核查状态、核查结果、核查人、核查日期后，用 <code>xuncha review 输出目录 核查表…</code> 导入。</p>',
  );
  const list = charts.filter((c) => c.section === 'review');
  if (list.length)
    parts.push(
      `<div class="chart-grid">${list.map((c) => `<figure class="chart-box chart-${h(c.name)}"><div class="chart" id="chart-${h(c.name)}" data-chart="${h(c.name)}" aria-label="${h(c.title)}"></div></figure>`).join('\n')}</div>`,
    );
  parts.push('</section>');
  return parts.join('\n');
}

interface FollowupGroup {
  key: string;
  counts: Record<string, number>;
  prevTrue: number;
  fixed: number;
}

/** 回头看: followup counts by rule and by town, and the 整改率 (SPEC §2.6). Absent when the run had no --previous. */
async function followupSection(db: Db, maskIds: boolean): Promise<string> {
  if (!(await db.tableExists('followup'))) return '';
  const m = (s: string) => (maskIds ? maskIdsInText(s) : s);
  const foundTrue = inList(FOUND_TRUE_STATUSES);
  const rows = await db.all<{ rule: string; place: string; followup: string; prev_true: boolean; n: string }>(
    `select coalesce(rule_name, rule_id) as rule,
            case when coalesce(town, '') <> '' then town when coalesce(unit, '') <> '' then unit else '（未注明）' end as place,
            followup, coalesce(in_previous and previous_status in (${foundTrue}), false) as prev_true, count(*) as n
     from followup group by all`,
    undefined,
    'report followup',
  );
  const dir = await db.scalar<string>(`select any_value(previous_dir) from followup`, undefined, 'previous dir');
  const group = (by: 'rule' | 'place') => {
    const g = new Map<string, FollowupGroup>();
    for (const r of rows) {
      const key = r[by];
      let x = g.get(key);
      if (!x) g.set(key, (x = { key, counts: {}, prevTrue: 0, fixed: 0 }));
      x.counts[r.followup] = (x.counts[r.followup] ?? 0) + Number(r.n);
      if (r.prev_true) {
        x.prevTrue += Number(r.n);
        if (r.followup === '已消失') x.fixed += Number(r.n);
      }
    }
    return [...g.values()].sort((a, b) => (b.counts['整改不到位'] ?? 0) - (a.counts['整改不到位'] ?? 0) || b.prevTrue - a.prevTrue || (a.key < b.key ? -1 : 1));
  };
  const all: FollowupGroup = { key: '', counts: {}, prevTrue: 0, fixed: 0 };
  for (const r of rows) {
    all.counts[r.followup] = (all.counts[r.followup] ?? 0) + Number(r.n);
    if (r.prev_true) {
      all.prevTrue += Number(r.n);
      if (r.followup === '已消失') all.fixed += Number(r.n);
    }
  }
  const parts = ['<section id="followup"><h2>回头看</h2>'];
  parts.push(`<p class="meta">与之前的运行比较：<span class="path">${h(m(dir ?? ''))}</span>（按线索编号，即规则 + 对象比对）。</p>`);
  parts.push('<div class="kpis">');
  parts.push(kpi('整改率', pct(all.fixed, all.prevTrue), 'kpi-rate'));
  for (const v of FOLLOWUP_VALUES) parts.push(kpi(v, num(all.counts[v] ?? 0), v === '整改不到位' ? 'kpi-bad' : ''));
  parts.push('</div>');
  parts.push(
    `<p class="note">整改率 = 上次核查为属实、部分属实或已整改的线索中，本次已不再出现的比例：${h(num(all.fixed))} / ${h(num(all.prevTrue))}。` +
      '整改不到位：上次标为“已整改”但本次仍然出现的线索，排在核查表最前面。新发现：只在本次出现；仍存在：两次都出现；已消失：只在上次出现。上次的核查状态和结果已带入本次的核查表。</p>',
  );
  const tableOf = (title: string, list: FollowupGroup[]) =>
    `<h3>${h(title)}</h3>` +
    table(
      [title === '按规则' ? '规则' : '乡镇/单位', ...FOLLOWUP_VALUES, '上次属实', '其中已消失', '整改率'],
      list.map((g) => [
        h(m(g.key)),
        ...FOLLOWUP_VALUES.map((v) => h(num(g.counts[v] ?? 0))),
        h(num(g.prevTrue)),
        h(num(g.fixed)),
        h(pct(g.fixed, g.prevTrue)),
      ]),
      'followup',
      [1, 2, 3, 4, 5, 6, 7],
    );
  parts.push(tableOf('按规则', group('rule')));
  parts.push(tableOf('按乡镇/单位', group('place')));
  parts.push('</section>');
  return parts.join('\n');
}

function chartsSection(charts: BuiltChart[], failed: { name: string; title: string; message: string }[]): string {
  const block = (list: BuiltChart[]) =>
    list.map((c) => `<figure class="chart-box chart-${h(c.name)}"><div class="chart" id="chart-${h(c.name)}" data-chart="${h(c.name)}" aria-label="${h(c.title)}"></div></figure>`).join('\n');
  const leads = charts.filter((c) => c.section === 'leads');
  const analytics = charts.filter((c) => c.section === 'analytics');
  const parts = ['<section id="charts"><h2>线索分布</h2>'];
  parts.push(leads.length ? `<div class="chart-grid">${block(leads)}</div>` : '<p class="muted">（没有线索）</p>');
  parts.push('</section>');
  parts.push('<section id="analytics"><h2>数据分析</h2>');
  parts.push(
    analytics.length
      ? `<p class="note">本福特定律：自然形成的金额首位数字为 1 的约占 30%，为 9 的约占 5%；明显偏离可能提示人为编造或拆分，仅作为筛查参考。</p><div class="chart-grid wide">${block(analytics)}</div>`
      : '<p class="muted">（数据库中没有可供分析的补贴、死亡或凭证数据）</p>',
  );
  if (failed.length) {
    parts.push(
      `<p class="warn">以下图表未能生成（数据库中的表与约定不符）：</p><ul class="chart-failures">${failed
        .map((f) => `<li>${h(f.title)} <code>${h(f.name)}</code>：${h(f.message)}</li>`)
        .join('')}</ul>`,
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

const LEADS_SECTION = `<section id="leads"><h2>线索清单</h2>
<div class="controls" role="search">
  <input id="q" type="search" placeholder="搜索姓名 / 拼音首字母 / 身份证号后四位 / 单位 / 村（社区）/ 规则" autocomplete="off" spellcheck="false">
  <select id="f-category" aria-label="类别"><option value="">全部类别</option></select>
  <select id="f-rule" aria-label="规则"><option value="">全部规则</option></select>
  <select id="f-severity" aria-label="风险"><option value="">全部风险等级</option></select>
  <select id="f-status" aria-label="核查状态"><option value="">全部核查状态</option></select>
  <select id="f-town" aria-label="乡镇"><option value="">全部乡镇（街道）</option></select>
  <select id="f-village" aria-label="村"><option value="">全部村（社区）</option></select>
  <select id="f-unit" aria-label="单位"><option value="">全部单位</option></select>
  <button id="reset" type="button">清除条件</button>
</div>
<div class="table-status"><span id="count"></span><span class="hint">点击一行查看证据记录；点击表头排序。</span><span class="print-only">打印件只包含当前页的线索；完整清单见 leads.xlsx。</span></div>
<div class="table-wrap"><table id="lead-table" class="leads">
<thead><tr>
  <th data-sort="score" class="num">得分</th><th data-sort="sev">风险</th><th data-sort="st">核查状态</th><th data-sort="rule">规则</th>
  <th data-sort="name">对象</th><th data-sort="key">标识</th><th data-sort="place">乡镇/村（社区）/单位</th>
  <th data-sort="amount" class="num">金额（元）</th><th data-sort="ps">期间</th><th>描述</th>
</tr></thead>
<tbody id="lead-body"></tbody>
</table></div>
<div class="pager">
  <button id="first" type="button">«</button><button id="prev" type="button">‹ 上一页</button>
  <span id="page-info"></span>
  <button id="next" type="button">下一页 ›</button><button id="last" type="button">»</button>
  <label>每页 <select id="page-size"><option>20</option><option selected>50</option><option>100</option><option>500</option></select> 条</label>
</div>
<noscript><p class="warn">线索清单需要启用浏览器脚本才能显示（报告不联网，脚本全部内嵌在本文件中）。</p></noscript>
</section>`;

export async function buildReport(db: Db, outFile: string, opts: ReportOptions): Promise<{ bytes: number }> {
  const maskIds = opts.maskIds !== false;
  const run = await readRun(db);
  const ruleRuns = await readRuleRuns(db);
  const rejects = await readRejectReasons(db);
  const leads = await readLeads(db);
  const failedCharts: { name: string; title: string; message: string }[] = [];
  const charts = await buildCharts(db, maskIds, failedCharts);
  const encoded = encodeLeads(leads, maskIds, opts.encoding ?? 'columnar');
  const leadAmount = leads.reduce((s, r) => s + (r.amount == null ? 0 : Number(r.amount)), 0);
  const ruleInfo = await readRuleInfo(db);
  const reviewStats = await readReviewStats(db);
  const followup = await followupSection(db, maskIds);

  const rawTitle = opts.title || run?.report_title || run?.pipeline_name || '大数据比对线索报告';
  const title = maskIds ? maskIdsInText(rawTitle) : rawTitle;
  const generated = new Date().toISOString().slice(0, 19).replace('T', ' ');
  const body = [
    `<header class="top"><h1>${h(title)}</h1><p class="sub">问题线索报告 · 由 xuncha 根据运行数据库生成 · ${h(generated)} UTC${maskIds ? ' · 身份证号已脱敏' : ' · <b class="warn">身份证号未脱敏，注意保密</b>'}</p>`,
    `<nav><a href="#summary">运行概况</a><a href="#charts">线索分布</a><a href="#review">核查进度</a>${followup ? '<a href="#followup">回头看</a>' : ''}<a href="#analytics">数据分析</a><a href="#leads">线索清单</a><a href="#method">方法说明</a></nav></header>`,
    '<main>',
    summarySection(run, rejects, ruleRuns, leads.length, leadAmount, maskIds),
    chartsSection(charts, failedCharts),
    reviewSection(reviewStats, charts),
    followup,
    LEADS_SECTION,
    methodologySection(ruleInfo, reviewStats, maskIds),
    '</main>',
    '<footer><p>线索是需要核实的疑点，不是结论。本文件离线可用，不连接任何网络。</p></footer>',
  ].join('\n');

  const blocks: JsonBlock[] = [
    { id: 'xc-charts', value: charts.map((c) => ({ name: c.name, spec: c.spec })) },
    { id: 'xc-locale', value: VEGA_LOCALE },
    { id: 'xc-leads', text: jsonForScript(encoded.main) },
    ...encoded.evidenceChunks.map((c, k) => ({ id: `xc-ev-${k}`, text: jsonForScript(c) })),
  ];
  const html = renderPage({
    title,
    bodyHtml: body,
    jsonBlocks: blocks,
    clientScripts: ['report.js', 'charts.js'],
    withVega: true,
    withFuse: true,
  });
  mkdirSync(dirname(outFile), { recursive: true });
  const tmp = `${outFile}.tmp-${process.pid}`;
  writeFileSync(tmp, html, 'utf8');
  renameSync(tmp, outFile);
  return { bytes: Buffer.byteLength(html, 'utf8') };
}

