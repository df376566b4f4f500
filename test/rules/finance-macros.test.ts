/**
 * The finance voucher model (sql/macros/finance.sql) on its own: company-name matching, keyword spellings and
 * matching, and the line roles of xc_fin_lines (expense counted once, paying side, transfers, name-only exports).
 * The rules built on it are tested by their YAML cases (sql/rules/finance/*.test.yaml).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/db/connection.js';
import { installMacros } from '../../src/normalize/macros.js';
import { createTableSql } from '../../src/schema/canonical-tables.js';

let db: Db;
beforeAll(async () => {
  db = await Db.open(':memory:', { threads: 1 });
  await installMacros(db);
});
afterAll(() => db?.close());

const one = async (sql: string, params?: Record<string, string>) => Object.values((await db.all(sql, params))[0])[0];

describe('company names', () => {
  it.each([
    ['滨海县顺达商贸有限公司', '滨海县顺达商贸'],
    ['滨海县 顺达商贸（有限公司）', '滨海县顺达商贸'],
    ['滨海县顺达商贸有限责任公司', '滨海县顺达商贸'],
    ['顺达商贸(个体工商户)', '顺达商贸'],
    ['江苏ＡＢＣ科技股份有限公司', '江苏abc科技'],
    ['华为技术（滨海）有限公司', '华为技术滨海'],
    ['  ', null],
  ])('xc_norm_company(%s) = %s', async (raw, norm) => {
    expect(await one(`select xc_norm_company($s)`, { s: raw })).toBe(norm);
  });

  it.each([
    ['滨海县顺达商贸有限公司', '滨海县顺达商贸有限责任公司', true],
    ['顺达商贸(个体工商户)', '滨海县顺达商贸有限公司', true], // containment, shorter has 4 characters
    ['滨海县顺达商贸有限公司', '滨海县顺发商贸有限公司', false], // one character of the 字号 differs
    ['顺达', '滨海县顺达商贸有限公司', false], // too short to contain safely
    [null, '滨海县顺达商贸有限公司', false],
  ])('xc_company_match(%s, %s) = %s', async (a, b, same) => {
    expect(await one(`select xc_company_match(cast($a as varchar), $b)`, { a: a as string, b: b as string })).toBe(same);
  });
});

describe('keywords', () => {
  it('spells 维修(护)费 three ways and matches full-width brackets', async () => {
    expect(await one(`select xc_fin_kw_alts('维修（护）费')`)).toEqual(['维修费', '维护费', '维修(护)费']);
    expect(await one(`select xc_fin_has_any(xc_fin_text('房屋 维护费'), ['维修(护)费'])`)).toBe(true);
    expect(await one(`select xc_fin_has_any(xc_fin_text('5001 业务活动费用/30213 维修（护）费'), ['维修(护)费'])`)).toBe(true);
    expect(await one(`select xc_fin_has_any('购买办公用品', [])`)).toBe(false);
    expect(await one(`select xc_fin_has_any(null, ['办公费'])`)).toBe(false);
  });

  it('names the most specific keyword', async () => {
    expect(await one(`select xc_fin_match_kw('业务活动费用/30207邮电费', ['水费', '电费', '邮电费'])`)).toBe('邮电费');
    expect(await one(`select xc_fin_match_kw('公务用车运行维护费', ['维修(护)费', '公务用车运行维护费'])`)).toBe('公务用车运行维护费');
    expect(await one(`select xc_fin_match_kw('空调维护费', ['办公费', '维修(护)费'])`)).toBe('维修(护)费');
    expect(await one(`select xc_fin_match_kw('购买办公用品', ['办公费'])`)).toBe(null);
  });

  it('treats regex characters in keywords literally', async () => {
    expect(await one(`select xc_fin_has_any('a+b费用', ['a+b'])`)).toBe(true);
    expect(await one(`select xc_fin_has_any('aab费用', ['a+b'])`)).toBe(false);
  });
});

describe('xc_fin_lines', () => {
  beforeAll(async () => {
    await db.run(createTableSql('voucher', { orReplace: true }));
    const rows: [string, string, string, string | null, string, number, number, string | null, string | null][] = [
      // 政府会计 double recording, paid in cash
      ['2023-03-05', '12', '购买办公用品', '5001', '5001 业务活动费用/30201 办公费', 3000, 0, null, null],
      ['2023-03-05', '12', '购买办公用品', '1001', '库存现金', 0, 3000, '滨海县文华文具店', null],
      ['2023-03-05', '12', '购买办公用品', '7201', '事业支出/30201 办公费', 3000, 0, null, null],
      ['2023-03-05', '12', '购买办公用品', '8001', '资金结存', 0, 3000, null, null],
      // same number next month: another voucher; budget side only (asset purchase), card settlement
      ['2023-04-02', '12', '购置打印机', '1601', '固定资产', 2600, 0, null, null],
      ['2023-04-02', '12', '购置打印机', '1011', '零余额账户用款额度', 0, 2600, '滨海县联创电脑经营部', '公务卡'],
      ['2023-04-02', '12', '购置打印机', '7101', '行政支出/31002 办公设备购置', 2600, 0, null, null],
      ['2023-04-02', '12', '购置打印机', '8001', '资金结存', 0, 2600, null, null],
      // cash deposited to the bank: no expense, a transfer
      ['2023-04-03', '13', '现金送存银行', '1002', '银行存款', 500, 0, null, null],
      ['2023-04-03', '13', '现金送存银行', '1001', '库存现金', 0, 500, null, null],
      // closing the revenue account: a debit on 6xxx/4xxx revenue is not an expense
      ['2023-12-31', '40', '结转预算收入', '6001', '财政拨款预算收入', 9000, 0, null, null],
      ['2023-12-31', '40', '结转预算收入', '8101', '财政拨款结转', 0, 9000, null, null],
      // an export without account codes (enterprise style), accrued to a payable
      ['2023-05-06', '记-3', '计提咨询费', null, '管理费用-咨询费', 800, 0, null, null],
      ['2023-05-06', '记-3', '计提咨询费', null, '应付账款-滨海县信达咨询有限公司', 0, 800, '滨海县信达咨询有限公司', null],
    ];
    let r = 1;
    for (const x of rows) {
      r++;
      await db.run(
        `insert into voucher (unit, voucher_date, voucher_no, summary, account_code, account_name, debit, credit, counterparty, settlement, _source_file, _source_row)
         values ('滨海县民政局', cast($d as date), $no, $s, $code, $name, cast($dr as decimal(18,2)), cast($cr as decimal(18,2)), $cp, $st, 'v.csv', cast($r as integer))`,
        { d: x[0], no: x[1], s: x[2], code: x[3], name: x[4], dr: String(x[5]), cr: String(x[6]), cp: x[7], st: x[8], r: String(r) } as Record<string, string>,
      );
    }
  });

  it('keys vouchers by unit, month and number, and counts a double-recorded expense once', async () => {
    const v = await db.all(`select voucher_key, expense_amount, cash_amount, card_amount, bank_amount, other_pay_amount, counterparty, money_transfer
                            from xc_fin_vouchers('voucher') order by voucher_key`);
    expect(v).toEqual([
      { voucher_key: '滨海县民政局|2023-03|12', expense_amount: '3000.00', cash_amount: '3000.00', card_amount: '0.00', bank_amount: '0.00', other_pay_amount: '0.00', counterparty: '滨海县文华文具店', money_transfer: false },
      { voucher_key: '滨海县民政局|2023-04|12', expense_amount: '2600.00', cash_amount: '0.00', card_amount: '2600.00', bank_amount: '0.00', other_pay_amount: '0.00', counterparty: '滨海县联创电脑经营部', money_transfer: false },
      { voucher_key: '滨海县民政局|2023-04|13', expense_amount: '0.00', cash_amount: '500.00', card_amount: '0.00', bank_amount: '0.00', other_pay_amount: '0.00', counterparty: null, money_transfer: true },
      { voucher_key: '滨海县民政局|2023-05|记-3', expense_amount: '800.00', cash_amount: '0.00', card_amount: '0.00', bank_amount: '0.00', other_pay_amount: '0.00', counterparty: '滨海县信达咨询有限公司', money_transfer: false },
      { voucher_key: '滨海县民政局|2023-12|40', expense_amount: '0.00', cash_amount: '0.00', card_amount: '0.00', bank_amount: '0.00', other_pay_amount: '0.00', counterparty: null, money_transfer: false },
    ]);
  });

  it('marks which lines count as expense and which pay', async () => {
    const l = await db.all(`select voucher_no, account_code, is_expense, pay_method from xc_fin_lines('voucher') where voucher_no = '12' order by _source_row`);
    expect(l.map((x) => [x.account_code, x.is_expense, x.pay_method])).toEqual([
      ['5001', true, null],
      ['1001', false, 'cash'],
      ['7201', false, null], // budget side of a voucher that has the 5001 line
      ['8001', false, null],
      ['1601', false, null], // an asset, not an expense
      ['1011', false, 'card'],
      ['7101', true, null], // budget side alone: counted
      ['8001', false, null],
    ]);
  });

  it('takes account prefixes as arguments', async () => {
    expect(await one(`select sum(expense_amount) from xc_fin_lines('voucher', expense_prefixes := ['5'])`)).toBe('3800.00');
    expect(await one(`select count(*) filter (where pay_method = 'cash') from xc_fin_lines('voucher', cash_prefixes := ['100101'])`)).toBe('0');
  });
});
