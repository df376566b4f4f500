import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { UserError } from '../../../src/errors.js';
import { formatNumber, formatDate, isDateFormat } from '../../../src/ingest/readers/cell-format.js';
import { assertAccounting, load, open, tmpFile } from './helpers.js';

function code(e: unknown): string | undefined {
  return e instanceof UserError ? e.diagnostics[0].code : undefined;
}

let book: string;

beforeAll(async () => {
  const wb = new ExcelJS.Workbook();
  const cover = wb.addWorksheet('说明');
  cover.addRow(['这是说明页']);
  const ws = wb.addWorksheet('低保名册');
  ws.addRow(['滨海县2023年低保名册']);
  ws.mergeCells('A1:F1');
  ws.addRow(['序号', '姓名', '身份证号', '保障金', null, '纳入时间']);
  ws.mergeCells('D2:E2');
  ws.addRow([null, null, null, '月保障金', '年合计', null]);
  ws.addRow([1, '张三', '320922198001011234', 300.5, { formula: 'D4*12', result: 3606 }, new Date(Date.UTC(2023, 2, 5))]);
  ws.addRow([2, { richText: [{ text: '李' }, { text: '四', font: { bold: true } }] }, 320922198001011, 0.1 + 0.2, { formula: 'D5*12', result: 3.6 }, new Date(Date.UTC(2023, 2, 5, 14, 30, 0))]);
  ws.getCell('F5').numFmt = 'yyyy-mm-dd hh:mm:ss';
  ws.addRow([]);
  ws.addRow([3, '王五', '32092219800101124X', 1e-7, true, { formula: 'F4+1', result: 44991 }]);
  ws.getCell('F7').numFmt = 'yyyy-mm-dd';
  ws.addRow([4, '赵六', '320922198001011250', 123456789012, false, null]);
  ws.addRow([5, null, '320922198001011269', 12, null, null]);
  ws.mergeCells('B8:B9');
  ws.addRow(['合计', null, null, 1234.5, null, null, '多出来的']);
  ws.getCell('F4').numFmt = 'yyyy"年"m"月"d"日"';
  const third = wb.addWorksheet('第三页');
  third.addRow(['a']);
  book = tmpFile('book.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
});

describe('cell formatting', () => {
  it('numbers are plain decimals without exponent or float noise', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(1e-7)).toBe('0.0000001');
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(320922198001011)).toBe('320922198001011');
    expect(formatNumber(123456789012)).toBe('123456789012');
    expect(formatNumber(-1234.5)).toBe('-1234.5');
    expect(formatNumber(3.6)).toBe('3.6');
  });
  it('dates and date formats', () => {
    expect(formatDate(new Date(Date.UTC(2023, 2, 5)))).toBe('2023-03-05');
    expect(formatDate(new Date(Date.UTC(2023, 2, 5, 14, 30, 0, 999)))).toBe('2023-03-05 14:30:01');
    expect(isDateFormat('yyyy"年"m"月"d"日"')).toBe(true);
    expect(isDateFormat('0.00')).toBe(false);
    expect(isDateFormat('[Red]#,##0')).toBe(false);
    expect(isDateFormat('General')).toBe(false);
    expect(isDateFormat(14)).toBe(true);
  });
});

describe('XLSX reader', () => {
  it('default sheet is the first one', async () => {
    const src = await open(book);
    expect(src.format).toBe('xlsx');
    expect(src.sheet).toBe('说明');
    expect(await src.preview(5)).toEqual([['这是说明页']]);
    await src.close();
  });

  it('named sheet: title rows, merged header cells filled in preview, typed cells as text', async () => {
    const src = await open(book, { sheet: '低保名册' });
    expect(src.sheet).toBe('低保名册');
    const p = await src.preview(3);
    expect(p[0]).toEqual(Array(6).fill('滨海县2023年低保名册'));
    expect(p[1]).toEqual(['序号', '姓名', '身份证号', '保障金', '保障金', '纳入时间']);
    await src.close();
    const l = await load(book, { sheet: '低保名册', headerRow: 3, ncols: 6 });
    expect(l.rowsRead).toBe(10);
    assertAccounting(l, 3);
    expect(l.cells).toEqual([
      [4, null, '1', '张三', '320922198001011234', '300.5', '3606', '2023-03-05'],
      [5, null, '2', '李四', '320922198001011', '0.3', '3.6', '2023-03-05 14:30:00'],
      [6, null, null, null, null, null, null, null],
      [7, null, '3', '王五', '32092219800101124X', '0.0000001', 'TRUE', '2023-03-06'],
      [8, null, '4', '赵六', '320922198001011250', '123456789012', 'FALSE', null],
      [9, null, '5', '赵六', '320922198001011269', '12', null, null],
      [10, 'xlsx.too_many_fields', '合计', null, null, '1234.5', null, null],
    ]);
  });

  it('sheet by 1-based index', async () => {
    const src = await open(book, { sheet: 3 });
    expect(src.sheet).toBe('第三页');
    expect(await src.preview(1)).toEqual([['a']]);
    await src.close();
  });

  it('wrong sheet lists the sheets', async () => {
    const e = await open(book, { sheet: '不存在' }).catch((x) => x);
    expect(code(e)).toBe('ingest.sheet_not_found');
    expect((e as UserError).diagnostics[0].zh).toContain('低保名册');
    expect(code(await open(book, { sheet: 9 }).catch((x) => x))).toBe('ingest.sheet_not_found');
  });

  it('truncated and corrupt files are bad_xlsx', async () => {
    const buf = fs.readFileSync(book);
    const t = tmpFile('truncated.xlsx', buf.subarray(0, Math.floor(buf.length / 2)));
    expect(code(await open(t).catch((x) => x))).toBe('ingest.bad_xlsx');
    const junk = tmpFile('junk.xlsx', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]));
    expect(code(await open(junk).catch((x) => x))).toBe('ingest.bad_xlsx');
  });

  it('an empty sheet is ingest.empty_file', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('空');
    const f = tmpFile('empty.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const src = await open(f);
    expect(code(await src.preview(5).catch((x) => x))).toBe('ingest.empty_file');
    await src.close();
  });

  it('unknown extension with zip bytes is read as xlsx', async () => {
    const f = tmpFile('export.dat', fs.readFileSync(book));
    const src = await open(f, { sheet: 1 });
    expect(src.format).toBe('xlsx');
    await src.close();
  });
});

describe('XLSX defaults', () => {
  it('default sheet skips hidden sheets; a hidden sheet can still be named', async () => {
    const wb = new ExcelJS.Workbook();
    const h = wb.addWorksheet('隐藏');
    h.state = 'hidden';
    h.addRow(['secret']);
    wb.addWorksheet('可见').addRow(['shown']);
    const f = tmpFile('hidden.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const src = await open(f);
    expect(src.sheet).toBe('可见');
    expect(await src.preview(1)).toEqual([['shown']]);
    expect((await open(f, { sheet: '隐藏' })).sheet).toBe('隐藏');
  });
});

describe('XLSX merges far below the header', () => {
  it('fills vertical merges beyond the preview cache from the stage table', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['村', '姓名']);
    for (let i = 0; i < 1100; i++) ws.addRow([i >= 1049 && i <= 1051 && i !== 1049 ? null : `村${i}`, `人${i}`]);
    ws.mergeCells('A1051:A1053');
    const f = tmpFile('far-merge.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const l = await load(f, { headerRow: 1, ncols: 2 });
    expect(l.rowsRead).toBe(1101);
    expect(l.cells.slice(1048, 1053).map((r) => r[2])).toEqual(['村1048', '村1049', '村1049', '村1049', '村1052']);
  });
});

describe('XLSX multi-byte text across chunk boundaries', () => {
  it('Chinese text in shared and inline strings comes out intact (exceljs decodes chunks separately)', async () => {
    const text = (i: number) => `滨海县第${i}号不动产权证书登记于2021年12月${(i % 28) + 1}日，坐落某某镇某某村${i}组`;
    const n = 6000;
    // shared strings (the non-streaming writer)
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['序号', '说明']);
    for (let i = 0; i < n; i++) ws.addRow([i, text(i)]);
    const shared = tmpFile('mb-shared.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    // inline strings (the streaming writer)
    const inline = tmpFile('mb-inline.xlsx', Buffer.alloc(0));
    const sw = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: inline, useSharedStrings: false, useStyles: false });
    const sws = sw.addWorksheet('s');
    sws.addRow(['序号', '说明']).commit();
    for (let i = 0; i < n; i++) sws.addRow([i, text(i)]).commit();
    await sws.commit();
    await sw.commit();
    for (const f of [shared, inline]) {
      const l = await load(f, { headerRow: 1, ncols: 2 });
      expect(l.rowsRead).toBe(n + 1);
      const bad = l.cells.filter((r, i) => r[3] !== text(i));
      expect(bad.slice(0, 3)).toEqual([]);
    }
  });
});
