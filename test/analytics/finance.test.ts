/**
 * Voucher analytics (src/analytics/finance.ts): table contracts of src/README.md, the voucher model (政府会计 double
 * recording counted once), categories, top counterparties, and the Benford MAD on Nigrini's published data sets.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/db/connection.js';
import { quoteLiteral } from '../../src/db/quote.js';
import { FINANCE_ANALYTICS_TABLES, buildFinanceAnalytics } from '../../src/analytics/finance.js';
import { installMacros } from '../../src/normalize/macros.js';
import { createTableSql } from '../../src/schema/canonical-tables.js';
import { external } from '../external.js';

const benfordDir = external('benford-nigrini');

async function analyticsTables(db: Db): Promise<string[]> {
  const rows = await db.all<{ table_name: string }>(
    `select table_name from information_schema.tables where table_name like 'analytics_%' order by table_name`,
  );
  return rows.map((r) => r.table_name);
}

type Line = [string, string, string, string, string | null, string, number, number, string | null];
// unit, date, voucher_no, summary, account_code, account_name, debit, credit, counterparty
async function insertLines(db: Db, lines: Line[]): Promise<void> {
  let row = 1;
  for (const l of lines) {
    row++;
    await db.run(
      `insert into voucher (unit, voucher_date, voucher_no, summary, account_code, account_name, debit, credit, counterparty, _source_file, _source_row)
       values ($u, cast($d as date), $no, $s, $code, $name, $dr, $cr, $cp, 'fixture.csv', $row)`,
      { u: l[0], d: l[1], no: l[2], s: l[3], code: l[4], name: l[5], dr: l[6], cr: l[7], cp: l[8], row },
    );
  }
}

/** 政府会计 double-recorded payment: 5001 + 7201 debits, 1011 + 8001 credits. */
function gov(unit: string, date: string, no: string, summary: string, econ: string, amount: number, cp: string | null): Line[] {
  return [
    [unit, date, no, summary, '5001', `业务活动费用/${econ}`, amount, 0, cp],
    [unit, date, no, summary, '1011', '零余额账户用款额度', 0, amount, cp],
    [unit, date, no, summary, '7201', `事业支出/${econ}`, amount, 0, null],
    [unit, date, no, summary, '8001', '资金结存', 0, amount, null],
  ];
}

describe('buildFinanceAnalytics', () => {
  it('is a no-op without a voucher table or with an empty one', async () => {
    const db = await Db.open(':memory:', { threads: 1 });
    try {
      await buildFinanceAnalytics(db);
      expect(await analyticsTables(db)).toEqual([]);
      await db.run(createTableSql('voucher'));
      await buildFinanceAnalytics(db);
      expect(await analyticsTables(db)).toEqual([]);
    } finally {
      db.close();
    }
  });

  describe('on a small ledger', () => {
    let db: Db;
    beforeAll(async () => {
      db = await Db.open(':memory:', { threads: 1 });
      await installMacros(db);
      await db.run(createTableSql('voucher'));
      const A = '滨海县民政局';
      const B = '滨海县教育局';
      await insertLines(db, [
        ...gov(A, '2023-01-10', '1', '印制宣传册', '30202 印刷费', 1200, '滨海县宏达印务有限公司'),
        ...gov(A, '2023-01-20', '2', '空调维护费', '30299 其他商品和服务支出', 800, '滨海县宏达印务有限责任公司'),
        ...gov(A, '2023-02-03', '1', '购买档案盒', '30299 其他商品和服务支出', 450.5, null),
        ...gov(A, '2023-02-15', '2', '支付物业费', '30209 物业管理费', 3000, '滨海县城投物业管理有限公司'),
        // budget-only voucher (asset bought: 1601 is not an expense, 7101 is)
        [A, '2023-02-20', '3', '购置打印机', '1601', '固定资产', 2600, 0, '滨海县联创电脑经营部'],
        [A, '2023-02-20', '3', '购置打印机', '1011', '零余额账户用款额度', 0, 2600, null],
        [A, '2023-02-20', '3', '购置打印机', '7101', '行政支出/31002 办公设备购置', 2600, 0, null],
        [A, '2023-02-20', '3', '购置打印机', '8001', '资金结存', 0, 2600, null],
        // not expenses: cash deposit, revenue closing
        [A, '2023-02-28', '9', '现金送存银行', '1002', '银行存款', 500, 0, null],
        [A, '2023-02-28', '9', '现金送存银行', '1001', '库存现金', 0, 500, null],
        [A, '2023-12-31', '40', '结转收入', '4001', '财政拨款收入', 99999, 0, null],
        [A, '2023-12-31', '40', '结转收入', '3301', '本期盈余', 0, 99999, null],
        ...gov(B, '2023-03-05', '7', '差旅费报销', '30211 差旅费', 5.5, '张三'),
      ]);
      await buildFinanceAnalytics(db);
    });
    afterAll(() => db?.close());

    it('creates exactly the README tables with the README columns', async () => {
      expect(await analyticsTables(db)).toEqual([...FINANCE_ANALYTICS_TABLES].sort());
      const cols = await db.all<{ table_name: string; column_name: string; data_type: string }>(
        `select table_name, column_name, data_type from information_schema.columns
         where table_name like 'analytics_%' order by table_name, ordinal_position`,
      );
      const shape = (t: string) => cols.filter((c) => c.table_name === t).map((c) => `${c.column_name} ${c.data_type}`);
      expect(shape('analytics_benford')).toEqual(['unit VARCHAR', 'digit INTEGER', 'n BIGINT', 'observed DOUBLE', 'expected DOUBLE']);
      expect(shape('analytics_benford_mad')).toEqual(['unit VARCHAR', 'n BIGINT', 'mad DOUBLE', 'conformity VARCHAR']);
      expect(shape('analytics_expense_month')).toEqual(['unit VARCHAR', 'month VARCHAR', 'amount DECIMAL(18,2)']);
      expect(shape('analytics_expense_category')).toEqual(['unit VARCHAR', 'category VARCHAR', 'amount DECIMAL(18,2)']);
      expect(shape('analytics_top_counterparty')).toEqual(['unit VARCHAR', 'counterparty VARCHAR', 'amount DECIMAL(18,2)', 'vouchers BIGINT']);
      expect(await db.scalar(`select count(*) from duckdb_tables() where table_name = '_x_fin_expense'`)).toBe('0');
    });

    it('sums expense by month, counting double-recorded payments once', async () => {
      expect(await db.all(`select * from analytics_expense_month order by unit, month`)).toEqual([
        { unit: '滨海县教育局', month: '2023-03', amount: '5.50' },
        { unit: '滨海县民政局', month: '2023-01', amount: '2000.00' },
        { unit: '滨海县民政局', month: '2023-02', amount: '6050.50' },
      ]);
    });

    it('classifies expense by economic classification, then by summary keyword', async () => {
      const rows = await db.all(`select category, amount from analytics_expense_category where unit = '滨海县民政局' order by category`);
      expect(rows).toEqual([
        { category: '其他', amount: '450.50' },
        { category: '印刷费', amount: '1200.00' },
        { category: '物业管理费', amount: '3000.00' },
        { category: '维修(护)费', amount: '800.00' },
        { category: '设备购置', amount: '2600.00' },
      ]);
    });

    it('ranks counterparties with spelling variants merged', async () => {
      expect(await db.all(`select * from analytics_top_counterparty where unit = '滨海县民政局'`)).toEqual([
        { unit: '滨海县民政局', counterparty: '滨海县城投物业管理有限公司', amount: '3000.00', vouchers: '1' },
        { unit: '滨海县民政局', counterparty: '滨海县联创电脑经营部', amount: '2600.00', vouchers: '1' },
        { unit: '滨海县民政局', counterparty: '滨海县宏达印务有限公司', amount: '2000.00', vouchers: '2' },
      ]);
    });

    it('has nine Benford digits per unit, amounts under 10 yuan left out', async () => {
      const rows = await db.allJS<{ unit: string; digit: number; n: bigint; observed: number; expected: number }>(
        `select * from analytics_benford where unit = '滨海县民政局' order by digit`,
      );
      expect(rows.map((r) => r.digit)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(rows.map((r) => Number(r.n))).toEqual([1, 1, 1, 1, 0, 0, 0, 1, 0]); // 1200, 2600, 3000, 450.50, 800
      expect(rows[0].expected).toBeCloseTo(Math.log10(2), 12);
      expect(rows.reduce((s, r) => s + r.observed, 0)).toBeCloseTo(1, 12);
      expect(await db.all(`select unit from analytics_benford_mad`)).toEqual([{ unit: '滨海县民政局' }]);
    });
  });

  describe('Benford MAD on Nigrini\'s data (benford.analysis test values)', () => {
    let db: Db;
    beforeAll(async () => {
      db = await Db.open(':memory:', { threads: 2 });
      await installMacros(db);
      await db.run(createTableSql('voucher'));
      const load = async (unit: string, file: string) =>
        db.run(
          `insert into voucher (unit, voucher_date, voucher_no, summary, account_code, account_name, debit, credit, _source_file, _source_row)
           select ${quoteLiteral(unit)}, date '2010-01-01', cast(row_number() over () as varchar), '付款', '5001', '业务活动费用',
                  cast(Amount as decimal(18, 2)), 0, ${quoteLiteral(file)}, cast(row_number() over () as integer) + 1
           from read_csv(${quoteLiteral(join(benfordDir, file))}, header = true, columns = {'Amount': 'DOUBLE'}, ignore_errors = false)
           where Amount is not null`,
        );
      await db.run(`create temp table _corp as select Amount from read_csv(${quoteLiteral(join(benfordDir, 'corporate.payment.csv.gz'))}, header = true)`);
      await db.run(
        `insert into voucher (unit, voucher_date, voucher_no, summary, account_code, account_name, debit, credit, _source_file, _source_row)
         select 'corporate.payment', date '2010-01-01', cast(row_number() over () as varchar), '付款', '5001', '业务活动费用',
                cast(Amount as decimal(18, 2)), 0, 'corporate.payment.csv.gz', cast(row_number() over () as integer) + 1
         from _corp where Amount is not null`,
      );
      await load('gm.payments', 'gm.payments.csv');
      await buildFinanceAnalytics(db);
    }, 120_000);
    afterAll(() => db?.close());

    it('corporate.payment: n 177,763, MAD 0.01464 → 勉强符合 (marginally acceptable)', async () => {
      const [r] = await db.allJS<{ n: bigint; mad: number; conformity: string }>(
        `select n, mad, conformity from analytics_benford_mad where unit = 'corporate.payment'`,
      );
      expect(Number(r.n)).toBe(177763);
      expect(r.mad).toBeCloseTo(0.01464, 5);
      expect(r.conformity).toBe('勉强符合');
    });

    it('gm.payments: n 15,238, MAD 0.006273 → 基本符合 (acceptable)', async () => {
      const [r] = await db.allJS<{ n: bigint; mad: number; conformity: string }>(
        `select n, mad, conformity from analytics_benford_mad where unit = 'gm.payments'`,
      );
      expect(Number(r.n)).toBe(15238);
      expect(r.mad).toBeCloseTo(0.006273, 6);
      expect(r.conformity).toBe('基本符合');
    });
  });
});
