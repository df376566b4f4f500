import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, type GenerateResult } from '../../src/generate/index.js';
import { RULE_IDS } from '../../src/generate/truth.js';
import { loadCatalog } from '../../src/rules/catalog.js';
import { idCheckDigit } from '../../src/normalize/id-number.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'xuncha-gen-'));
  dirs.push(d);
  return d;
};
let a: string, b: string, c: string;
let ra: GenerateResult;

beforeAll(async () => {
  a = tmp();
  b = tmp();
  c = tmp();
  ra = await generate({ outDir: a, scale: 0.01, seed: 1 });
  await generate({ outDir: b, scale: 0.01, seed: 1 });
  await generate({ outDir: c, scale: 0.01, seed: 2 });
}, 120000);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const halfwidth = (s: string) => s.replace(/[\uFF10-\uFF19]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
function validId18(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  if (idCheckDigit(id.slice(0, 17)) !== id[17]) return false;
  const y = +id.slice(6, 10), m = +id.slice(10, 12), d = +id.slice(12, 14);
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d && y >= 1900 && y <= 2024;
}
function to18(id15: string): string {
  const s = id15.slice(0, 6) + '19' + id15.slice(6);
  return s + idCheckDigit(s);
}
function csvRows(file: string, enc: 'utf8' | 'gb18030'): string[][] {
  const buf = readFileSync(file);
  const text = enc === 'gb18030' ? iconv.decode(buf, 'gb18030') : buf.toString('utf8').replace(/^\uFEFF/, '');
  return Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
}

describe('generate', () => {
  it('is byte-deterministic per seed and differs across seeds', () => {
    expect(ra.files.length).toBeGreaterThan(40);
    for (const f of ra.files) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
    expect(readFileSync(join(c, 'truth.csv')).equals(readFileSync(join(a, 'truth.csv')))).toBe(false);
    expect(readFileSync(join(c, '户籍人口信息.csv')).equals(readFileSync(join(a, '户籍人口信息.csv')))).toBe(false);
  });

  it('writes a truth.csv with every rule id, sorted, amounts with 2 decimals', () => {
    const lines = readFileSync(join(a, 'truth.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('rule_id,subject_key,amount');
    const rows = lines.slice(1).map((l) => l.split(','));
    for (const r of rows) expect(r[2]).toMatch(/^\d+\.\d{2}$/);
    const ids = new Set(rows.map((r) => r[0]));
    for (const id of RULE_IDS) expect(ids.has(id), id).toBe(true);
    const keys = rows.map((r) => `${r[0]}\u0000${r[1]}`);
    expect([...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(ra.truth).toBe(rows.length);
  });

  it('writes a pipeline.yaml whose paths exist', () => {
    const y = readFileSync(join(a, 'pipeline.yaml'), 'utf8');
    expect(y).toMatch(/^name: /);
    expect(y).not.toMatch(/^output:/m);
    const paths = [...y.matchAll(/path: "([^"]+)"/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(15);
    for (const p of paths) {
      if (p.includes('*')) {
        const dir = p.slice(0, p.lastIndexOf('/'));
        expect(readdirSync(join(a, dir)).filter((f) => f.endsWith('.csv')).length).toBe(30);
      } else expect(ra.files).toContain(p);
    }
  });

  it('uses the promised encodings and formats', () => {
    const person = readFileSync(join(a, '户籍人口信息.csv'));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(person)).toThrow();
    expect(iconv.decode(person, 'gb18030')).toContain('公民身份号码');
    const bom = readFileSync(join(a, '财政供养人员名单.csv'));
    expect([...bom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const nobom = readFileSync(join(a, '市场主体登记信息.csv'));
    expect(nobom[0]).not.toBe(0xef);
    const months = readdirSync(join(a, '一卡通发放明细'));
    const kinds = new Set(months.map((m) => {
      const buf = readFileSync(join(a, '一卡通发放明细', m));
      if (buf[0] === 0xef) return 'bom';
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(buf);
        return 'utf8';
      } catch {
        return 'gbk';
      }
    }));
    expect(kinds).toEqual(new Set(['bom', 'utf8', 'gbk']));
    for (const f of ra.files.filter((x) => x.endsWith('.xlsx'))) expect(readFileSync(join(a, f)).subarray(0, 2).toString()).toBe('PK');
  });

  it('writes XLSX with title rows, real date cells and a 合计 row', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(a, '低保特困对象花名册.xlsx'));
    const ws = wb.worksheets[0];
    expect(String(ws.getRow(1).getCell(1).value)).toContain('花名册');
    expect(ws.getRow(3).getCell(8).value).toBe('成员身份证号');
    expect(ws.getRow(4).getCell(12).value).toBeInstanceOf(Date);
    expect(ws.getRow(ws.rowCount).getCell(1).value).toBe('合计');
  });

  it('gives every person a valid id (15-digit legacy ids convert to valid 18-digit ones)', () => {
    const rows = csvRows(join(a, '户籍人口信息.csv'), 'gb18030');
    const header = rows.findIndex((r) => r[0] === '公民身份号码');
    expect(header).toBe(2);
    const data = rows.slice(header + 1).filter((r) => r[0] !== '合计');
    let legacy = 0;
    const ids = new Set<string>();
    for (const r of data) {
      const id = r[0].length === 15 ? (legacy++, to18(r[0])) : r[0];
      expect(validId18(id), id).toBe(true);
      expect(+id[16] % 2 === 1 ? '男' : '女').toBe(r[2]);
      expect(id.slice(0, 6)).toBe('320922');
      ids.add(id);
    }
    expect(ids.size).toBe(data.length);
    expect(legacy).toBeGreaterThan(0);
    expect(ra.people).toBe(data.length);
  });

  it('writes subsidy files whose rows all carry a recipient, an amount and a date, with only the planted invalid ids', () => {
    const person = new Set(
      csvRows(join(a, '户籍人口信息.csv'), 'gb18030')
        .slice(3)
        .map((r) => (r[0].length === 15 ? to18(r[0]) : r[0])),
    );
    const invalid = new Set(
      readFileSync(join(a, 'truth.csv'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('invalid_id,'))
        .map((l) => l.split(',')[1]),
    );
    const seenInvalid = new Set<string>();
    for (const f of readdirSync(join(a, '一卡通发放明细'))) {
      const buf = readFileSync(join(a, '一卡通发放明细', f));
      const enc = buf[0] !== 0xef && (() => { try { new TextDecoder('utf-8', { fatal: true }).decode(buf); return false; } catch { return true; } })() ? 'gb18030' : 'utf8';
      const rows = csvRows(join(a, '一卡通发放明细', f), enc);
      const h = rows.findIndex((r) => r.some((x) => /身份证号码|公民身份号码|证件号码/.test(x)));
      const header = rows[h];
      const idc = header.findIndex((x) => /身份证号码|公民身份号码|证件号码/.test(x));
      const amt = header.findIndex((x) => /金额/.test(x));
      const dt = header.findIndex((x) => /日期|时间/.test(x));
      const body = rows.slice(h + 1);
      expect(['合计', '总计']).toContain(body[body.length - 1][0]);
      for (const r of body.slice(0, -1)) {
        expect(r.length).toBe(header.length);
        expect(r[amt]).not.toBe('');
        expect(r[dt]).not.toBe('');
        const id = halfwidth(r[idc]);
        if (!person.has(id)) {
          expect(invalid.has(id), `${f}: ${id}`).toBe(true);
          seenInvalid.add(id);
        }
      }
    }
    expect(seenInvalid).toEqual(invalid);
  });

  it('writes balanced vouchers (debits = credits per voucher) for every unit', () => {
    const bal = new Map<string, number>();
    const money = (s: string) => (s ? Math.round(Number(s.replace(/,/g, '')) * 100) : 0);
    for (const f of ra.files.filter((x) => x.endsWith('_序时账.csv'))) {
      const rows = csvRows(join(a, f), 'utf8').slice(2).filter((r) => r[0] !== '合计');
      for (const r of rows) {
        const k = `${f}|${r[1].slice(0, 7)}|${r[2]}`;
        bal.set(k, (bal.get(k) ?? 0) + money(r[7]) - money(r[8]));
      }
    }
    expect(bal.size).toBeGreaterThan(100);
    for (const [k, v] of bal) expect(v, k).toBe(0);
  });

  it('lists every rule of the catalog as a truth rule id (a new rule needs a generator plant)', () => {
    expect([...RULE_IDS].sort()).toEqual(loadCatalog([]).map((r) => r.id).sort());
  });

  it('writes payroll as 财政统发 GB18030 with subtotals, an XLSX unit sheet with date months and gross only, and a retirees\' file', async () => {
    const tf = csvRows(join(a, '财政统发工资明细.csv'), 'gb18030');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(join(a, '财政统发工资明细.csv')))).toThrow();
    expect(tf[2]).toEqual(['序号', '单位名称', '姓名', '身份证号码', '工资月份', '人员类别', '基本工资', '应发合计', '代扣合计', '实发合计']);
    const body = tf.slice(3);
    expect(body.filter((r) => r[0] === '小计').length).toBe(24);
    expect(body[body.length - 1][0]).toBe('合计');
    const data = body.filter((r) => !['小计', '合计'].includes(r[0]));
    expect(new Set(data.map((r) => r[4]))).toContain('2023年03月');
    expect(new Set(data.map((r) => r[5]))).toEqual(new Set(['在职', '离退休']));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(a, '单位工资表.xlsx'));
    const ws = wb.worksheets[0];
    expect(String(ws.getRow(1).getCell(1).value)).toContain('工资表');
    expect(ws.getRow(2).values).toEqual([undefined, '发放单位', '职工姓名', '身份证号', '所属月份', '工资项目', '应发工资']);
    expect(ws.getRow(3).getCell(4).value).toBeInstanceOf(Date);
    expect((ws.getRow(3).getCell(4).value as Date).getUTCDate()).toBe(1);
    const ret = csvRows(join(a, '离退休人员待遇发放表.csv'), 'utf8');
    expect([...readFileSync(join(a, '离退休人员待遇发放表.csv')).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(ret[0]).toEqual(['发放单位', '姓名', '证件号码', '发放月份', '发放类型', '应发金额', '实发金额']);
    expect(ret[1][3]).toMatch(/^20\d{4}$/);
  });
});
