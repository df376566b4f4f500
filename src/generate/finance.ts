/**
 * Finance side: inspected units' vouchers (政府会计制度 double recording: 5xxx 费用 + 7xxx 预算支出, credits
 * 1011/1002/1001 and 8001 资金结存) and government procurement records.
 *
 * Background invariants (no finance rule fires on it):
 *  - every expense voucher is < 50,000 except salaries (personnel, no counterparty) and the procurement-covered
 *    look-alikes; catalog items (复印纸, 打印机…) only in small amounts;
 *  - cash (1001) only for amounts < 1,000; office expenses are paid by 公务卡 or transfer;
 *  - no summary or account names 补贴/津贴/奖金/福利/过节费/慰问/加班费/值班费/购物卡/超市卡;
 *  - special funds (专项, 扶贫, 营养餐, 救助, 补助资金 …) only pay their own purpose (工程, 营养餐配送);
 *  - per unit, counterparty and year the goods/services total stays < 300,000 unless a procurement record of at
 *    least that total exists; (counterparty, amount) pairs never repeat within a unit, invoice numbers are unique.
 */
import { join } from 'node:path';
import { COUNTY, type County } from './county.js';
import { Rng, day, fmtDate, ymd, yuan, yuanComma } from './random.js';
import { COMPANY_WORDS } from './names.js';
import { CsvWriter, XlsxWriter } from './writers.js';
import type { SourceEntry } from './tables.js';

export type Credit = '1011' | '1002' | '1001';
/** a line of a voucher whose lines are given explicitly (往来, 收入 vouchers); amounts in cents */
export interface CustomLine {
  code: string;
  name: string;
  debit: number;
  credit: number;
}
export interface Voucher {
  unit: number;
  date: number;
  seq: number;
  summary: string;
  /** expense vouchers: economic class */
  econ?: [string, string];
  exp?: '5001' | '5101';
  cents: number;
  credit: Credit | 'income' | 'withdraw' | 'custom';
  /** the lines of a 'custom' voucher */
  lines?: CustomLine[];
  settlement: '公务卡' | '转账' | '现金' | '';
  counterparty: string;
  fund: string;
  invoice: string;
  no?: string;
}
export interface Unit {
  idx: number;
  name: string;
  admin: boolean; // 行政单位 (7101) vs 事业单位 (7201)
  staff: number;
  format: 0 | 1 | 2;
  /** books start in this month (0 = 2023-01); a unit set up during the data period */
  fromMonth?: number;
}
export interface ProcRec {
  unit: number;
  project: string;
  category: string;
  vendor: string;
  cents: number;
  date: number;
  method: string;
  no: string;
}

const BUREAUS: [string, boolean][] = [
  ['滨海县民政局', true], ['滨海县农业农村局', true], ['滨海县卫生健康委员会', true], ['滨海县教育局', true], ['滨海县住房和城乡建设局', true],
  ['滨海县水务局', true], ['滨海县交通运输局', true], ['滨海县文化广电和旅游局', true], ['滨海县人力资源和社会保障局', true], ['滨海县市场监督管理局', true],
  ['滨海县自然资源和规划局', true], ['滨海县应急管理局', true], ['滨海县商务局', true], ['滨海县退役军人事务局', true], ['滨海县医疗保障局', true],
  ['滨海县档案馆', false], ['滨海县图书馆', false], ['滨海县人民医院', false], ['滨海县疾病预防控制中心', false], ['滨海县中医院', false],
];

export const ECON: Record<string, [string, string]> = {
  办公费: ['30201', '办公费'], 印刷费: ['30202', '印刷费'], 水费: ['30205', '水费'], 电费: ['30206', '电费'], 邮电费: ['30207', '邮电费'],
  物业管理费: ['30209', '物业管理费'], 差旅费: ['30211', '差旅费'], 维修费: ['30213', '维修(护)费'], 租赁费: ['30214', '租赁费'],
  会议费: ['30215', '会议费'], 培训费: ['30216', '培训费'], 公务接待费: ['30217', '公务接待费'], 专用材料费: ['30218', '专用材料费'],
  劳务费: ['30226', '劳务费'], 委托业务费: ['30227', '委托业务费'], 公务用车运行维护费: ['30231', '公务用车运行维护费'],
  其他商品和服务支出: ['30299', '其他商品和服务支出'], 基本工资: ['30101', '基本工资'], 奖金: ['30103', '奖金'],
  办公设备购置: ['31002', '办公设备购置'], 专用设备购置: ['31003', '专用设备购置'], 基础设施建设: ['31005', '基础设施建设'], 大型修缮: ['31006', '大型修缮'],
};

export class Finance {
  units: Unit[] = [];
  vouchers: Voucher[] = [];
  procurement: ProcRec[] = [];
  private seq = 0;
  private invoiceSeq = 0;
  private usedVendors = new Set<string>();
  private usedPairs = new Set<string>();
  /** callbacks run after voucher numbers are assigned */
  afterNumbering: (() => void)[] = [];

  constructor(
    readonly c: County,
    readonly scale: number,
    readonly rng: Rng,
  ) {}

  /**
   * A fresh vendor name. It names no other vendor and no company of the business table as the rules match
   * companies (xc_company_match: equal after normalization, or one containing the other), so a payment never
   * links to a company by accident (related_supplier) and two vendors never merge.
   */
  vendor(kind: string): string {
    const r = this.rng;
    if (!this.businessNorms) this.businessNorms = this.c.businesses.map((b) => normCompany(b.company));
    for (;;) {
      const w = r.pick(COMPANY_WORDS) + r.pick(COMPANY_WORDS) + (this.usedVendors.size > 400 ? r.pick(COMPANY_WORDS) : '');
      const name = kind.startsWith('江苏') ? `江苏${w}${kind.slice(2)}` : `${COUNTY}${w}${kind}`;
      if (this.usedVendors.has(name)) continue;
      const n = normCompany(name);
      if (this.vendorNorms.some((x) => companyMatch(n, x)) || this.businessNorms.some((x) => companyMatch(n, x))) continue;
      this.usedVendors.add(name);
      this.vendorNorms.push(n);
      return name;
    }
  }
  private vendorNorms: string[] = [];
  private businessNorms?: string[];
  invoice(d: number): string {
    const [y] = ymd(d);
    return `${String(y).slice(2)}32${String(1000000000000 + this.invoiceSeq++ * 7 + this.rng.int(0, 6)).slice(-14)}00`.slice(0, 20);
  }
  /** cents not yet used with this counterparty in this unit (so no accidental duplicate_voucher pairs) */
  private uniqueCents(u: number, cp: string, cents: number): number {
    let v = cents;
    while (this.usedPairs.has(`${u}|${cp}|${v}`)) v += this.rng.int(1, 97);
    this.usedPairs.add(`${u}|${cp}|${v}`);
    return v;
  }

  add(v: Omit<Voucher, 'seq'>): Voucher {
    const full: Voucher = { ...v, seq: this.seq++ };
    if (full.credit !== 'income' && full.credit !== 'withdraw' && full.credit !== 'custom') full.cents = this.uniqueCents(full.unit, full.counterparty, full.cents);
    this.vouchers.push(full);
    return full;
  }
  /** an expense voucher with the usual defaults */
  expense(u: number, date: number, cat: keyof typeof ECON, summary: string, cents: number, credit: Credit, settlement: Voucher['settlement'], counterparty: string, fund = '一般公共预算-基本支出', invoice?: string): Voucher {
    return this.add({
      unit: u, date, summary, econ: ECON[cat], exp: this.units[u].admin || cat === '基本工资' ? '5001' : this.rng.chance(0.5) ? '5001' : '5101',
      cents, credit, settlement, counterparty, fund, invoice: invoice ?? (counterparty && cat !== '基本工资' && cat !== '差旅费' ? this.invoice(date) : ''),
    });
  }
  voucherKey(v: Voucher): string {
    const [y, m] = ymd(v.date);
    return `${this.units[v.unit].name}|${y}-${String(m).padStart(2, '0')}|${v.no}`;
  }

  /** units with books for the whole data period (plants rotate over these) */
  fullUnits(): Unit[] {
    return this.units.filter((u) => u.fromMonth === undefined);
  }

  buildUnits(): void {
    const n = Math.max(3, Math.round(6 * this.scale));
    const names: [string, boolean][] = [...BUREAUS];
    for (const t of this.c.towns) names.push([t.street ? `${t.name}办事处` : `${t.name}人民政府`, true]);
    for (const t of this.c.towns) if (!t.street) names.push([`${t.name}卫生院`, false]);
    for (let i = 1; names.length < n; i++) names.push([`${COUNTY}第${'一二三四五六七八九十'[(i - 1) % 10]}${i > 10 ? '分' : ''}中学${i > 10 ? i : ''}`, false]);
    for (let i = 0; i < n; i++) {
      const [name, admin] = names[i];
      this.units.push({ idx: i, name, admin, staff: this.rng.int(18, 45), format: (i % 3) as 0 | 1 | 2 });
    }
    // a unit set up in July 2024 (数据局): its books cover half a year (year_end_rush look-alike, plant-ledger.ts)
    this.units.push({ idx: n, name: `${COUNTY}数据局`, admin: true, staff: this.rng.int(10, 14), format: 0, fromMonth: 18 });
  }

  buildBackground(): void {
    const r = this.rng;
    for (const u of this.units) {
      const vendors = {
        office: Array.from({ length: 4 }, () => this.vendor('文化办公用品商行')),
        print: Array.from({ length: 2 }, () => this.vendor('印务有限公司')),
        repair: Array.from({ length: 3 }, () => this.vendor('机电维修服务部')),
        hotel: Array.from({ length: 2 }, () => this.vendor('大酒店有限公司')),
        food: Array.from({ length: 3 }, () => this.vendor('饭店')),
        train: Array.from({ length: 2 }, () => this.vendor('职业培训学校')),
        material: Array.from({ length: 2 }, () => this.vendor('商贸有限公司')),
      };
      const staffNames = Array.from({ length: 12 }, () => this.c.newName(r.chance(0.6)));
      const fuel = '中国石化销售股份有限公司江苏盐城滨海分公司';
      for (const year of [2023, 2024]) {
        for (let mo = 1; mo <= 12; mo++) {
          if ((year - 2023) * 12 + mo - 1 < (u.fromMonth ?? 0)) continue;
          const d = (dd: number) => day(year, mo, Math.min(28, Math.max(1, dd)));
          const mm = `${year}年${mo}月`;
          this.add({ unit: u.idx, date: d(2), summary: `收到${mm}财政授权支付额度`, cents: u.staff * r.int(9000, 12000) * 100, credit: 'income', settlement: '', counterparty: '', fund: '一般公共预算', invoice: '' });
          this.expense(u.idx, d(10), '基本工资', `发放${mm}工资`, u.staff * r.int(4800, 6200) * 100, '1011', '转账', '');
          this.expense(u.idx, d(r.int(15, 22)), '电费', `支付${mm}电费`, r.int(200000, 1500000), '1011', '转账', '国网江苏省电力有限公司滨海县供电分公司');
          this.expense(u.idx, d(r.int(15, 22)), '水费', `支付${mm}水费`, r.int(30000, 300000), '1011', '转账', '滨海县自来水有限公司');
          this.expense(u.idx, d(r.int(10, 25)), '邮电费', `支付${mm}电话网络邮电费`, r.int(50000, 300000), '1011', '转账', '中国电信股份有限公司滨海分公司');
          const nOffice = r.int(1, 3);
          for (let i = 0; i < nOffice; i++)
            this.expense(u.idx, d(r.int(3, 27)), '办公费', r.pick(['购买办公用品', '购买复印纸、墨盒等办公费', '报销办公费（文具）', '购买打印耗材办公费']), r.int(30000, 900000), r.chance(0.7) ? '1011' : '1002', r.chance(0.7) ? '公务卡' : '转账', r.pick(vendors.office));
          const nTravel = r.int(1, 4);
          for (let i = 0; i < nTravel; i++)
            this.expense(u.idx, d(r.int(3, 27)), '差旅费', `报销${r.pick(['赴南京', '赴盐城', '赴上海', '赴苏州', '赴北京'])}${r.pick(['学习', '开会', '办事', '考察'])}差旅费`, r.int(30000, 600000), '1011', '公务卡', r.pick(staffNames));
          if (r.chance(0.5)) this.expense(u.idx, d(r.int(3, 27)), '公务用车运行维护费', '公务用车加油费', r.int(20000, 300000), '1011', '公务卡', fuel);
          if (r.chance(0.35)) this.expense(u.idx, d(r.int(3, 27)), '维修费', r.pick(['办公设备维修费', '空调维修费', '办公楼水电维修费']), r.int(50000, 2000000), '1011', r.chance(0.5) ? '公务卡' : '转账', r.pick(vendors.repair));
          if (r.chance(0.25)) this.expense(u.idx, d(r.int(3, 27)), '印刷费', r.pick(['印制宣传资料印刷费', '印刷工作手册印刷费', '文件汇编印刷费']), r.int(80000, 2000000), '1011', '转账', r.pick(vendors.print));
          if (r.chance(0.2)) this.expense(u.idx, d(r.int(3, 27)), '会议费', r.pick(['召开年度工作会议会议费', '业务工作推进会会议费']), r.int(200000, 3000000), '1011', '转账', r.pick(vendors.hotel));
          if (r.chance(0.15)) this.expense(u.idx, d(r.int(3, 27)), '培训费', '业务骨干培训班培训费', r.int(200000, 3000000), '1011', '转账', r.pick(vendors.train));
          if (r.chance(0.3)) this.expense(u.idx, d(r.int(3, 27)), '公务接待费', '上级检查工作公务接待费', r.int(30000, 250000), '1011', '公务卡', r.pick(vendors.food));
          if (r.chance(0.2)) this.expense(u.idx, d(r.int(3, 27)), '专用材料费', '购买业务专用材料费', r.int(100000, 4000000), '1011', '转账', r.pick(vendors.material));
          if (r.chance(0.3)) {
            const dd = d(r.int(3, 27));
            this.add({ unit: u.idx, date: dd, summary: '从零余额账户提取备用金', cents: r.int(200000, 1000000), credit: 'withdraw', settlement: '', counterparty: '', fund: '一般公共预算-基本支出', invoice: '' });
            this.expense(u.idx, dd + 1, '邮电费', '现金购买邮票邮电费', r.int(5000, 60000), '1001', '现金', '中国邮政集团有限公司滨海县分公司');
          }
        }
      }
      if (u.fromMonth === undefined && r.chance(0.3)) {
        // unrelated procurement record (a contract whose payments fall outside the data)
        const vv = this.vendor('科技有限公司');
        this.procurement.push({ unit: u.idx, project: '信息化平台建设项目', category: '信息技术服务', vendor: vv, cents: r.int(30, 90) * 1000000, date: day(2022, r.int(1, 12), r.int(1, 28)), method: '公开招标', no: this.contractNo(2022) });
      }
    }
  }

  private contractSeq = 0;
  contractNo(year: number): string {
    return `BHCG-${year}-${String(++this.contractSeq).padStart(4, '0')}`;
  }

  /** sorts each unit-month, assigns voucher numbers (restart monthly), then runs afterNumbering callbacks */
  number(): void {
    this.vouchers.sort((a, b) => a.unit - b.unit || a.date - b.date || a.seq - b.seq);
    let last = '';
    let n = 0;
    for (const v of this.vouchers) {
      const [y, m] = ymd(v.date);
      const k = `${v.unit}|${y}|${m}`;
      if (k !== last) ((last = k), (n = 0));
      v.no = String(++n);
    }
    for (const f of this.afterNumbering) f();
  }

  /** writes one voucher file per unit and the procurement file; returns pipeline sources */
  async write(outDir: string): Promise<SourceEntry[]> {
    const out: SourceEntry[] = [];
    for (const u of this.units) {
      const vs = this.vouchers.filter((v) => v.unit === u.idx);
      const lines: Line[] = [];
      for (const v of vs) lines.push(...voucherLines(v, u));
      if (u.format === 0) {
        const rel = `会计凭证/${u.name}_序时账.csv`;
        const w = new CsvWriter(join(outDir, rel), 'utf8bom');
        w.line(`${u.name}2023-2024年度序时账`);
        w.row(['核算单位', '凭证日期', '凭证号', '分录号', '摘要', '科目编码', '科目名称', '借方金额', '贷方金额', '往来单位', '结算方式', '资金来源', '发票号']);
        let td = 0;
        for (const l of lines) {
          td += l.debit;
          w.row([u.name, fmtDate(l.v.date, 'iso'), l.v.no, l.lineNo, l.v.summary, l.code, l.name, l.debit ? yuanComma(l.debit) : '', l.credit ? yuanComma(l.credit) : '', l.v.counterparty, l.v.settlement, l.v.fund, l.v.invoice]);
        }
        w.row(['合计', '', '', '', '', '', '', yuanComma(td), yuanComma(td), '', '', '', '']);
        w.close();
        out.push({ table: 'voucher', path: rel });
      } else if (u.format === 1) {
        const rel = `会计凭证/${u.name}_凭证明细.xlsx`;
        const w = new XlsxWriter(join(outDir, rel), '凭证');
        w.line(`${u.name}记账凭证明细表`);
        w.line('金额单位：元');
        w.row(['账套名称', '制单日期', '凭证编号', '行号', '摘要', '会计科目编码', '会计科目名称', '方向', '金额', '对方单位', '支付方式', '经费来源', '发票号码']);
        for (const l of lines) {
          await w.add([u.name, { date: l.v.date }, l.v.no, l.lineNo, l.v.summary, l.code, l.name, l.debit ? '借' : '贷', (l.debit || l.credit) / 100, l.v.counterparty, l.v.settlement, l.v.fund, l.v.invoice]);
        }
        await w.close();
        out.push({ table: 'voucher', path: rel });
      } else {
        const rel = `会计凭证/${u.name}_凭证.csv`;
        const w = new CsvWriter(join(outDir, rel), 'gb18030');
        w.line(`${u.name}会计凭证导出`);
        w.row(['单位名称', '日期', '凭证号', '摘要', '科目', '借方', '贷方', '辅助核算', '结算方式', '项目', '发票号']);
        let td = 0;
        for (const l of lines) {
          td += l.debit;
          w.row([u.name, fmtDate(l.v.date, 'compact'), l.v.no, l.v.summary, l.combined, l.debit ? yuan(l.debit) : '', l.credit ? yuan(l.credit) : '', l.v.counterparty, l.v.settlement, l.v.fund, l.v.invoice]);
        }
        w.row(['合计', '', '', '', '', yuan(td), yuan(td), '', '', '', '']);
        w.close();
        out.push({ table: 'voucher', path: rel });
      }
    }
    {
      const rel = '政府采购合同.xlsx';
      const w = new XlsxWriter(join(outDir, rel), '采购合同');
      w.line(`${COUNTY}政府采购合同备案信息`);
      w.row(['采购单位', '项目名称', '采购品目', '中标供应商', '中标金额', '签订日期', '采购方式', '合同编号']);
      const list = [...this.procurement].sort((a, b) => a.date - b.date || (a.no < b.no ? -1 : 1));
      for (const p of list) w.row([this.units[p.unit].name, p.project, p.category, p.vendor, p.cents / 100, fmtDate(p.date, 'iso'), p.method, p.no]);
      await w.close();
      out.push({ table: 'procurement', path: rel });
    }
    return out;
  }
}

interface Line {
  v: Voucher;
  lineNo: number;
  code: string;
  name: string;
  combined: string;
  debit: number;
  credit: number;
}
const CREDIT_NAMES: Record<Credit, string> = { '1011': '零余额账户用款额度', '1002': '银行存款', '1001': '库存现金' };
function voucherLines(v: Voucher, u: Unit): Line[] {
  const L = (code: string, name: string, combined: string, debit: number, credit: number): Omit<Line, 'lineNo'> => ({ v, code, name, combined, debit, credit });
  let ls: Omit<Line, 'lineNo'>[];
  if (v.credit === 'custom') {
    ls = v.lines!.map((l) => L(l.code, l.name, `${l.code} ${l.name}`, l.debit, l.credit));
  } else if (v.credit === 'income') {
    ls = [
      L('1011', '零余额账户用款额度', '1011 零余额账户用款额度', v.cents, 0),
      L('4001', '财政拨款收入', '4001 财政拨款收入', 0, v.cents),
      L('8001', '资金结存', '8001 资金结存/零余额账户用款额度', v.cents, 0),
      L('6001', '财政拨款预算收入', '6001 财政拨款预算收入', 0, v.cents),
    ];
  } else if (v.credit === 'withdraw') {
    ls = [
      L('1001', '库存现金', '1001 库存现金', v.cents, 0),
      L('1011', '零余额账户用款额度', '1011 零余额账户用款额度', 0, v.cents),
      L('8001', '资金结存', '8001 资金结存/货币资金', v.cents, 0),
      L('8001', '资金结存', '8001 资金结存/零余额账户用款额度', 0, v.cents),
    ];
  } else {
    const expName = v.exp === '5101' ? '单位管理费用' : '业务活动费用';
    const bud = u.admin ? ['7101', '行政支出'] : ['7201', '事业支出'];
    const [ec, en] = v.econ!;
    ls = [
      L(v.exp!, expName, `${v.exp} ${expName}/${ec} ${en}`, v.cents, 0),
      L(v.credit, CREDIT_NAMES[v.credit], `${v.credit} ${CREDIT_NAMES[v.credit]}`, 0, v.cents),
      L(bud[0], bud[1], `${bud[0]} ${bud[1]}/${ec} ${en}`, v.cents, 0),
      L('8001', '资金结存', `8001 资金结存/${v.credit === '1001' ? '货币资金' : v.credit === '1002' ? '货币资金' : '零余额账户用款额度'}`, 0, v.cents),
    ];
  }
  return ls.map((l, i) => ({ ...l, lineNo: i + 1 }));
}

/**
 * The expense a voucher books, as the finance rules count it (SPEC §4.3): debits on 5xxx/6xxx expense accounts
 * (not revenue), else on 7xxx budget accounts.
 */
export function expenseCents(v: Voucher, u: Unit): number {
  const ls = voucherLines(v, u);
  const isExp = (l: Line, p: RegExp) => p.test(l.code) && !/收入|收益/.test(l.name) && l.debit !== 0;
  const fin = ls.filter((l) => isExp(l, /^[56]/));
  return (fin.length ? fin : ls.filter((l) => isExp(l, /^7/))).reduce((s, l) => s + l.debit, 0);
}

/** company name for matching, as xc_norm_company: half-width, no spaces, brackets or legal-form suffix */
export function normCompany(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]+/g, '')
    .toLowerCase()
    .replace(/[(\[【〔<《]?(个体工商户|个体户|普通合伙|有限合伙|特殊普通合伙)[)\]】〕>》]?/g, '')
    .replace(/(股份有限公司|有限责任公司|集团有限公司|有限公司|股份公司|有限合伙|[()\[\]【】〔〕<>《》「」"'])/g, '');
}
/** xc_company_norm_match: equal, or the shorter (≥ 4 characters) inside the longer */
export function companyMatch(a: string, b: string): boolean {
  return a === b || (Math.min(a.length, b.length) >= 4 && (a.includes(b) || b.includes(a)));
}
