/**
 * Subsidy payouts (一卡通发放明细): one CSV per month under 一卡通发放明细/, all subsidy types together, plus
 * the annual 耕地地力保护补贴 XLSX files. Rows are generated month by month straight to the files (never
 * held in memory). Planted behaviour comes from per-person `Override`s; `tally` accumulates the cents of
 * every written row that matches a truth tag, so truth amounts equal exactly what was written.
 */
import { join } from 'node:path';
import { F, MONTHS, REF_DAY, firstDayOfMonth, monthOfDay, monthYM, type County, type Person } from './county.js';
import { Rng, birthday, day, fmtDate, fullWidth, yuan, yuanComma, type DateStyle } from './random.js';
import { CsvWriter, XlsxWriter, type Cell, type CsvEncoding } from './writers.js';

export const SUB = { DIBAO: 0, TEKUN: 1, PENSION: 2, GAOLING: 3, DIS_LIVING: 4, DIS_CARE: 5, GRAIN: 6 } as const;
export const SUB_NAMES = ['低保金', '特困人员供养金', '城乡居民基础养老金', '高龄津贴', '困难残疾人生活补贴', '重度残疾人护理补贴', '耕地地力保护补贴'];
export const PAY_DOM = [5, 5, 15, 20, 10, 10, 0];
/** grain subsidy: pay day and rate (cents per mu) per year */
export const GRAIN = {
  2023: { pay: day(2023, 5, 18), rate: 12500 },
  2024: { pay: day(2024, 5, 16), rate: 12600 },
} as const;
export type GrainYear = keyof typeof GRAIN;

export function payDay(m: number, type: number): number {
  const [y, mo] = monthYM(m);
  return day(y, mo, PAY_DOM[type]);
}
export function pensionCents(m: number): number {
  const [y] = monthYM(m);
  return y === 2022 ? 16800 : y === 2023 ? 18300 : 20300;
}
export function gaolingCents(age: number): number {
  return age >= 100 ? 30000 : age >= 90 ? 10000 : 5000;
}

export interface Tag {
  key: string; // "rule_id|subject_key"
  types?: number[];
  /** count rows with pay day ≥ from (inclusive) */
  from?: number;
  /** count rows with pay day ≤ to (inclusive) */
  to?: number;
  /** count only rows whose written account name differs from the recipient's name */
  nameDiffers?: boolean;
}
export interface Override {
  ignoreDeath?: boolean;
  /** no automatic (eligibility-based) payouts for this person */
  noAuto?: boolean;
  /** explicit payout streams, months inclusive */
  extra?: { type: number; fromM: number; toM: number; cents: number }[];
  /** account used from month fromM on (the last matching entry wins) */
  account?: { fromM: number; account: string; name: string }[];
  /** duplicate rows: in month m, the row of `type` is repeated once per extra pay-day offset */
  dup?: { type: number; m: number; offsets: number[] }[];
  /** write the account holder's name in this form (normalizes to the recipient's name) */
  nameForm?: string;
  tags?: Tag[];
  /** grain claims by year in tenths of a mu, replacing the contracted total */
  grainClaim?: Partial<Record<GrainYear, number>>;
}

export class Payouts {
  overrides = new Map<number, Override>();
  tally = new Map<string, number>();
  rowsWritten = 0;
  /** per person: the days they turn 60 / 80 / 90 / 100 (computed once, the month loop is hot) */
  private turn?: { t60: Int32Array; t80: Int32Array; t90: Int32Array; t100: Int32Array };
  constructor(private c: County) {}
  private thresholds() {
    if (this.turn && this.turn.t60.length === this.c.persons.length) return this.turn;
    const n = this.c.persons.length;
    const t = { t60: new Int32Array(n), t80: new Int32Array(n), t90: new Int32Array(n), t100: new Int32Array(n) };
    for (let i = 0; i < n; i++) {
      const b = this.c.persons[i].birth;
      t.t60[i] = birthday(b, 60);
      t.t80[i] = birthday(b, 80);
      t.t90[i] = birthday(b, 90);
      t.t100[i] = birthday(b, 100);
    }
    return (this.turn = t);
  }

  ov(p: number): Override {
    let o = this.overrides.get(p);
    if (!o) this.overrides.set(p, (o = {}));
    return o;
  }
  private count(p: Person, o: Override | undefined, type: number, pay: number, cents: number, accountName: string): void {
    if (!o?.tags) return;
    for (const t of o.tags) {
      if (t.types && !t.types.includes(type)) continue;
      if (t.from !== undefined && pay < t.from) continue;
      if (t.to !== undefined && pay > t.to) continue;
      if (t.nameDiffers && normName(accountName) === normName(p.name)) continue;
      this.tally.set(t.key, (this.tally.get(t.key) ?? 0) + cents);
    }
  }

  /** households grouped by village, in order (plant households included at the end of their village) */
  private villageHouseholds(): number[][] {
    const by: number[][] = this.c.villages.map(() => []);
    for (const h of this.c.households) by[h.village].push(h.idx);
    return by;
  }

  /** all payout rows of month m, in file order */
  *monthRows(m: number, byVillage: number[][]): Generator<PayRow> {
    const c = this.c;
    const P = c.persons;
    const mStart = firstDayOfMonth(m);
    const T = this.thresholds();
    const pd = PAY_DOM.map((_, type) => (type === SUB.GRAIN ? 0 : payDay(m, type)));
    const pension = pensionCents(m);
    for (const v of c.villages) {
      const town = c.towns[v.town].name;
      for (const hi of byVillage[v.idx]) {
        const h = c.households[hi];
        const dcase = c.dibaoByHh.get(hi);
        for (const pi of h.members) {
          const p = P[pi];
          const o = this.overrides.get(pi);
          const streams: [number, number][] = [];
          if (!o?.noAuto && !(p.flags & F.GHOST)) {
            if (dcase && dcase.headIdx === pi) {
              const pay = pd[SUB.DIBAO];
              if (dcase.start <= pay && (dcase.end === 0 || dcase.end >= mStart)) {
                let sum = 0;
                for (const v2 of dcase.memberCents.values()) sum += v2;
                streams.push([dcase.category === '特困供养' ? SUB.TEKUN : SUB.DIBAO, sum]);
              }
            }
            if (!(p.flags & F.EMPLOYEE) && pd[SUB.PENSION] >= T.t60[pi]) streams.push([SUB.PENSION, pension]);
            const g = pd[SUB.GAOLING];
            if (g >= T.t80[pi]) {
              const age = g >= T.t100[pi] ? 100 : g >= T.t90[pi] ? 90 : 80;
              streams.push([SUB.GAOLING, gaolingCents(age)]);
            }
            if (p.flags & F.DISABLED) {
              streams.push([SUB.DIS_LIVING, 9000]);
              if (pi % 2 === 0) streams.push([SUB.DIS_CARE, 11000]);
            }
          }
          if (o?.extra) for (const e of o.extra) if (m >= e.fromM && m <= e.toM) streams.push([e.type, e.cents]);
          if (!streams.length) continue;
          let account = p.account;
          let accountName = o?.nameForm ?? p.name;
          if (o?.account) for (const a of o.account) if (m >= a.fromM) ((account = a.account), (accountName = a.name));
          for (const [type, cents] of streams) {
            const pay = pd[type];
            if (p.death && pay > p.death + 31 && !o?.ignoreDeath) continue;
            const offsets = [0];
            if (o?.dup) for (const d of o.dup) if (d.m === m && d.type === type) offsets.push(...d.offsets);
            for (const off of offsets) {
              this.count(p, o, type, pay + off, cents, accountName);
              yield { town, village: v.name, name: p.name, id: p.id, type, cents, m, pay: pay + off, account, accountName, hid: h.hid };
            }
          }
        }
      }
    }
  }

  /** writes the 30 monthly files; returns their paths relative to outDir */
  writeMonths(outDir: string, seed: number, progress: (s: string) => void): string[] {
    const files: string[] = [];
    const byVillage = this.villageHouseholds();
    for (let m = 0; m < MONTHS; m++) {
      const [y, mo] = monthYM(m);
      const style = monthStyle(m);
      const rel = `一卡通发放明细/${y}年${String(mo).padStart(2, '0')}月.csv`;
      const w = new CsvWriter(join(outDir, rel), style.enc);
      const rng = Rng.derive(seed, `month-${m}`);
      if (style.variant === 0) {
        w.line(`${'滨海县'}${y}年${mo}月惠民惠农财政补贴资金“一卡通”发放明细`);
        w.line('制表单位：滨海县财政局（盖章）　　　　单位：元');
        w.row(['序号', '乡镇', '村(社区)', '姓名', '身份证号码', '补贴项目', '发放金额', '发放期间', '银行账号', '账户名', '发放日期']);
      } else if (style.variant === 1) {
        w.line(`${y}年${mo}月一卡通补贴资金发放清册`);
        w.row(['乡镇(街道)', '村居', '人员姓名', '公民身份号码', '项目名称', '实发金额', '所属期', '一卡通账号', '户名', '入账日期']);
      } else {
        w.row(['镇街', '行政村', '姓名', '证件号码', '资金项目', '金额', '卡号', '开户人', '发放时间']);
      }
      let n = 0;
      let total = 0;
      const dateCache = new Map<number, string>();
      const q = (x: string) => (x.includes(',') ? `"${x}"` : x);
      for (const r of this.monthRows(m, byVillage)) {
        n++;
        total += r.cents;
        let id = r.id;
        if (style.fwIds && rng.chance(0.01)) id = fullWidth(id);
        let amt = fmtMoney(r.cents, style.money);
        if (style.fwMoney && rng.chance(0.01)) amt = fullWidth(amt);
        amt = q(amt);
        const acct = style.spacedAccounts ? r.account.replace(/(\d{4})(?=\d)/g, '$1 ') : r.account;
        let date = dateCache.get(r.pay);
        if (date === undefined) dateCache.set(r.pay, (date = fmtDate(r.pay, style.date)));
        const [py, pm] = monthYM(r.m);
        const t = SUB_NAMES[r.type];
        // names, places and accounts never contain commas or quotes; only amounts may (1,234.50)
        if (style.variant === 0) w.raw(`${n},${r.town},${r.village},${r.name},${id},${t},${amt},${py}-${pm < 10 ? '0' : ''}${pm},${acct},${r.accountName},${date}\r\n`);
        else if (style.variant === 1) w.raw(`${r.town},${r.village},${r.name},${id},${t},${amt},${py}年${pm}月,${acct},${r.accountName},${date}\r\n`);
        else w.raw(`${r.town},${r.village},${r.name},${id},${t},${amt},${acct},${r.accountName},${date}\r\n`);
      }
      this.rowsWritten += n;
      if (style.variant === 0) w.row(['合计', '', '', `${n}人次`, '', '', yuan(total), '', '', '', '']);
      else if (style.variant === 1) w.row(['合计', '', '', '', '', yuan(total), '', '', '', '']);
      else w.row(['总计', '', '', '', '', yuan(total), '', '', '']);
      w.close();
      files.push(rel);
      progress(`subsidy ${rel}: ${n} rows`);
    }
    return files;
  }

  /** the annual 耕地地力保护补贴 files (XLSX); contractors are paid their contracted total unless overridden */
  async writeGrain(outDir: string, extraClaims: { p: number; year: GrainYear; area10: number }[]): Promise<string[]> {
    const c = this.c;
    const totals = new Map<number, number>();
    for (const l of c.land) totals.set(l.p, (totals.get(l.p) ?? 0) + l.area10);
    const files: string[] = [];
    for (const year of [2023, 2024] as GrainYear[]) {
      const g = GRAIN[year];
      const rel = `耕地地力保护补贴_${year}.xlsx`;
      const w = new XlsxWriter(join(outDir, rel), `${year}年`);
      w.line(`${'滨海县'}${year}年度耕地地力保护补贴发放花名册`, 'L');
      w.row(['序号', '乡镇', '村', '姓名', '身份证号码', '补贴项目', '补贴面积', '补贴标准', '发放金额', '发放日期', '银行账号', '户名']);
      let n = 0;
      let total = 0;
      const claims: { p: number; area10: number }[] = [];
      const contractors = [...totals.keys()].sort((a, b) => a - b);
      for (const p of contractors) {
        const o = this.overrides.get(p);
        const area10 = o?.grainClaim?.[year] ?? totals.get(p)!;
        claims.push({ p, area10 });
      }
      for (const e of extraClaims) if (e.year === year) claims.push({ p: e.p, area10: e.area10 });
      claims.sort((a, b) => c.persons[a.p].hh - c.persons[b.p].hh || a.p - b.p);
      for (const { p: pi, area10 } of claims) {
        const p = c.persons[pi];
        const o = this.overrides.get(pi);
        if (p.death && g.pay > p.death + 31 && !o?.ignoreDeath) continue;
        if (area10 <= 0) continue;
        const cents = (area10 * g.rate) / 10;
        const h = c.households[p.hh];
        const v = c.villages[h.village];
        let account = p.account;
        let accountName = o?.nameForm ?? p.name;
        const gm = monthOfDay(g.pay);
        if (o?.account) for (const a of o.account) if (gm >= a.fromM) ((account = a.account), (accountName = a.name));
        this.count(p, o, SUB.GRAIN, g.pay, cents, accountName);
        n++;
        total += cents;
        await w.add([
          n, c.towns[v.town].name, v.name, p.name, p.id, SUB_NAMES[SUB.GRAIN], area10 / 10, yuan(g.rate), cents / 100,
          year === 2023 ? { date: g.pay } : fmtDate(g.pay, 'cn'), account, accountName,
        ]);
      }
      w.row(['合计', '', '', '', '', '', '', '', total / 100, '', '', '']);
      await w.close();
      files.push(rel);
    }
    return files;
  }
}

export interface PayRow {
  town: string;
  village: string;
  name: string;
  id: string;
  type: number;
  cents: number;
  m: number;
  pay: number;
  account: string;
  accountName: string;
  hid: string;
}

type MoneyStyle = 'plain' | 'comma' | 'yen';
function fmtMoney(cents: number, s: MoneyStyle): string {
  if (s === 'plain') return yuan(cents);
  if (s === 'comma') return yuanComma(cents);
  return '￥' + yuanComma(cents);
}
export interface MonthStyle {
  enc: CsvEncoding;
  variant: 0 | 1 | 2;
  date: DateStyle;
  money: MoneyStyle;
  spacedAccounts: boolean;
  fwIds: boolean;
  fwMoney: boolean;
}
export function monthStyle(m: number): MonthStyle {
  const encs: CsvEncoding[] = ['utf8bom', 'gb18030', 'utf8'];
  const dates: DateStyle[] = ['iso', 'slash', 'cn', 'compact', 'dot'];
  const money: MoneyStyle[] = ['plain', 'comma', 'yen', 'plain'];
  return {
    enc: encs[m % 3],
    variant: (Math.floor(m / 3) % 3) as 0 | 1 | 2,
    date: dates[m % 5],
    money: money[m % 4],
    spacedAccounts: m % 4 === 1,
    fwIds: m % 6 === 2,
    fwMoney: m % 6 === 4,
  };
}

/** SPEC §3.1 name normalization (the comparisons the rules make) */
export function normName(s: string): string {
  return s
    .replace(/[\s\u3000\u200b\u200c\u200d\ufeff]/g, '')
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[·•・‧･]/g, '·');
}
void REF_DAY;
