/**
 * End-to-end ingest: real files on disk → canonical tables, rejects and row accounting.
 * Readers have their own tests (test/ingest/readers); this checks what the orchestrator adds on top.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePipeline } from '../../src/config/load-pipeline.js';
import { Db } from '../../src/db/connection.js';
import { UserError } from '../../src/errors.js';
import { ingest, type IngestSummary } from '../../src/ingest/ingest.js';

const dbs: Db[] = [];
afterAll(() => dbs.forEach((d) => d.close()));

async function run(files: Record<string, string | Buffer>, yaml: string): Promise<{ db: Db; s: IngestSummary }> {
  const d = mkdtempSync(join(tmpdir(), 'xc-ing-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(d, p, '..'), { recursive: true });
    writeFileSync(join(d, p), c);
  }
  const config = parsePipeline(yaml, join(d, 'p.yaml'));
  const db = await Db.open();
  dbs.push(db);
  const s = await ingest(db, config);
  return { db, s };
}

async function ingestError(files: Record<string, string | Buffer>, yaml: string) {
  try {
    await run(files, yaml);
  } catch (e) {
    if (e instanceof UserError) return e.diagnostics[0];
    throw e;
  }
  throw new Error('expected a UserError');
}

const ID1 = '11010519491231002X'; // valid, female, born 1949-12-31
const ID15 = '110105491231002'; // the same person's legacy 15-digit number

describe('ingest', () => {
  it('skips title, blank and 合计 rows, rejects bad rows with reasons, and the accounting holds', async () => {
    const csv =
      '\uFEFF滨海县2023年低保名册\n制表单位：县民政局,,,,,\n序号,户主身份证号,公民身份号码,姓 名,月保障金（元）,纳入时间,退出时间\n' +
      `1,${ID1},${ID1},张 三,"1,200.50",2023/3/5,至今\n` +
      `2,${ID1},${ID15},李四,600,2023年3月,\n` +
      `3,,,王五,600,2023-01-01,\n` +
      `4,${ID1},11010519491231002Y,赵六,abc,2023-02-30,\n` +
      ',,,,,,\n合计,,,,"2,401",,\n';
    const { db, s } = await run({ 'd.csv': csv }, 'sources:\n  dibao: { path: d.csv }\n');
    const i = s.inputs[0];
    expect(i).toMatchObject({ rows_read: 9, rows_loaded: 2, rows_rejected: 2, rows_skipped: 5, header_row: 3, encoding: 'utf-8-bom' });
    expect(i.skipped).toEqual({ title: 2, header: 1, blank: 1, total: 1 });
    expect(i.rows_read).toBe(i.rows_loaded + i.rows_rejected + i.rows_skipped);
    const rows = await db.all<Record<string, string>>(`select id_number, name, monthly_amount, start_date, end_date, id_valid, _source_row, _extra from dibao order by _source_row`);
    expect(rows).toEqual([
      { id_number: ID1, name: '张三', monthly_amount: '1200.50', start_date: '2023-03-05', end_date: null, id_valid: true, _source_row: 4, _extra: '{"序号":"1"}' },
      // the 15-digit legacy number is converted to 18 digits
      { id_number: ID1, name: '李四', monthly_amount: '600.00', start_date: '2023-03-01', end_date: null, id_valid: true, _source_row: 5, _extra: '{"序号":"2"}' },
    ]);
    const rejects = await db.all<Record<string, string>>(`select source_row, reason_code, reason_zh from rejects order by source_row`);
    expect(rejects.map((r) => [r.source_row, r.reason_code])).toEqual([
      [6, 'id.empty'],
      [7, 'money.unparseable'],
    ]);
    expect(rejects[1].reason_zh).toContain('abc');
    expect(rejects[1].reason_zh).toContain('2023-02-30'); // every problem of the row is named
  });

  it('reads GBK files, keeps invalid ids flagged rather than rejected, and globs into one table', async () => {
    const head = '身份证号码,姓名,补贴项目,发放金额,发放日期,银行账号,户名\n';
    const f1 = iconv.encode(head + `${ID1},张三,高龄津贴,"￥1,000.00",20230105,6228 4800 1234 5678,张三\n`, 'gb18030');
    const f2 = head + `123456789012345678,李四,高龄津贴,１００,2023年2月5日,6228-4800-0000-0001,李四\n`;
    const { db, s } = await run({ 'pay/2023-01.csv': f1, 'pay/2023-02.csv': f2 }, 'sources:\n  subsidy: { path: "pay/*.csv" }\n');
    expect(s.inputs.map((i) => [i.path, i.encoding, i.rows_loaded])).toEqual([
      ['pay/2023-01.csv', 'gb18030', 1],
      ['pay/2023-02.csv', 'utf-8', 1],
    ]);
    const rows = await db.all<Record<string, string>>(`select name, amount, pay_date, bank_account, id_valid, _source_file from subsidy order by pay_date`);
    expect(rows).toEqual([
      { name: '张三', amount: '1000.00', pay_date: '2023-01-05', bank_account: '6228480012345678', id_valid: true, _source_file: 'pay/2023-01.csv' },
      { name: '李四', amount: '100.00', pay_date: '2023-02-05', bank_account: '6228480000000001', id_valid: false, _source_file: 'pay/2023-02.csv' },
    ]);
  });

  it('folds voucher amount + 借/贷 direction into debit/credit and splits the account code from a combined cell', async () => {
    const csv =
      '单位,凭证日期,凭证号,摘要,科目,方向,金额\n' +
      '县教育局,2023-03-02,记-5,购办公用品,5001 业务活动费用/30201 办公费,借,"1,500.00"\n' +
      '县教育局,2023-03-02,记-5,购办公用品,1011 零余额账户用款额度,贷,"1,500.00"\n' +
      '县教育局,2023-03-02,记-6,错误方向,1011 零余额账户用款额度,平,10\n';
    const { db, s } = await run({ 'v.csv': csv }, 'sources:\n  voucher: { path: v.csv }\n');
    expect(s.inputs[0]).toMatchObject({ rows_loaded: 2, rows_rejected: 1 });
    const rows = await db.all<Record<string, string>>(`select account_code, account_name, debit, credit from voucher order by _source_row`);
    expect(rows).toEqual([
      { account_code: '5001', account_name: '5001 业务活动费用/30201 办公费', debit: '1500.00', credit: '0.00' },
      { account_code: '1011', account_name: '1011 零余额账户用款额度', debit: '0.00', credit: '1500.00' },
    ]);
    expect(await db.scalar(`select reason_code from rejects`)).toBe('voucher.bad_direction');
  });

  it('accounts for title, header, blank, total and rejected rows between data rows, with their row numbers', async () => {
    const csv =
      '标题\n身份证号,姓名,死亡日期\n' +
      `${ID1},张三,2023-01-01\n,李四,2023-01-02\n\n${ID1},王五,不详\n${ID1},赵六,2023年5月\n合计,3人,\n`;
    const { db, s } = await run({ 'd.csv': csv }, 'sources:\n  death: { path: d.csv }\n');
    expect(s.inputs[0]).toMatchObject({ rows_read: 8, rows_loaded: 2, rows_rejected: 2, rows_skipped: 4 });
    expect(s.inputs[0].skipped).toEqual({ title: 1, header: 1, blank: 1, total: 1 });
    expect(await db.all(`select name, death_date, _source_row from death order by _source_row`)).toEqual([
      { name: '张三', death_date: '2023-01-01', _source_row: 3 },
      { name: '赵六', death_date: '2023-05-01', _source_row: 7 },
    ]);
    expect((await db.all<{ r: number }>(`select source_row as r from rejects order by 1`)).map((x) => x.r)).toEqual([4, 6]);
  });

  it('skips header rows repeated on every printed page', async () => {
    const csv = '身份证号,姓名\n' + `${ID1},张三\n` + '身份证号,姓名\n' + `${ID1},李四\n`;
    const { s } = await run({ 'p.csv': csv }, 'sources:\n  person: { path: p.csv }\n');
    expect(s.inputs[0]).toMatchObject({ rows_read: 4, rows_loaded: 2, rows_skipped: 2 });
    expect(s.inputs[0].skipped.header).toBe(2);
  });

  it('reads an XLSX sheet with title rows, a merged title, real dates and a 合计 row', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('死亡名单');
    ws.addRow(['2023年火化登记']);
    ws.mergeCells('A1:C1');
    ws.addRow(['死者身份证号', '死者姓名', '火化日期']);
    ws.addRow([ID1, '张三', new Date(Date.UTC(2023, 4, 6))]);
    ws.addRow(['合计', '1人', null]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const { db, s } = await run({ 'death.xlsx': buf }, 'sources:\n  death: { path: death.xlsx, sheet: 死亡名单 }\n');
    expect(s.inputs[0]).toMatchObject({ rows_read: 4, rows_loaded: 1, rows_skipped: 3, sheet: '死亡名单', header_row: 2 });
    expect(await db.all(`select id_number, death_date, _source_row from death`)).toEqual([{ id_number: ID1, death_date: '2023-05-06', _source_row: 3 }]);
  });

  it('loads payroll (工资发放明细) from a GBK 财政统发 export and a unit salary sheet, pay months in every usual form', async () => {
    const tongfa = iconv.encode(
      '滨海县财政统一发放工资明细表\n单位：元\n单位名称,姓名,身份证号码,工资月份,人员类别,基本工资,应发合计,实发合计\n' +
        `滨海县民政局,张三,${ID1},2023年03月,在职,"3,000.00","5,234.50","4,321.00"\n` +
        `滨海县民政局,张三,${ID1},202304,在职,3000,5234.5,4321\n` +
        `滨海县民政局,李四,${ID15},2023-13,离退休,,3000,3000\n` +
        `滨海县民政局,王五,,2023-05,在职,,3000,3000\n` +
        '合计,,,,,,"13,469.00","11,642.00"\n',
      'gb18030',
    );
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('工资表');
    ws.addRow(['滨海县人民医院2023年工资表']);
    ws.mergeCells('A1:F1');
    ws.addRow(['发放单位', '职工姓名', '身份证号', '所属月份', '工资项目', '应发工资']);
    ws.addRow(['滨海县人民医院', '张三', ID1, new Date(Date.UTC(2023, 2, 1)), '绩效工资', 1200]);
    ws.addRow(['合计', '', '', null, '', 1200]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const { db, s } = await run({ 'tf.csv': tongfa, 'unit.xlsx': buf }, 'sources:\n  payroll:\n    - { path: tf.csv }\n    - { path: unit.xlsx }\n');
    expect(s.inputs.map((i) => [i.rows_read, i.rows_loaded, i.rows_rejected, i.rows_skipped])).toEqual([
      [8, 2, 2, 4],
      [4, 1, 0, 3],
    ]);
    expect(s.inputs[0].mapping).toMatchObject({ unit: '单位名称', pay_month: '工资月份', gross: '应发合计', net: '实发合计', item: '人员类别' });
    expect(await db.all(`select unit, id_number, name, pay_month, gross, net, item, _source_row from payroll order by _source_file, _source_row`)).toEqual([
      { unit: '滨海县民政局', id_number: ID1, name: '张三', pay_month: '2023-03', gross: '5234.50', net: '4321.00', item: '在职', _source_row: 4 },
      { unit: '滨海县民政局', id_number: ID1, name: '张三', pay_month: '2023-04', gross: '5234.50', net: '4321.00', item: '在职', _source_row: 5 },
      { unit: '滨海县人民医院', id_number: ID1, name: '张三', pay_month: '2023-03', gross: '1200.00', net: null, item: '绩效工资', _source_row: 3 },
    ]);
    const rejects = await db.all<Record<string, string>>(`select source_row, reason_code, reason_zh from rejects order by source_row`);
    expect(rejects.map((r) => [r.source_row, r.reason_code])).toEqual([
      [6, 'month.unparseable'],
      [7, 'id.empty'],
    ]);
    expect(rejects[0].reason_zh).toContain('2023-13');
  });

  it('requires a payroll amount column: 应发 or 实发', async () => {
    const d = await ingestError({ 'p.csv': `单位,身份证号,姓名,工资月份\n滨海县民政局,${ID1},张三,2023-03\n` }, 'sources:\n  payroll: { path: p.csv }\n');
    expect(d.code).toBe('ingest.missing_required_column');
    expect(d.zh).toContain('应发合计');
  });

  it('explains a missing required column with the headers found', async () => {
    const d = await ingestError({ 'v.csv': '姓名,持有人号码,车牌\n张三,1,苏J\n' }, 'sources:\n  vehicle: { path: v.csv }\n');
    expect(d.code).toBe('ingest.missing_required_column');
    expect(d.zh).toContain('持有人号码');
  });

  it('refuses an empty file and a binary file with a message naming the file', async () => {
    const e1 = await ingestError({ 'e.csv': '' }, 'sources:\n  person: { path: e.csv }\n');
    expect(e1.code).toBe('ingest.empty_file');
    expect(e1.at?.file).toBe('e.csv');
    const bin = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));
    const e2 = await ingestError({ 'b.csv': bin }, 'sources:\n  person: { path: b.csv }\n');
    expect(e2.code).toBe('ingest.bad_encoding');
  });
});
