import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../src/db/connection.js';
import { LEAD_COLUMNS, assembleLeads } from '../../src/leads/assemble.js';
import { formulaGuard, writeLeadsCsv } from '../../src/outputs/leads-csv.js';
import { LEAD_HEADERS_ZH, REVIEW_HEADERS_ZH, categorySheetName, evidenceText, writeLeadsXlsx } from '../../src/outputs/leads-xlsx.js';
import { fakeRule, loadFindings, recordRuleRuns, type F } from '../leads/fixture.js';
import { external } from '../external.js';

const INJECTION = JSON.parse(readFileSync(external('csv-injection', 'formula-injection-cases.json'), 'utf8')) as {
  cases: { value: string; dangerous: boolean | null }[];
};
const PAYLOADS = readFileSync(external('csv-injection', 'payloadbox_csv-payload.txt'), 'utf8')
  .split(/\r?\n/)
  .filter((l) => l.length);
const VALUES = [...new Set([...INJECTION.cases.map((c) => c.value), ...PAYLOADS])].filter((v) => !v.includes('\0'));

const rules = [fakeRule('dibao_vehicle', 'relationship_benefit', 'high'), fakeRule('deceased_payment', 'phantom_claim', 'high'), fakeRule('large_cash', 'finance', 'low')];

let db: Db;
let dir: string;
beforeAll(async () => {
  db = await Db.open(':memory:', { threads: 1 });
  dir = mkdtempSync(join(tmpdir(), 'xuncha-leads-'));
  const findings: F[] = [
    {
      rule_id: 'dibao_vehicle',
      subject_key: '110101199003078670',
      subject_name: '张三',
      household_key: 'H-1',
      town: '城关镇',
      village: '东村',
      amount: '7200.00',
      period_start: '2023-01-01',
      period_end: '2023-12-31',
      description: '低保对象张三名下登记小型轿车1辆，其间家庭领取低保金7,200.00元。',
      evidence: JSON.stringify([{ table: 'vehicle', source_file: 'data/车辆.csv', source_row: 12, fields: { plate: '苏J·A1234', register_date: '2021-03-02' } }]),
    },
    { rule_id: 'large_cash', subject_key: '县民政局|2023-03|记-12', unit: '县民政局', amount: '-100.00', description: 'a, "quoted"\nnewline' },
  ];
  VALUES.forEach((v, i) => findings.push({ rule_id: 'deceased_payment', subject_key: `INJ-${String(i).padStart(4, '0')}`, subject_name: v, description: v, town: v }));
  await loadFindings(db, findings);
  await assembleLeads(db, rules);
  await recordRuleRuns(db, rules);
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('leads.csv', () => {
  it('is UTF-8 with a BOM, CRLF line ends and exactly the SPEC §5 header', async () => {
    const file = join(dir, 'leads.csv');
    const { rows } = await writeLeadsCsv(db, file);
    const buf = readFileSync(file);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe(LEAD_COLUMNS.join(','));
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = Papa.parse<string[]>(text, { newline: '\r\n', skipEmptyLines: true });
    expect(parsed.data.length).toBe(rows + 1);
    expect(rows).toBe(VALUES.length + 2);
  });

  it('guards every text cell starting with = + - @ TAB CR, keeps the value recoverable and numbers numeric', async () => {
    const file = join(dir, 'leads-guard.csv');
    await writeLeadsCsv(db, file);
    const parsed = Papa.parse<Record<string, string>>(readFileSync(file, 'utf8').slice(1), { header: true, newline: '\r\n', skipEmptyLines: true });
    const byKey = new Map(parsed.data.map((r) => [r.subject_key, r]));
    VALUES.forEach((v, i) => {
      const r = byKey.get(`INJ-${String(i).padStart(4, '0')}`)!;
      for (const col of ['subject_name', 'description', 'town']) {
        const cell = r[col];
        expect(/^[=+\-@\t\r]/.test(cell), `${col} of ${JSON.stringify(v)} → ${JSON.stringify(cell)}`).toBe(false);
        expect(cell === v || cell === `'${v}`).toBe(true);
        expect(cell).toBe(formulaGuard(v));
      }
    });
    const cash = byKey.get('县民政局|2023-03|记-12')!;
    expect(cash.amount).toBe('-100.00');
    expect(cash.description).toBe('a, "quoted"\nnewline');
    for (const c of INJECTION.cases) expect(/^[=+\-@\t\r\0]/.test(formulaGuard(c.value)), c.value).toBe(false);
    expect(formulaGuard("'=1+1")).toBe("'=1+1");
    expect(formulaGuard('110101199003078670')).toBe('110101199003078670');
  });

  it('is byte-for-byte deterministic', async () => {
    await writeLeadsCsv(db, join(dir, 'a.csv'));
    await writeLeadsCsv(db, join(dir, 'b.csv'));
    expect(readFileSync(join(dir, 'a.csv')).equals(readFileSync(join(dir, 'b.csv')))).toBe(true);
  });
});

describe('leads.xlsx', () => {
  it('has 线索清单, one sheet per category and 说明, with Chinese headers and review columns', async () => {
    const file = join(dir, 'leads.xlsx');
    await writeLeadsXlsx(db, file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['线索清单', '关系保-人情保', '虚报冒领', '财务', '说明']);
    const all = wb.getWorksheet('线索清单')!;
    const header = (all.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([...LEAD_COLUMNS.map((c) => LEAD_HEADERS_ZH[c]), ...REVIEW_HEADERS_ZH]);
    expect(all.rowCount).toBe(VALUES.length + 3);
    expect(wb.getWorksheet('关系保-人情保')!.rowCount).toBe(2);
    expect(wb.getWorksheet('财务')!.rowCount).toBe(2);
    const info = wb.getWorksheet('说明')!;
    const infoText = JSON.stringify(info.getSheetValues());
    expect(infoText).toContain('方法dibao_vehicle');
    expect(infoText).toContain('min_amount = 1000');
  });

  it('writes data cells as text, never formulas; IDs as text; amounts and scores as numbers', async () => {
    const file = join(dir, 'leads2.xlsx');
    await writeLeadsXlsx(db, file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.getWorksheet('线索清单')!;
    const col = (c: string) => LEAD_COLUMNS.indexOf(c as (typeof LEAD_COLUMNS)[number]) + 1;
    const seen = new Set<string>();
    ws.eachRow((row, n) => {
      if (n === 1) return;
      row.eachCell((cell) => {
        expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
        expect(cell.formula).toBeUndefined();
      });
      const key = String(row.getCell(col('subject_key')).value);
      const name = row.getCell(col('subject_name'));
      if (key.startsWith('INJ-')) {
        const v = VALUES[Number(key.slice(4))];
        expect(name.type).toBe(ExcelJS.ValueType.String);
        // XML text normalizes a bare CR to LF; the cell stays inert text either way
        expect(name.value).toBe(v.replace(/\r\n?/g, '\n'));
        seen.add(key);
      }
      if (key === '110101199003078670') {
        expect(row.getCell(col('subject_key')).type).toBe(ExcelJS.ValueType.String);
        expect(row.getCell(col('amount')).value).toBe(7200);
        expect(row.getCell(col('amount')).type).toBe(ExcelJS.ValueType.Number);
        expect(String(row.getCell(col('evidence')).value)).toContain('第12行');
      }
      expect(row.getCell(col('score')).type).toBe(ExcelJS.ValueType.Number);
    });
    expect(seen.size).toBe(VALUES.length);
  });

  it('names category sheets without characters Excel forbids, and formats evidence readably', () => {
    expect(categorySheetName('relationship_benefit')).toBe('关系保-人情保');
    expect(categorySheetName('my_custom')).toBe('my_custom');
    expect(evidenceText(JSON.stringify([{ table: 'subsidy', source_file: 'a.csv', source_row: 3, fields: { amount: 100, pay_date: '2023-01-01' } }]))).toBe(
      '[补贴发放明细] a.csv 第3行：发放金额=100，发放日期=2023-01-01',
    );
  });
});
