/**
 * An independent, naive re-implementation of the SPEC §4 rules over the GENERATED FILES (not the generator's
 * memory), used to check that truth.csv is exactly what the SPEC text implies: every planted lead fires with
 * its amount and nothing else fires (background and look-alikes). Test-only; not the product's rules.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { TABLES, normalizeHeader, type CanonicalTableName } from '../../src/schema/canonical-tables.js';
import { idCheckDigit } from '../../src/normalize/id-number.js';

type Row = Record<string, string>;
const hw = (s: string) => s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
export const normName = (s: string) => hw(s ?? '').replace(/[\s\u200b\u200c\u200d\ufeff]/g, '').replace(/[·•・‧･]/g, '·');
export function normId(s: string): string {
  let t = hw(s ?? '').trim().toUpperCase().replace(/\s/g, '');
  if (/^\d{15}$/.test(t)) {
    const x = t.slice(0, 6) + '19' + t.slice(6);
    t = x + idCheckDigit(x);
  }
  return t;
}
export function idValid(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id) || idCheckDigit(id.slice(0, 17)) !== id[17]) return false;
  const y = +id.slice(6, 10), m = +id.slice(10, 12), d = +id.slice(12, 14);
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}
/** day number or NaN */
export function parseDate(s: string): number {
  const t = hw(s ?? '').trim();
  let m = t.match(/^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/) ?? t.match(/^(\d{4})(\d{2})(\d{2})$/);
  if (m) return Date.UTC(+m[1], +m[2] - 1, +m[3]) / 86400000;
  m = t.match(/^(\d{4})-(\d{2})-(\d{2})T/);
  if (m) return Date.UTC(+m[1], +m[2] - 1, +m[3]) / 86400000;
  return NaN;
}
export function cents(s: string): number {
  const t = hw(s ?? '').replace(/[￥¥,元\s]/g, '');
  if (!t) return 0;
  return Math.round(Number(t) * 100);
}
const ymOf = (d: number) => new Date(d * 86400000).toISOString().slice(0, 7);
function normPeriod(s: string): string {
  const t = hw(s ?? '').trim();
  const m = t.match(/^(\d{4})[-年.]?(\d{1,2})月?$/);
  return m ? `${m[1]}-${m[2].padStart(2, '0')}` : t;
}

async function readRows(file: string, table: CanonicalTableName, headerRow?: number): Promise<Row[]> {
  let grid: string[][];
  if (file.endsWith('.xlsx')) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    grid = [];
    wb.worksheets[0].eachRow({ includeEmpty: true }, (row, n) => {
      const cells: string[] = [];
      for (let i = 1; i <= row.cellCount; i++) {
        const v = row.getCell(i).value;
        cells.push(v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'object' ? String((v as { result?: unknown }).result ?? '') : String(v));
      }
      grid[n - 1] = cells;
    });
  } else {
    const buf = readFileSync(file);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\uFEFF/, '');
    } catch {
      text = iconv.decode(buf, 'gb18030');
    }
    grid = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
  }
  const spec = TABLES[table];
  const map = (h: string) => {
    const n = normalizeHeader(h);
    const fields = [...spec.fields, ...(spec.alternates ?? [])];
    for (const f of fields) if (f.aliases.some((a) => normalizeHeader(a) === n)) return f.name;
    // looser header words (SPEC §3.2), as ingest takes them when no alias names the field
    for (const f of fields) if ((f.weak ?? []).some((a) => normalizeHeader(a) === n)) return f.name;
    return undefined;
  };
  let hi = headerRow ? headerRow - 1 : grid.findIndex((r) => r && r.filter((c) => map(c)).length >= 2);
  const fields = grid[hi].map(map);
  const out: Row[] = [];
  for (let i = hi + 1; i < grid.length; i++) {
    const r = grid[i];
    if (!r || /^(合计|总计|小计)/.test(r[0] ?? '')) continue;
    const o: Row = {};
    fields.forEach((f, j) => f && (o[f] = r[j] ?? ''));
    out.push(o);
  }
  return out;
}

export async function loadGenerated(dir: string): Promise<Record<string, Row[]>> {
  const y = readFileSync(join(dir, 'pipeline.yaml'), 'utf8');
  const t: Record<string, Row[]> = {};
  let table = '';
  for (const line of y.split('\n')) {
    const m = line.match(/^ {2}(\w+):/);
    if (m) table = m[1];
    const pm = line.match(/path: "([^"]+)"(?:.*header_row: (\d+))?/);
    if (!pm) continue;
    const files = pm[1].includes('*') ? readdirSync(join(dir, pm[1].slice(0, pm[1].lastIndexOf('/')))).filter((f) => f.endsWith(pm[1].slice(pm[1].lastIndexOf('.')))).sort().map((f) => join(dir, pm[1].slice(0, pm[1].lastIndexOf('/')), f)) : [join(dir, pm[1])];
    for (const f of files) (t[table] ??= []).push(...(await readRows(f, table as CanonicalTableName, pm[2] ? +pm[2] : undefined)));
  }
  return t;
}

export interface Lead { rule: string; subject: string; cents: number }

export function runOracle(t: Record<string, Row[]>): Lead[] {
  const leads = new Map<string, Lead>();
  const add = (rule: string, subject: string, c: number) => {
    const k = `${rule}|${subject}`;
    const l = leads.get(k);
    if (l) l.cents = Math.max(l.cents, c);
    else leads.set(k, { rule, subject, cents: c });
  };
  // ---- people ----
  const person = new Map<string, Row>();
  for (const r of t.person) person.set(normId(r.id_number), r);
  const hhOf = (id: string) => person.get(id)?.household_id ?? '';
  // ---- subsidy ----
  const subs = t.subsidy.map((r) => ({ id: normId(r.id_number), name: normName(r.name), type: r.subsidy_type, c: cents(r.amount), pay: parseDate(r.pay_date), period: r.period ? normPeriod(r.period) : '', acct: (r.bank_account ?? '').replace(/\D/g, ''), an: normName(r.account_name ?? ''), area: Number(hw(r.area ?? '')) }));
  for (const s of subs) if (!Number.isFinite(s.pay) || !Number.isFinite(s.c)) throw new Error('bad subsidy row ' + JSON.stringify(s));
  // ---- dibao ----
  type D = { id: string; hh: string; start: number; end: number; village: string; name: string };
  const dib: D[] = t.dibao.map((r) => ({ id: normId(r.id_number), hh: r.household_id, start: parseDate(r.start_date), end: r.end_date ? parseDate(r.end_date) : Infinity, village: r.village, name: normName(r.name) }));
  const hhIds = new Map<string, Set<string>>();
  for (const d of dib) (hhIds.get(d.hh) ?? hhIds.set(d.hh, new Set()).get(d.hh)!).add(d.id);
  const hhPay = (hh: string, from: number, to: number) => {
    const ids = hhIds.get(hh)!;
    let s = 0;
    for (const x of subs) if (x.type.includes('低保') && ids.has(x.id) && x.pay >= from && x.pay <= to) s += x.c;
    return s;
  };
  const ENDED = /注销|报废|吊销/;
  const EXEMPT = ['摩托车', '轻便摩托车', '残疾人专用车', '拖拉机', '农用运输车', '低速载货汽车', '三轮汽车'];
  for (const d of dib) {
    for (const v of t.vehicle.filter((v) => normId(v.id_number) === d.id)) {
      if (EXEMPT.some((e) => v.vehicle_type.includes(e))) continue;
      const reg = parseDate(v.register_date);
      const dereg = v.deregister_date ? parseDate(v.deregister_date) : ENDED.test(v.status) ? -Infinity : Infinity;
      if (reg <= d.end && dereg >= d.start) add('dibao_vehicle', d.id, hhPay(d.hh, Math.max(reg, d.start), Math.min(dereg, d.end)));
    }
    for (const e of t.employee.filter((e) => normId(e.id_number) === d.id)) {
      const s = parseDate(e.start_date);
      const en = e.end_date ? parseDate(e.end_date) : Infinity;
      if (s <= d.end && en >= d.start) add('dibao_public_employee', d.id, hhPay(d.hh, Math.max(s, d.start), Math.min(en, d.end)));
    }
    for (const b of t.business.filter((b) => normId(b.id_number) === d.id)) {
      const dereg = b.deregister_date ? parseDate(b.deregister_date) : ENDED.test(b.status) ? -Infinity : Infinity;
      if (dereg >= d.start) add('dibao_business', d.id, hhPay(d.hh, d.start, Math.min(d.end, dereg)));
    }
  }
  // property per household
  for (const [hh, ids] of hhIds) {
    const ds = dib.filter((d) => d.hh === hh);
    const from = Math.min(...ds.map((d) => d.start));
    const to = Math.max(...ds.map((d) => d.end));
    const props = t.property.filter((p) => ids.has(normId(p.id_number)));
    const homes = props.filter((p) => p.usage.includes('住宅')).sort((a, b) => parseDate(a.register_date) - parseDate(b.register_date) || (a.certificate_no < b.certificate_no ? -1 : 1));
    if (homes.length > 1) add('dibao_property', normId(homes[1].id_number), hhPay(hh, from, to));
    for (const p of props) if (/商业|商铺|办公|写字楼|厂房/.test(p.usage)) add('dibao_property', normId(p.id_number), hhPay(hh, from, to));
  }
  // cadre relative
  const filed = new Set((t.kin_filing ?? []).map((k) => normId(k.id_number)));
  for (const c of t.cadre) {
    const cid = normId(c.id_number);
    const ts = parseDate(c.term_start);
    const te = c.term_end ? parseDate(c.term_end) : Infinity;
    const rel = new Set<string>();
    for (const r of t.relation ?? []) {
      const a = normId(r.id_number_a), b = normId(r.id_number_b);
      if (a === cid) rel.add(b);
      if (b === cid) rel.add(a);
    }
    const cp = person.get(cid);
    for (const d of dib) {
      if (d.village !== c.village || filed.has(d.id)) continue;
      if (!(ts <= d.end && te >= d.start)) continue;
      const dp = person.get(d.id);
      const linked = d.id === cid || (cp && dp && cp.household_id === dp.household_id) || rel.has(d.id) || (cp && dp && dp.name[0] === cp.name[0] && dp.address === c.address);
      if (linked) add('dibao_cadre_relative', d.id, hhPay(d.hh, Math.max(ts, d.start), Math.min(te, d.end)));
    }
  }
  // ---- deceased ----
  const death = new Map<string, number>();
  for (const r of t.death) death.set(normId(r.id_number), parseDate(r.death_date));
  const dec = new Map<string, number>();
  for (const s of subs) {
    const dd = death.get(s.id);
    if (dd !== undefined && s.pay > dd + 31) dec.set(s.id, (dec.get(s.id) ?? 0) + s.c);
  }
  for (const [id, c] of dec) add('deceased_payment', id, c);
  for (const d of dib) if (death.has(d.id) && d.end === Infinity && !dec.has(d.id)) add('deceased_payment', d.id, 0);
  // ---- duplicate ----
  const groups = new Map<string, typeof subs>();
  for (const s of subs) {
    const k = `${s.id}|${s.type}|${s.period || ymOf(s.pay)}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(s);
  }
  const dup = new Map<string, number>();
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const sorted = [...g].sort((a, b) => a.pay - b.pay);
    dup.set(g[0].id, (dup.get(g[0].id) ?? 0) + g.reduce((x, y) => x + y.c, 0) - sorted[0].c);
  }
  for (const [id, c] of dup) add('duplicate_payment', id, c);
  // ---- shared account ----
  const byAcct = new Map<string, typeof subs>();
  for (const s of subs) if (s.acct) (byAcct.get(s.acct) ?? byAcct.set(s.acct, []).get(s.acct)!).push(s);
  for (const [acct, rows] of byAcct) {
    const ids = new Set(rows.map((r) => r.id));
    if (ids.size < 3) continue;
    const hhs = new Set([...ids].map((i) => hhOf(i) || i));
    if (hhs.size === 1) continue;
    add('shared_account', acct, rows.filter((r) => r.name !== r.an).reduce((x, y) => x + y.c, 0));
  }
  // ---- account name mismatch ----
  const hhNames = new Map<string, Set<string>>();
  for (const [id, r] of person) (hhNames.get(r.household_id) ?? hhNames.set(r.household_id, new Set()).get(r.household_id)!).add(normName(r.name));
  void hhNames;
  const mm = new Map<string, number>();
  for (const s of subs) {
    if (!s.an || s.an === s.name) continue;
    const hh = hhOf(s.id);
    if (hh && hhNames.get(hh)?.has(s.an)) continue;
    mm.set(s.id, (mm.get(s.id) ?? 0) + s.c);
  }
  for (const [id, c] of mm) add('account_name_mismatch', id, c);
  // ---- invalid id ----
  const inv = new Map<string, number>();
  for (const s of subs) if (!idValid(s.id) || !person.has(s.id)) inv.set(s.id, (inv.get(s.id) ?? 0) + s.c);
  for (const [id, c] of inv) add('invalid_id', id, c);
  // ---- grain ----
  const land = new Map<string, number>();
  for (const l of t.land) land.set(normId(l.id_number), (land.get(normId(l.id_number)) ?? 0) + Number(l.contract_area));
  const grain = new Map<string, { area: number; c: number }>();
  for (const s of subs) {
    if (!/耕地地力保护|种粮|粮食/.test(s.type)) continue;
    const k = `${s.id}|${new Date(s.pay * 86400000).getUTCFullYear()}|${s.type}`;
    const g = grain.get(k) ?? { area: 0, c: 0 };
    g.area += s.area;
    g.c += s.c;
    grain.set(k, g);
  }
  const ge = new Map<string, number>();
  for (const [k, g] of grain) {
    const id = k.split('|')[0];
    const a = land.get(id);
    if (a === undefined || g.area <= a * 1.05 + 1e-9) continue;
    ge.set(id, (ge.get(id) ?? 0) + Math.round((g.area - a) * (g.c / g.area)));
  }
  for (const [id, c] of ge) add('grain_area_excess', id, c);
  // ---- age ----
  const age = new Map<string, number>();
  for (const s of subs) {
    if (!s.type.includes('高龄') || !idValid(s.id)) continue;
    const b = s.id.slice(6, 14);
    const p = new Date(s.pay * 86400000).toISOString().slice(0, 10).replace(/-/g, '');
    let a = +p.slice(0, 4) - +b.slice(0, 4);
    if (p.slice(4) < b.slice(4)) a--;
    if (a < 80) age.set(s.id, (age.get(s.id) ?? 0) + s.c);
  }
  for (const [id, c] of age) add('age_ineligible', id, c);

  // ================= finance =================
  type L = { unit: string; date: number; no: string; summary: string; code: string; acct: string; debit: number; credit: number; cp: string; settle: string; fund: string; inv: string };
  const lines: L[] = t.voucher.map((r) => {
    let debit = cents(r.debit ?? ''), credit = cents(r.credit ?? '');
    if (r.direction) (r.direction === '借' ? (debit = cents(r.amount)) : (credit = cents(r.amount)));
    const acct = `${r.account_code ?? ''} ${r.account_name ?? ''}`;
    const code = (r.account_code || (r.account_name ?? '').match(/^\d+/)?.[0] || '').trim();
    return { unit: r.unit, date: parseDate(r.voucher_date), no: r.voucher_no, summary: r.summary, code, acct, debit, credit, cp: r.counterparty ?? '', settle: r.settlement ?? '', fund: r.fund_source ?? '', inv: r.invoice_no ?? '' };
  });
  const vmap = new Map<string, L[]>();
  for (const l of lines) {
    const k = `${l.unit}|${ymOf(l.date)}|${l.no}`;
    (vmap.get(k) ?? vmap.set(k, []).get(k)!).push(l);
  }
  type V = { key: string; unit: string; date: number; summary: string; acct: string; exp: number; cash: number; cp: string; fund: string; inv: string };
  const vs: V[] = [];
  for (const [key, ls] of vmap) {
    const e5 = ls.filter((l) => l.code.startsWith('5') && l.debit > 0);
    const e7 = ls.filter((l) => l.code.startsWith('7') && l.debit > 0);
    const exp = (e5.length ? e5 : e7).reduce((s, l) => s + l.debit, 0);
    if (!exp) continue;
    const cash = ls.filter((l) => l.code.startsWith('1001') && l.credit > 0).reduce((s, l) => s + l.credit, 0);
    vs.push({ key, unit: ls[0].unit, date: ls[0].date, summary: ls[0].summary, acct: ls.map((l) => l.acct).join(' '), exp, cash, cp: ls[0].cp, fund: ls[0].fund, inv: ls[0].inv });
  }
  const proc = (t.procurement ?? []).map((p) => ({ unit: p.unit, vendor: p.vendor, c: cents(p.amount), date: parseDate(p.contract_date) }));
  const PERSONNEL = /工资|奖金|过节费|加班费/;
  const WORKS = /工程|基础设施建设|大型修缮/;
  const CATALOG = /台式计算机|便携式计算机|打印机|复印机|多功能一体机|服务器|空调|投影仪|复印纸/;
  for (const v of vs) {
    const text = v.summary + ' ' + v.acct;
    const works = WORKS.test(text);
    const goods = !works && !PERSONNEL.test(text);
    const covered = proc.some((p) => p.unit === v.unit && p.vendor === v.cp && p.c >= v.exp && Math.abs(p.date - v.date) <= 365);
    if (!covered && ((goods && v.exp >= 30000000) || (works && v.exp >= 60000000) || (CATALOG.test(v.summary) && v.exp >= 5000000))) add('no_procurement', v.key, v.exp);
    if (v.cash >= 100000 && /办公费|印刷费|咨询费|手续费|水费|电费|邮电费|物业管理费|差旅费|维修|租赁费|会议费|培训费|公务接待费|专用材料费|公务用车运行维护费|其他交通费用/.test(text)) add('no_official_card', v.key, v.cash);
    if (/补贴|津贴|奖金|福利|过节费|慰问|加班费|值班费|购物卡|超市卡/.test(text)) add('irregular_allowance', v.key, v.exp);
    if (/专项|扶贫|计划生育奖励|营养餐|救助|补助资金/.test(v.fund + v.summary) && /办公费|招待费|差旅费|车辆|会议费|津贴补贴/.test(text)) add('special_fund_diversion', v.key, v.exp);
    if (v.cash >= 5000000) add('large_cash', v.key, v.cash);
  }
  // split
  const sp = new Map<string, V[]>();
  for (const v of vs) {
    const text = v.summary + ' ' + v.acct;
    if (!v.cp || WORKS.test(text) || PERSONNEL.test(text) || v.exp >= 30000000) continue;
    const k = `${v.unit}|${v.cp}|${new Date(v.date * 86400000).getUTCFullYear()}`;
    (sp.get(k) ?? sp.set(k, []).get(k)!).push(v);
  }
  for (const [k, g] of sp) {
    const sum = g.reduce((s, v) => s + v.exp, 0);
    if (g.length < 2 || sum < 30000000) continue;
    const [unit, cp, y] = k.split('|');
    if (proc.some((p) => p.unit === unit && p.vendor === cp && new Date(p.date * 86400000).getUTCFullYear() === +y && p.c >= sum)) continue;
    add('split_purchase', k, sum);
  }
  // duplicate voucher
  const byCp = new Map<string, V[]>();
  for (const v of vs) if (v.cp) (byCp.get(`${v.unit}|${v.cp}|${v.exp}`) ?? byCp.set(`${v.unit}|${v.cp}|${v.exp}`, []).get(`${v.unit}|${v.cp}|${v.exp}`)!).push(v);
  for (const g of byCp.values()) {
    g.sort((a, b) => a.date - b.date);
    for (let i = 0; i < g.length; i++)
      for (let j = 0; j < i; j++) {
        const a = g[j], b = g[i];
        if ((a.inv && a.inv === b.inv) || (Math.abs(b.date - a.date) <= 30 && a.summary === b.summary)) add('duplicate_voucher', b.key, b.exp);
      }
  }

  // ================= payroll (SPEC §4.4) =================
  const payMonth = (x: string) => {
    const t = hw(x ?? '').trim();
    const m = t.match(/^(\d{4})年(\d{1,2})月$/) ?? t.match(/^(\d{4})(\d{2})$/) ?? t.match(/^(\d{4})-(\d{2})(?:-\d{2})?$/);
    return m ? `${m[1]}-${m[2].padStart(2, '0')}` : '';
  };
  const monthStart = (ym: string) => Date.UTC(+ym.slice(0, 4), +ym.slice(5, 7) - 1, 1) / 86400000;
  const pays = (t.payroll ?? []).map((r) => ({ unit: (r.unit ?? '').trim(), id: normId(r.id_number), month: payMonth(r.pay_month), item: r.item ?? '', c: r.net ? cents(r.net) : cents(r.gross ?? '') }));
  for (const x of pays) if (!x.month) throw new Error('bad payroll month ' + JSON.stringify(x));
  const pd = new Map<string, number>();
  for (const x of pays) {
    const dd = death.get(x.id);
    if (dd !== undefined && monthStart(x.month) - dd > 31) pd.set(x.id, (pd.get(x.id) ?? 0) + x.c);
  }
  for (const [id, c] of pd) add('payroll_deceased', id, c);
  const perMonth = new Map<string, Map<string, number>>();
  for (const x of pays) {
    if (/离退休|离休|退休/.test(x.item) || !x.unit) continue;
    const k = `${x.id}|${x.month}`;
    const m = perMonth.get(k) ?? perMonth.set(k, new Map()).get(k)!;
    m.set(x.unit, (m.get(x.unit) ?? 0) + x.c);
  }
  const dbl = new Map<string, number>();
  for (const [k, m] of perMonth) {
    if (m.size < 2) continue;
    const v = [...m.values()];
    const id = k.split('|')[0];
    dbl.set(id, (dbl.get(id) ?? 0) + v.reduce((a, b) => a + b, 0) - Math.max(...v));
  }
  for (const [id, c] of dbl) add('payroll_double', id, c);

  // ================= related_supplier (SPEC §4.5) =================
  const staff = (t.employee ?? []).map((e) => ({ id: normId(e.id_number), employer: e.employer, from: e.start_date ? parseDate(e.start_date) : -Infinity, to: e.end_date ? parseDate(e.end_date) : Infinity }));
  const kinOf = new Map<string, Set<string>>();
  for (const r of t.relation ?? []) {
    const a = normId(r.id_number_a), b = normId(r.id_number_b);
    (kinOf.get(a) ?? kinOf.set(a, new Set()).get(a)!).add(b);
    (kinOf.get(b) ?? kinOf.set(b, new Set()).get(b)!).add(a);
  }
  const rsVouchers = new Map<string, Map<string, number>>();
  const rsContracts = new Map<string, number[]>();
  const ROLE = /法定代表人|股东|投资人|出资人|合伙人|经营者/;
  for (const b of t.business) {
    if (b.role && !ROLE.test(b.role)) continue;
    const owner = normId(b.id_number);
    for (const e of staff) {
      if (e.id !== owner && !kinOf.get(owner)?.has(e.id)) continue;
      const subject = `${e.employer}|${b.company_name}`;
      for (const v of vs) {
        if (v.unit === e.employer && v.cp === b.company_name && v.date >= e.from && v.date <= e.to) (rsVouchers.get(subject) ?? rsVouchers.set(subject, new Map()).get(subject)!).set(v.key, v.exp);
      }
      for (const [i, p] of proc.entries()) {
        if (p.unit === e.employer && p.vendor === b.company_name && p.date >= e.from && p.date <= e.to) (rsContracts.get(subject) ?? rsContracts.set(subject, []).get(subject)!)[i] = p.c;
      }
    }
  }
  for (const subject of new Set([...rsVouchers.keys(), ...rsContracts.keys()])) {
    const paid = rsVouchers.get(subject);
    if (paid?.size) add('related_supplier', subject, [...paid.values()].reduce((a, b) => a + b, 0));
    else add('related_supplier', subject, (rsContracts.get(subject) ?? []).reduce((a, b) => a + (b ?? 0), 0));
  }

  // ================= 会计核算 (SPEC §4.6) =================
  // year_end_rush: a unit-year whose books cover 12 months and whose Nov–Dec expense is ≥ half the year and ≥ 100,000
  const covered = new Map<string, Set<number>>();
  for (const l of lines) {
    const k = `${l.unit}|${new Date(l.date * 86400000).getUTCFullYear()}`;
    (covered.get(k) ?? covered.set(k, new Set()).get(k)!).add(new Date(l.date * 86400000).getUTCMonth() + 1);
  }
  const yearExp = new Map<string, { all: number; end: number }>();
  for (const v of vs) {
    const d = new Date(v.date * 86400000);
    const k = `${v.unit}|${d.getUTCFullYear()}`;
    const e = yearExp.get(k) ?? yearExp.set(k, { all: 0, end: 0 }).get(k)!;
    e.all += v.exp;
    if (d.getUTCMonth() + 1 >= 11) e.end += v.exp;
  }
  for (const [k, e] of yearExp) if (covered.get(k)?.size === 12 && e.end >= 0.5 * e.all && e.end >= 10000000) add('year_end_rush', k, e.end);
  // stale_receivable: 往来 balances ≥ 10,000 at the unit's last voucher date whose oldest open part (FIFO) is > 730 days old
  const asOf = new Map<string, number>();
  for (const l of lines) asOf.set(l.unit, Math.max(asOf.get(l.unit) ?? -Infinity, l.date));
  const PREFIXES = ['1218', '1214', '2307', '1221', '1123', '2241'];
  const groupsW = new Map<string, { date: number; delta: number }[]>();
  for (const l of lines) {
    const prefix = PREFIXES.find((p) => l.code.startsWith(p));
    if (!prefix || !l.cp) continue;
    const k = `${l.unit}|${prefix}|${l.cp}`;
    (groupsW.get(k) ?? groupsW.set(k, []).get(k)!).push({ date: l.date, delta: prefix.startsWith('1') ? l.debit - l.credit : l.credit - l.debit });
  }
  for (const [k, g] of groupsW) {
    const balance = g.reduce((a, b) => a + b.delta, 0);
    if (balance < 1000000) continue;
    const dec = -g.filter((x) => x.delta < 0).reduce((a, b) => a + b.delta, 0);
    let run = 0;
    const oldest = g.filter((x) => x.delta > 0).sort((a, b) => a.date - b.date).find((x) => (run += x.delta) > dec)!;
    if (asOf.get(k.split('|')[0])! - oldest.date > 730) add('stale_receivable', k, balance);
  }
  // cash_receipt_spent: a voucher crediting 4xxx revenue and debiting an expense with no 1001/1002/1011/1201 line
  for (const [key, ls] of vmap) {
    const revenue = ls.filter((l) => l.code.startsWith('4') && l.credit > 0).reduce((a, b) => a + b.credit, 0);
    const e5 = ls.filter((l) => l.code.startsWith('5') && l.debit > 0);
    const e7 = ls.filter((l) => l.code.startsWith('7') && l.debit > 0);
    const exp = (e5.length ? e5 : e7).reduce((a, b) => a + b.debit, 0);
    if (revenue > 0 && exp > 0 && !ls.some((l) => /^(1001|1002|1011|1201)/.test(l.code))) add('cash_receipt_spent', key, Math.min(revenue, exp));
  }
  return [...leads.values()].sort((a, b) => (a.rule + a.subject < b.rule + b.subject ? -1 : 1));
}
