/**
 * Planted finance anomalies (SPEC §4.3) and look-alikes. Each plant is one (or a few) expense vouchers with a
 * counterparty used nowhere else, so each fires only the rule it is planted for. Amounts are the voucher's
 * expense amount, counted once (the 5xxx line; the 7xxx budget line repeats it). Subject keys are
 * `unit|YYYY-MM|voucher_no` (numbers restart monthly, assigned after sorting, see Finance.number) or
 * `unit|counterparty|YYYY` for split_purchase.
 *
 * Each variant is planted `reps = max(1, round(scale))` times, rotating over the units with books for the whole
 * period. Big plants stay out of November and December, so that no unit-year looks like a year-end rush
 * (year_end_rush, plant-ledger.ts checks it).
 */
import { day } from './random.js';
import type { Finance, Voucher } from './finance.js';
import type { RuleId, Truth } from './truth.js';

export function plantFinance(f: Finance, truth: Truth, scale: number): string[] {
  const reps = Math.max(1, Math.round(scale));
  const nU = f.fullUnits().length;
  let rot = 0;
  const unit = () => rot++ % nU;
  const lookalikes: string[] = [];
  const lead = (rule: RuleId, v: Voucher, note: string) => truth.fixed(rule, () => f.voucherKey(v), v.cents, note);

  for (let k = 0; k < reps; k++) {
    const Y = k % 2 ? 2024 : 2023;
    // ---------------- no_procurement ----------------
    {
      const u1 = unit();
      const v1 = f.expense(u1, day(Y, 4, 17), '专用设备购置', '购置执法记录仪等专用设备', 38600000, '1011', '转账', f.vendor('江苏科技有限公司'), '一般公共预算-项目支出');
      lead('no_procurement', v1, 'goods 386,000 ≥ 300,000 without procurement');
      const u2 = unit();
      const v2 = f.expense(u2, day(Y, 9, 8), '基础设施建设', '村级道路提档升级工程款', 72000000, '1011', '转账', f.vendor('建设工程有限公司'), '一般公共预算-项目支出');
      lead('no_procurement', v2, 'works (工程) 720,000 ≥ 600,000 without procurement');
      const u3 = unit();
      const v3 = f.expense(u3, day(Y, 6, 21), '办公设备购置', '购置台式计算机30台', 12600000, '1011', '转账', f.vendor('电脑销售有限公司'), '一般公共预算-项目支出');
      lead('no_procurement', v3, 'catalog item 台式计算机 126,000 ≥ 50,000 without procurement');
      // look-alikes: the same kinds of purchase WITH a matching procurement record
      const u4 = unit();
      const vendor4 = f.vendor('江苏信息技术有限公司');
      f.expense(u4, day(Y, 5, 26), '办公设备购置', '购置多功能一体机等办公设备', 46800000, '1011', '转账', vendor4, '一般公共预算-项目支出');
      f.procurement.push({ unit: u4, project: '办公设备采购项目', category: '多功能一体机', vendor: vendor4, cents: 47000000, date: day(Y, 5, 6), method: '公开招标', no: f.contractNo(Y) });
      const u5 = unit();
      const vendor5 = f.vendor('建筑安装工程有限公司');
      f.expense(u5, day(Y, 8, 14), '大型修缮', '办公楼维修改造工程款', 88000000, '1011', '转账', vendor5, '一般公共预算-项目支出');
      f.procurement.push({ unit: u5, project: '办公楼维修改造工程', category: '房屋修缮', vendor: vendor5, cents: 90000000, date: day(Y, 8, 2), method: '公开招标', no: f.contractNo(Y) });
      if (k === 0) lookalikes.push('no_procurement: 多功能一体机 468,000 and 修缮工程 880,000 both covered by a procurement record of the same vendor');
    }
    // ---------------- split_purchase ----------------
    {
      const split = (u: number, year: number, cat: Parameters<Finance['expense']>[2], summary: string, kind: string, parts: [number, number, number][], note: string) => {
        const cp = f.vendor(kind);
        let sum = 0;
        for (const [mo, dd, cents] of parts) sum += f.expense(u, day(year, mo, dd), cat, summary, cents, '1011', '转账', cp, '一般公共预算-基本支出').cents;
        truth.fixed('split_purchase', `${f.units[u].name}|${cp}|${year}`, sum, note);
      };
      split(unit(), Y, '办公设备购置', '购置办公家具', '家具有限公司', [[3, 6, 11000000], [3, 20, 12000000], [4, 9, 9500000]], '3 furniture vouchers 110,000+120,000+95,000');
      split(unit(), Y, '委托业务费', '信息系统运维服务费', '网络科技有限公司', [[2, 14, 16800000], [8, 19, 15250000]], '2 service vouchers summing 320,500');
      split(unit(), Y, '印刷费', '宣传品制作印刷费', '广告传媒有限公司', [[3, 3, 8000000], [5, 12, 8550000], [7, 18, 7820000], [10, 9, 9000000]], '4 printing vouchers summing 333,700');
      // look-alike: monthly property management 35,000 × 12 = 420,000 covered by a procurement contract
      const u = unit();
      const cp = f.vendor('物业服务有限公司');
      for (let mo = 1; mo <= 12; mo++) forceCents(f, f.expense(u, day(Y, mo, 12), '物业管理费', `支付${Y}年${mo}月物业管理费`, 3500000, '1011', '转账', cp, '一般公共预算-基本支出'), 3500000);
      f.procurement.push({ unit: u, project: `${Y}年度物业管理服务`, category: '物业管理服务', vendor: cp, cents: 42000000, date: day(Y, 1, 5), method: '竞争性磋商', no: f.contractNo(Y) });
      if (k === 0) lookalikes.push('split_purchase: monthly 物业管理费 35,000 × 12 covered by a 420,000 procurement contract; 营养餐 supplier covered likewise');
    }
    // ---------------- no_official_card ----------------
    {
      const cash = (cat: Parameters<Finance['expense']>[2], summary: string, cents: number, kind: string, note: string) => {
        const v = f.expense(unit(), day(Y, 3 + (rot % 9), 11 + (rot % 10)), cat, summary, cents, '1001', '现金', f.vendor(kind));
        lead('no_official_card', v, note);
      };
      cash('办公费', '报销办公费（办公用品）', 356000, '文具店', 'office expense 3,560 paid in cash');
      cash('差旅费', '报销赴南京学习差旅费', 286000, '旅行社有限公司', 'travel 2,860 paid in cash');
      cash('会议费', '支付会议场地会议费', 620000, '宾馆', 'meeting 6,200 paid in cash');
      // look-alikes: card-settled office expense; cash office expense below 1,000
      f.expense(unit(), day(Y, 6, 6), '办公费', '购买办公用品办公费', 880000, '1011', '公务卡', f.vendor('办公家具商行'));
      f.expense(unit(), day(Y, 7, 7), '办公费', '现金购买文具办公费', 86000, '1001', '现金', f.vendor('文具商店'));
      if (k === 0) lookalikes.push('no_official_card: 办公费 8,800 by 公务卡; 办公费 860 in cash (< 1,000)');
    }
    // ---------------- irregular_allowance ----------------
    {
      const u1 = unit();
      lead('irregular_allowance', f.expense(u1, day(Y, 9, 20), '其他商品和服务支出', '发放中秋节过节费', 4800000, '1011', '转账', ''), '中秋节过节费 48,000');
      const u2 = unit();
      lead('irregular_allowance', f.expense(u2, day(Y, 1, 18), '其他商品和服务支出', '购买超市购物卡', 2000000, '1011', '转账', f.vendor('购物中心有限公司')), '超市购物卡 20,000');
      const u3 = unit();
      lead('irregular_allowance', f.expense(u3, day(Y, 12, 26), '奖金', '发放年终一次性奖金', 15600000, '1011', '转账', ''), '年终奖金 156,000');
    }
    // ---------------- special_fund_diversion ----------------
    {
      const u1 = unit();
      lead('special_fund_diversion', f.expense(u1, day(Y, 4, 23), '办公费', '购买办公用品办公费', 1860000, '1011', '转账', f.vendor('办公用品有限公司'), '扶贫专项资金'), '扶贫专项资金 pays 办公费 18,600');
      const u2 = unit();
      lead('special_fund_diversion', f.expense(u2, day(Y, 8, 15), '差旅费', '报销外出考察差旅费', 940000, '1011', '转账', f.vendor('国际旅行社有限公司'), '困难群众救助补助资金'), '救助补助资金 pays 差旅费 9,400');
      const u3 = unit();
      lead('special_fund_diversion', f.expense(u3, day(Y, 10, 24), '会议费', '召开年度工作会议会议费', 2600000, '1011', '转账', f.vendor('会议服务有限公司'), '计划生育奖励扶助资金'), '计划生育奖励扶助资金 pays 会议费 26,000');
      // look-alikes: special funds on their own purpose
      f.expense(unit(), day(Y, 6, 10), '基础设施建设', '产业扶贫项目大棚建设工程款', 28000000, '1011', '转账', f.vendor('农业工程有限公司'), '扶贫专项资金');
      const un = unit();
      const cp = f.vendor('食品配送有限公司');
      let sum = 0;
      const months = [2, 3, 4, 5, 6, 9, 10, 11, 12];
      for (const mo of months) sum += f.expense(un, day(Y, mo, 25), '专用材料费', `支付${Y}年${mo}月学生营养餐配送费`, 4500000 + mo * 100, '1011', '转账', cp, '学生营养改善计划专项资金').cents;
      f.procurement.push({ unit: un, project: `${Y}年学生营养餐配送服务`, category: '餐饮服务', vendor: cp, cents: sum + 100000, date: day(Y, 1, 20), method: '公开招标', no: f.contractNo(Y) });
      if (k === 0) lookalikes.push('special_fund_diversion: 扶贫专项资金 pays a 大棚 工程; 营养改善计划专项资金 pays the meal supplier (procurement-covered)');
    }
    // ---------------- duplicate_voucher ----------------
    {
      const u1 = unit();
      const cp1 = f.vendor('印务有限公司');
      const inv = f.invoice(day(Y, 4, 12));
      f.expense(u1, day(Y, 4, 12), '印刷费', '支付宣传资料印刷费', 1280000, '1011', '转账', cp1, '一般公共预算-基本支出', inv);
      const d1 = forceCents(f, f.expense(u1, day(Y, 7, 18), '印刷费', '付印刷费', 1280000, '1011', '转账', cp1, '一般公共预算-基本支出', inv), 1280000);
      lead('duplicate_voucher', d1, 'same invoice number reimbursed again 3 months later');
      const u2 = unit();
      const cp2 = f.vendor('电子科技有限公司');
      f.expense(u2, day(Y, 10, 9), '维修费', '会议室音响设备维修费', 465000, '1011', '转账', cp2);
      const d2 = forceCents(f, f.expense(u2, day(Y, 10, 27), '维修费', '会议室音响设备维修费', 465000, '1011', '转账', cp2, '一般公共预算-基本支出', ''), 465000);
      lead('duplicate_voucher', d2, 'same summary, amount and counterparty 18 days apart; the repeat carries no invoice number');
      const u3 = unit();
      const cp3 = f.vendor('办公用品商行');
      const inv3 = f.invoice(day(2023, 12, 20));
      f.expense(u3, day(2023, 12, 20 - k % 5), '办公费', '购买办公用品', 238000, '1011', '公务卡', cp3, '一般公共预算-基本支出', inv3);
      const d3 = forceCents(f, f.expense(u3, day(2024, 1, 8 + k % 5), '办公费', '报销办公用品费', 238000, '1011', '公务卡', cp3, '一般公共预算-基本支出', inv3), 238000);
      lead('duplicate_voucher', d3, 'same invoice across the year end');
      // look-alike: monthly rent, same amount and counterparty, month named in the summary, distinct invoices
      const u4 = unit();
      const cp4 = f.vendor('资产经营有限公司');
      for (let mo = 1; mo <= 12; mo++) forceCents(f, f.expense(u4, day(Y, mo, 5), '租赁费', `支付${Y}年${mo}月办公用房租金租赁费`, 1800000, '1011', '转账', cp4), 1800000);
      if (k === 0) lookalikes.push('duplicate_voucher: monthly rent 18,000 to one landlord with the month in the summary and distinct invoices');
    }
    // ---------------- large_cash ----------------
    {
      const big = (summary: string, cents: number, kind: string, note: string) => {
        const v = f.expense(unit(), day(Y, 2 + (rot % 10), 6 + (rot % 20)), '劳务费', summary, cents, '1001', '现金', f.vendor(kind));
        lead('large_cash', v, note);
      };
      big('支付河道清淤临时用工劳务费', 6800000, '劳务服务队', 'cash 68,000');
      big('支付防汛抢险临时人工劳务费', 5230000, '人力资源服务部', 'cash 52,300');
      big('支付绿化养护临时用工劳务费', 9000000, '园林绿化服务部', 'cash 90,000');
      f.expense(unit(), day(Y, 11, 3), '劳务费', '支付道路保洁临时用工劳务费', 4999000, '1001', '现金', f.vendor('保洁服务部'));
      if (k === 0) lookalikes.push('large_cash: a single cash payment of 49,990');
    }
  }
  return lookalikes;
}

/** plants need exact amounts: undo the background's cents de-duplication for a planted repeat */
function forceCents(f: Finance, v: Voucher, cents: number): Voucher {
  v.cents = cents;
  void f;
  return v;
}
