/**
 * Payroll (工资发放明细, SPEC §3 `payroll`): what the county's public employees and the units' 离退休 staff are paid
 * each month of 2023-01 … 2024-12, as pay streams (one unit paying one person one item over a run of months),
 * written out row by row in the three forms teams receive:
 *
 *  财政统发工资明细.csv        GB18030, 2 title rows, 单位名称/姓名/身份证号码/工资月份 (2023年03月)/人员类别 (在职, 离退休)/
 *                             基本工资/应发合计/代扣合计/实发合计 with thousands separators, a 小计 row after each month, 合计
 *                             at the end; a few names written with an inner space. All units except the hospitals.
 *  单位工资表.xlsx             the hospitals' own salary sheet: merged title row, 发放单位/职工姓名/身份证号/所属月份 (a real
 *                             date cell, the 1st of the month)/工资项目/应发工资: no 实发 column, so amounts are gross.
 *  离退休人员待遇发放表.csv    UTF-8 BOM, the hospitals' retirees: 发放单位/姓名/证件号码/发放月份 (202303)/发放类型/应发金额/实发金额.
 *
 * Background invariants (no payroll rule fires on it): every employee is paid by one unit (their employer) in the
 * months they are employed; employees never die (county.ts); a retiree is paid through the month of death and, for
 * some, the next month too (whose first day is at most 31 days after the death); retirees are not employees.
 */
import { join } from 'node:path';
import { F, REF_DAY, type County } from './county.js';
import { EMPLOYERS } from './names.js';
import { Rng, ageOn, day, ymd, yuan, yuanComma } from './random.js';
import type { SourceEntry } from './tables.js';
import { CsvWriter, XlsxWriter } from './writers.js';

/** pay months 0 … 23 = 2023-01 … 2024-12 */
export const PAY_MONTHS = 24;
export function payMonthYM(m: number): [number, number] {
  return [2023 + Math.floor(m / 12), (m % 12) + 1];
}
export function payMonthText(m: number): string {
  const [y, mo] = payMonthYM(m);
  return `${y}-${String(mo).padStart(2, '0')}`;
}
export function payMonthStart(m: number): number {
  const [y, mo] = payMonthYM(m);
  return day(y, mo, 1);
}
/** the pay month a day falls in (may be < 0 or ≥ PAY_MONTHS) */
export function payMonthOf(dn: number): number {
  const [y, mo] = ymd(dn);
  return (y - 2023) * 12 + (mo - 1);
}

/** units that pay their own staff (单位工资表.xlsx, gross only) and their retirees (离退休人员待遇发放表.csv) */
export const SELF_PAYING = new Set(['滨海县人民医院', '滨海县中医院']);
export const RETIRED_ITEM = '离退休';

export type PayFile = 'tongfa' | 'unit' | 'retired';
export interface PayStream {
  p: number;
  unit: string;
  /** 工资项目 / 人员类别: '在职', '离退休', or an item of a unit sheet ('基本工资', '绩效工资') */
  item: string;
  from: number;
  to: number;
  gross: number;
  net: number;
  /** more months than from..to, e.g. a duplicate payment or back pay: [month, gross, net] */
  extraMonths?: [number, number, number][];
}

export function fileOf(s: Pick<PayStream, 'unit' | 'item'>): PayFile {
  if (!SELF_PAYING.has(s.unit)) return 'tongfa';
  return s.item === RETIRED_ITEM ? 'retired' : 'unit';
}
/** what a payroll rule counts for one written row: 实发 when the file has it, else 应发 */
export function countedCents(s: PayStream, gross: number, net: number): number {
  return fileOf(s) === 'unit' ? gross : net;
}

const BASE: Record<string, [number, number]> = {
  教师: [650000, 850000], 医师: [700000, 1000000], 护士: [550000, 750000], 科员: [500000, 700000], 民警: [600000, 800000],
  技术员: [500000, 650000],
};

export class Payroll {
  streams: PayStream[] = [];
  /** people whose pay is planted: no background stream is made for them */
  planted = new Set<number>();
  rowsWritten = 0;
  private rng: Rng;
  constructor(
    private c: County,
    seed: number,
  ) {
    this.rng = Rng.derive(seed, 'payroll');
  }

  /** a salary (gross, net) in cents for a position: gross in whole yuan, net 76–82% of it */
  salary(position: string): [number, number] {
    const [lo, hi] = BASE[position] ?? [500000, 700000];
    const gross = Math.round(this.rng.int(lo, hi) / 100) * 100;
    const net = Math.round((gross * this.rng.int(76, 82)) / 100);
    return [gross, net];
  }

  buildBackground(): void {
    const c = this.c;
    const r = this.rng;
    for (const e of c.employees) {
      if (this.planted.has(e.p)) continue;
      const from = Math.max(0, payMonthOf(e.start));
      const to = Math.min(PAY_MONTHS - 1, e.end ? payMonthOf(e.end) : PAY_MONTHS - 1);
      if (from > to) continue;
      const [gross, net] = this.salary(e.position);
      const item = SELF_PAYING.has(e.employer) ? r.pick(['基本工资及津补贴', '工资']) : '在职';
      this.streams.push({ p: e.p, unit: e.employer, item, from, to, gross, net });
    }
    // 离退休: ~4% of people aged 62+ outside dibao, cadre, employee and plant households, retired before 2023
    for (const p of c.persons) {
      if (p.flags & (F.PLANT | F.GHOST | F.DIBAO | F.EMPLOYEE | F.CADRE)) continue;
      if (c.households[p.hh].flags & (F.DIBAO | F.PLANT | F.GHOST)) continue;
      if (ageOn(p.birth, REF_DAY) < 62 || !r.chance(0.04)) continue;
      if (this.planted.has(p.idx)) continue;
      const deathM = p.death ? payMonthOf(p.death) : PAY_MONTHS;
      if (deathM < 0) continue;
      const gross = Math.round(r.int(300000, 550000) / 10) * 10;
      // paid through the month of death; for some also the next month (its first day ≤ 31 days after the death)
      const to = Math.min(PAY_MONTHS - 1, p.death ? deathM + (r.chance(0.3) ? 1 : 0) : PAY_MONTHS - 1);
      this.streams.push({ p: p.idx, unit: r.pick(EMPLOYERS)[0], item: RETIRED_ITEM, from: 0, to, gross, net: gross - r.int(0, 3) * 1000 });
    }
  }

  /** all rows of a file, in file order: [stream, month, gross, net] */
  private rows(file: PayFile): [PayStream, number, number, number][] {
    const out: [PayStream, number, number, number][] = [];
    for (const s of this.streams) {
      if (fileOf(s) !== file) continue;
      for (let m = s.from; m <= s.to; m++) out.push([s, m, s.gross, s.net]);
      for (const [m, g, n] of s.extraMonths ?? []) out.push([s, m, g, n]);
    }
    const key = ([s, m]: [PayStream, number, number, number]) => (file === 'unit' ? [s.unit, m] : [m, s.unit]);
    out.sort((a, b) => {
      const [a1, a2] = key(a);
      const [b1, b2] = key(b);
      return a1 < b1 ? -1 : a1 > b1 ? 1 : a2 < b2 ? -1 : a2 > b2 ? 1 : a[0].p - b[0].p || (a[0].item < b[0].item ? -1 : a[0].item > b[0].item ? 1 : 0);
    });
    return out;
  }

  async write(outDir: string, seed: number): Promise<SourceEntry[]> {
    const c = this.c;
    const P = c.persons;
    const rng = Rng.derive(seed, 'payroll-files');
    const out: SourceEntry[] = [];
    {
      const rel = '财政统发工资明细.csv';
      const w = new CsvWriter(join(outDir, rel), 'gb18030');
      w.line('滨海县财政统一发放工资明细表（2023年1月—2024年12月）');
      w.line('制表单位：滨海县财政局国库集中支付中心　　　　金额单位：元');
      w.row(['序号', '单位名称', '姓名', '身份证号码', '工资月份', '人员类别', '基本工资', '应发合计', '代扣合计', '实发合计']);
      let n = 0;
      let month = -1;
      let mg = 0;
      let mn = 0;
      let tg = 0;
      let tn = 0;
      const subtotal = () => {
        const [y, mo] = payMonthYM(month);
        w.row(['小计', `${y}年${mo}月`, '', '', '', '', '', yuanComma(mg), yuanComma(mg - mn), yuanComma(mn)]);
        mg = mn = 0;
      };
      for (const [s, m, g, nt] of this.rows('tongfa')) {
        if (m !== month) {
          if (month >= 0) subtotal();
          month = m;
        }
        const p = P[s.p];
        const [y, mo] = payMonthYM(m);
        const name = rng.chance(0.01) && p.name.length >= 2 ? p.name[0] + ' ' + p.name.slice(1) : p.name;
        w.row([++n, s.unit, name, p.id, `${y}年${String(mo).padStart(2, '0')}月`, s.item, yuanComma(Math.round(g * 0.6)), yuanComma(g), yuanComma(g - nt), yuanComma(nt)]);
        mg += g;
        mn += nt;
        tg += g;
        tn += nt;
      }
      if (month >= 0) subtotal();
      w.row(['合计', '', `${n}人次`, '', '', '', '', yuanComma(tg), yuanComma(tg - tn), yuanComma(tn)]);
      w.close();
      this.rowsWritten += n;
      out.push({ table: 'payroll', path: rel });
    }
    {
      const rel = '单位工资表.xlsx';
      const w = new XlsxWriter(join(outDir, rel), '工资表');
      w.line('滨海县卫生健康系统单位自发工资表', 'F');
      w.row(['发放单位', '职工姓名', '身份证号', '所属月份', '工资项目', '应发工资']);
      let n = 0;
      let total = 0;
      for (const [s, m, g] of this.rows('unit')) {
        const p = P[s.p];
        await w.add([s.unit, p.name, p.id, { date: payMonthStart(m) }, s.item, g / 100]);
        n++;
        total += g;
      }
      w.row(['合计', '', '', null, '', total / 100]);
      await w.close();
      this.rowsWritten += n;
      out.push({ table: 'payroll', path: rel });
    }
    {
      const rel = '离退休人员待遇发放表.csv';
      const w = new CsvWriter(join(outDir, rel), 'utf8bom');
      w.row(['发放单位', '姓名', '证件号码', '发放月份', '发放类型', '应发金额', '实发金额']);
      let n = 0;
      for (const [s, m, g, nt] of this.rows('retired')) {
        const p = P[s.p];
        const [y, mo] = payMonthYM(m);
        w.row([s.unit, p.name, p.id, `${y}${String(mo).padStart(2, '0')}`, s.item, yuan(g), yuan(nt)]);
        n++;
      }
      w.close();
      this.rowsWritten += n;
      out.push({ table: 'payroll', path: rel });
    }
    return out;
  }
}
