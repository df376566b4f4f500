/**
 * Planted anomalies of SPEC §4.5 (related_supplier) and §4.6 (year_end_rush, stale_receivable, cash_receipt_spent)
 * with their look-alikes. Runs after plantFinance and before Finance.number(); year_end_rush comes last because its
 * amount is the whole November–December expense of a unit-year, whatever else was booked there.
 *
 * related_supplier plants join three tables: an employee of an inspected unit (employee.employer = the unit's
 * name), a business row naming that person (or a relative, via the relation table) as legal representative or
 * shareholder of a company, and the unit's vouchers or procurement contracts with that company. Company names are
 * Finance.vendor() names, which match no other vendor and no background company.
 *
 * 往来 (stale_receivable) plants use vouchers dated back to 2022, so the unit's books start earlier than 2023 for
 * those accounts only; the 2022 year is then not fully covered and never a year_end_rush candidate.
 *
 * Each variant is planted `reps = max(1, round(scale))` times, rotating over the units with full-period books.
 */
import { F, type County } from './county.js';
import { ECON, expenseCents, type CustomLine, type Finance, type Voucher } from './finance.js';
import { day, ymd } from './random.js';
import type { Truth } from './truth.js';

export function plantLedger(f: Finance, c: County, truth: Truth, scale: number): string[] {
  const reps = Math.max(1, Math.round(scale));
  const units = f.fullUnits();
  const nU = units.length;
  let rot = 1;
  const unit = () => units[rot++ % nU].idx;
  let rv = 3;
  const person = (age: number, male = true) => {
    const hh = c.addHousehold(c.villages[rv++ % c.villages.length].idx, [{ age, male, rel: '户主' }], F.PLANT);
    return hh.members[0];
  };
  const employ = (p: number, u: number, start: number, end = 0) => {
    c.employees.push({ p, employer: f.units[u].name, position: '科员', start, end });
    c.persons[p].flags |= F.EMPLOYEE;
  };
  let creditSeq = 0;
  const company = (p: number, name: string, role: string, reg: number) => {
    c.businesses.push({ p, company: name, credit: `91320922MA1P${String(creditSeq++).padStart(5, '0')}X`, role, reg, capitalCents: 2000000, status: '存续', dereg: 0 });
  };
  const custom = (u: number, date: number, summary: string, counterparty: string, lines: CustomLine[]): Voucher =>
    f.add({ unit: u, date, summary, cents: lines.reduce((s, l) => s + l.debit, 0), credit: 'custom', lines, settlement: '', counterparty, fund: '', invoice: '' });
  const lookalikes: string[] = [];

  for (let k = 0; k < reps; k++) {
    const Y = k % 2 ? 2024 : 2023;
    const bump = k * 1300;
    // ---------------- related_supplier ----------------
    {
      // (a) a staff member is the legal representative of the printer the unit pays
      const ua = unit();
      const ea = person(46);
      employ(ea, ua, day(2009, 8, 1));
      const ca = f.vendor('印务有限公司');
      company(ea, ca, '法定代表人', day(2016, 3, 1));
      const a1 = f.expense(ua, day(Y, 5, 16), '印刷费', '印制宣传手册印刷费', 1286000 + bump, '1011', '转账', ca);
      const a2 = f.expense(ua, day(Y, 9, 22), '印刷费', '印制政策文件汇编印刷费', 964000 + bump, '1011', '转账', ca);
      truth.fixed('related_supplier', `${f.units[ua].name}|${ca}`, a1.cents + a2.cents, 'staff member is the legal representative of a paid printer');
      // (b) a staff member's spouse (relation table) is a shareholder of a supplier with a procurement contract only
      const ub = unit();
      const eb = person(52);
      employ(eb, ub, day(1996, 7, 1));
      const sb = person(50, false);
      c.relations.push({ a: eb, b: sb, rel: '配偶' });
      const cb = f.vendor('建材有限公司');
      company(sb, cb, '股东', day(2018, 6, 12));
      f.procurement.push({ unit: ub, project: '防汛物资储备采购项目', category: '建筑材料', vendor: cb, cents: 28600000 + bump, date: day(Y, 4, 10), method: '询价', no: f.contractNo(Y) });
      truth.fixed('related_supplier', `${f.units[ub].name}|${cb}`, 28600000 + bump, "spouse of a staff member holds shares in a contracted supplier (no voucher)");
      // (c) the staff member joined on Y-06-01: only the payment after that counts
      const uc = unit();
      const ec = person(31, false);
      employ(ec, uc, day(Y, 6, 1));
      const cc = f.vendor('广告传媒有限公司');
      company(ec, cc, '股东', day(2020, 10, 9));
      f.expense(uc, day(Y, 3, 8), '印刷费', '制作宣传展板费用', 735000 + bump, '1011', '转账', cc);
      const c2 = f.expense(uc, day(Y, 10, 15), '印刷费', '制作政策宣传展板费用', 1120000 + bump, '1011', '转账', cc);
      truth.fixed('related_supplier', `${f.units[uc].name}|${cc}`, c2.cents, 'shareholder joined the unit mid-year: the later payment only');
      // look-alikes: (d) a shareholder who only shares a staff member's name; (e) a staff member who left before the
      // payments; (f) a staff member's company paid by another unit
      const ud = unit();
      const ed = person(40);
      employ(ed, ud, day(2012, 8, 1));
      const namesake = person(55);
      c.persons[namesake].name = c.persons[ed].name;
      const cd = f.vendor('商贸有限公司');
      company(namesake, cd, '法定代表人', day(2015, 4, 2));
      f.expense(ud, day(Y, 7, 9), '专用材料费', '购买业务专用材料', 836000 + bump, '1011', '转账', cd);
      const ue = unit();
      const ee = person(58);
      employ(ee, ue, day(2001, 8, 1), day(2022, 12, 31));
      const ce = f.vendor('机电维修服务部');
      company(ee, ce, '经营者', day(2023, 2, 1));
      f.expense(ue, day(Y, 4, 18), '维修费', '办公楼空调维修费', 642000 + bump, '1011', '转账', ce);
      f.expense(ue, day(Y, 8, 28), '维修费', '办公楼水电维修费', 418000 + bump, '1011', '转账', ce);
      const uf = unit();
      const ef = person(37);
      employ(ef, uf, day(2011, 8, 1));
      const cf = f.vendor('网络科技有限公司');
      company(ef, cf, '股东', day(2019, 9, 9));
      let ug = unit();
      if (ug === uf) ug = unit();
      f.expense(ug, day(Y, 6, 6), '委托业务费', '网站运维服务费', 1530000 + bump, '1011', '转账', cf);
      if (k === 0) lookalikes.push("related_supplier: a shareholder with a staff member's name but another id; a staff member who left in 2022; a staff member's company paid by another unit");
    }
    // ---------------- stale_receivable ----------------
    {
      const u = unit();
      const name = f.units[u].name;
      const bank = (debit: number, credit: number): CustomLine => ({ code: '1002', name: '银行存款', debit, credit });
      // (a) 80,000 lent in 2022-05, 30,000 back in 2023-06: 50,000 open since 2022-05-16
      const cpa = f.vendor('建设工程有限公司');
      custom(u, day(2022, 5, 16), '借出周转金', cpa, [{ code: '1218', name: '其他应收款', debit: 8000000 + bump, credit: 0 }, bank(0, 8000000 + bump)]);
      custom(u, day(2023, 6, 20), '收回部分周转金', cpa, [bank(3000000, 0), { code: '1218', name: '其他应收款', debit: 0, credit: 3000000 }]);
      truth.fixed('stale_receivable', `${name}|1218|${cpa}`, 5000000 + bump, '周转金 lent 2022-05-16, partly repaid');
      // (b) a performance deposit received 2022-08-01 and never returned (其他应付款, credit − debit)
      const cpb = f.vendor('建筑安装工程有限公司');
      custom(u, day(2022, 8, 1), '收到工程履约保证金', cpb, [bank(6000000 + bump, 0), { code: '2307', name: '其他应付款', debit: 0, credit: 6000000 + bump }]);
      truth.fixed('stale_receivable', `${name}|2307|${cpb}`, 6000000 + bump, 'deposit held since 2022-08-01');
      // look-alikes: (c) first in, first out leaves only the 2024-03 prepayment open; (d) cleared after 700 days;
      // (e) an old balance below 10,000
      const cpc = f.vendor('科技有限公司');
      custom(u, day(2022, 3, 10), '预付设备款', cpc, [{ code: '1214', name: '预付账款', debit: 2000000, credit: 0 }, bank(0, 2000000)]);
      custom(u, day(2024, 3, 15), '预付软件服务款', cpc, [{ code: '1214', name: '预付账款', debit: 4000000, credit: 0 }, bank(0, 4000000)]);
      custom(u, day(2024, 6, 20), '退回预付款', cpc, [bank(2500000, 0), { code: '1214', name: '预付账款', debit: 0, credit: 2500000 }]);
      const cpd = f.vendor('农业工程有限公司');
      custom(u, day(2022, 12, 20), '借出周转金', cpd, [{ code: '1218', name: '其他应收款', debit: 3000000, credit: 0 }, bank(0, 3000000)]);
      custom(u, day(2022, 12, 20) + 700, '收回周转金', cpd, [bank(3000000, 0), { code: '1218', name: '其他应收款', debit: 0, credit: 3000000 }]);
      const cpe = f.vendor('文具店');
      custom(u, day(2022, 4, 1), '暂付购物款', cpe, [{ code: '1218', name: '其他应收款', debit: 800000, credit: 0 }, bank(0, 800000)]);
      if (k === 0) lookalikes.push('stale_receivable: first-in-first-out leaves only a 2024 prepayment open; a 2022 loan cleared after 700 days; an old 8,000 balance');
    }
    // ---------------- cash_receipt_spent ----------------
    {
      const u = unit();
      const bud = f.units[u].admin ? { code: '7101', name: '行政支出' } : { code: '7201', name: '事业支出' };
      const [lc, ln] = ECON['劳务费'];
      const ra = 800000 + bump;
      const va = custom(u, day(Y, 8, 18), '收取场地租金直接支付保洁劳务费', f.vendor('保洁服务部'), [
        { code: '5001', name: `业务活动费用/${lc} ${ln}`, debit: ra, credit: 0 },
        { code: '4605', name: '租金收入', debit: 0, credit: ra },
        { code: bud.code, name: `${bud.name}/${lc} ${ln}`, debit: ra, credit: 0 },
        { code: '6609', name: '其他预算收入', debit: 0, credit: ra },
      ]);
      truth.fixed('cash_receipt_spent', () => f.voucherKey(va), ra, 'rent collected and paid straight out as labour cost');
      const [wc, wn] = ECON['委托业务费'];
      const vb = custom(u, day(Y, 3, 5), '培训收费抵付委托业务费', f.vendor('职业培训学校'), [
        { code: '5001', name: `业务活动费用/${wc} ${wn}`, debit: 1500000 + bump, credit: 0 },
        { code: '4609', name: '其他收入', debit: 0, credit: 1200000 + bump },
        { code: '2302', name: '应付账款', debit: 0, credit: 300000 },
      ]);
      truth.fixed('cash_receipt_spent', () => f.voucherKey(vb), 1200000 + bump, 'income 12,000 spent on a 15,000 expense, the rest owed');
      // look-alikes: rent banked (revenue through the bank); income banked and paid out in one voucher
      custom(u, day(Y, 9, 12), '收到场地租金', f.vendor('商贸有限公司'), [
        { code: '1002', name: '银行存款', debit: 2000000 + bump, credit: 0 },
        { code: '4605', name: '租金收入', debit: 0, credit: 2000000 + bump },
        { code: '8001', name: '资金结存/货币资金', debit: 2000000 + bump, credit: 0 },
        { code: '6609', name: '其他预算收入', debit: 0, credit: 2000000 + bump },
      ]);
      custom(u, day(Y, 10, 20), '收取资料费并支付临时用工劳务费', f.vendor('劳务服务队'), [
        { code: '1002', name: '银行存款', debit: 600000 + bump, credit: 0 },
        { code: '4609', name: '其他收入', debit: 0, credit: 600000 + bump },
        { code: '5001', name: `业务活动费用/${lc} ${ln}`, debit: 600000 + bump, credit: 0 },
        { code: '1002', name: '银行存款', debit: 0, credit: 600000 + bump },
      ]);
      if (k === 0) lookalikes.push('cash_receipt_spent: rent received through the bank; income banked and paid out in the same voucher');
    }
  }

  // ---------------- year_end_rush (last: it reads every voucher of the unit-year) ----------------
  const byUnitYear = () => {
    const m = new Map<string, number[]>();
    for (const v of f.vouchers) {
      const [y, mo] = ymd(v.date);
      const e = expenseCents(v, f.units[v.unit]);
      if (!e) continue;
      const key = `${v.unit}|${y}`;
      const arr = m.get(key) ?? m.set(key, new Array(13).fill(0)).get(key)!;
      arr[mo] += e;
    }
    return m;
  };
  const planted = new Set<string>();
  for (let k = 0; k < reps; k++) {
    const Y = k % 2 ? 2024 : 2023;
    let u = unit();
    for (let tries = 0; planted.has(`${u}|${Y}`) && tries < nU; tries++) u = unit();
    if (planted.has(`${u}|${Y}`)) break; // more repetitions than unit-years (not at any usual scale)
    planted.add(`${u}|${Y}`);
    const months = byUnitYear().get(`${u}|${Y}`)!;
    const year = months.reduce((s, x) => s + x, 0);
    const end = months[11] + months[12];
    // December purchases that bring the last two months to ~60% of the year, each covered by a procurement contract
    const need = Math.ceil((0.6 * year - end) / 0.4 / 100000) * 100000 + 50000000;
    const parts = [Math.round(need * 0.6 / 100) * 100, 0];
    parts[1] = need - parts[0];
    const items = [['购置应急指挥专用设备', '应急指挥专用设备'], ['购置业务用专用设备', '业务专用设备']];
    parts.forEach((cents, i) => {
      const vendor = f.vendor('江苏信息技术有限公司');
      const v = f.expense(u, day(Y, 12, 18 + i * 5), '专用设备购置', items[i][0], cents, '1011', '转账', vendor, '一般公共预算-项目支出');
      f.procurement.push({ unit: u, project: `${Y}年${items[i][1]}采购项目`, category: items[i][1], vendor, cents: v.cents, date: day(Y, 11, 6 + i), method: '公开招标', no: f.contractNo(Y) });
    });
    const after = byUnitYear().get(`${u}|${Y}`)!;
    truth.fixed('year_end_rush', `${f.units[u].name}|${Y}`, after[11] + after[12], 'December equipment purchases make Nov–Dec ~60% of the year');
  }
  // look-alike: the 数据局 set up in July 2024 buys a data centre's equipment in December: half a year of books
  const partial = f.units.find((x) => x.fromMonth !== undefined);
  if (partial) {
    const vendor = f.vendor('江苏信息技术有限公司');
    const v = f.expense(partial.idx, day(2024, 12, 16), '专用设备购置', '购置数据中心机房专用设备', 240000000, '1011', '转账', vendor, '一般公共预算-项目支出');
    f.procurement.push({ unit: partial.idx, project: '数据中心机房建设项目', category: '机房专用设备', vendor, cents: v.cents, date: day(2024, 10, 28), method: '公开招标', no: f.contractNo(2024) });
    lookalikes.push('year_end_rush: a unit set up in 2024-07 spends most of its half year in December');
  }
  // no other unit-year may look like a rush: the background spreads expense over the year
  for (const [key, months] of byUnitYear()) {
    const [u, y] = key.split('|').map(Number);
    if (planted.has(key) || f.units[u].fromMonth !== undefined || y < 2023) continue;
    const year = months.reduce((s, x) => s + x, 0);
    const end = months[11] + months[12];
    if (end >= 0.4 * year) throw new Error(`generator: ${f.units[u].name} ${y} spends ${Math.round((100 * end) / year)}% in Nov–Dec without a year_end_rush plant`);
  }
  return lookalikes;
}
