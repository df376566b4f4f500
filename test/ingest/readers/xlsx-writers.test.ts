/**
 * Workbooks written by other programs than exceljs load the tab that was asked for, named from workbook.xml:
 * openpyxl (committed fixtures, fixtures/xlsx-writers/make.py; absolute relationship targets, as pandas writes
 * them), the same re-zipped without `r` attributes and with x:-prefixed elements (.NET SDK style), SheetJS (written
 * here, relative targets, shared strings), exceljs, and hand-made packages (relationship targets that are not
 * worksheets/sheetN.xml). Hostile packages (zip bombs in workbook.xml or a sheet, a cell at column XFD) stop fast
 * with a message naming the file and the limit.
 */
import path from 'node:path';
import ExcelJS from 'exceljs';
import XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { listXlsxSheets } from '../../../src/ingest/readers/xlsx.js';
import { openSource } from '../../../src/ingest/readers/index.js';
import { DEFAULT_LIMITS } from '../../../src/ingest/readers/limits.js';
import { load, tmpFile, tmpRoot } from './helpers.js';
import { ROOT_RELS, bomb, sheetXml, workbookRels, workbookXml, writeZip } from './zip-writer.js';

const FIX = path.join(import.meta.dirname, '..', '..', '..', 'fixtures', 'xlsx-writers');

async function userError(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

/** the data rows (after title + header) of one sheet as [id, name, place] */
async function people(file: string, sheet: string | number | undefined, headerRow = 2) {
  const l = await load(file, { headerRow, ncols: 5, ...(sheet !== undefined ? { sheet } : {}) });
  return { sheet: l.src.sheet, rows: l.cells.map((c) => c.slice(2)), rowsRead: l.rowsRead };
}

describe('openpyxl workbooks (absolute targets), tabs Sheet2, Sheet1', () => {
  for (const f of ['openpyxl_tabs.xlsx', 'openpyxl_tabs_no_r.xlsx', 'openpyxl_tabs_prefixed.xlsx']) {
    it(`${f}: names from workbook.xml; each tab loads its own rows`, async () => {
      const file = path.join(FIX, f);
      const { sheets } = listXlsxSheets(file, f);
      expect(sheets.map((s) => s.name)).toEqual(['Sheet2', 'Sheet1', '隐藏']);
      expect(sheets.map((s) => s.hidden)).toEqual([false, false, true]);
      const s1 = await people(file, 'Sheet1');
      expect(s1.sheet).toBe('Sheet1');
      expect(s1.rows).toEqual([
        ['11010519491231002X', '王五', '第二个标签', '2023-03-05', '300.5'],
        ['320922196808269379', '赵六', '第二个标签', '2023-03-05 14:30:00', '1234'],
      ]);
      expect(s1.rowsRead).toBe(4);
      const s2 = await people(file, 'Sheet2');
      expect(s2.rows.map((r) => r[1])).toEqual(['张三', '李四']);
      expect((await people(file, 2)).rows.map((r) => r[1])).toEqual(['王五', '赵六']);
      // default: the first visible tab
      expect((await people(file, undefined)).sheet).toBe('Sheet2');
      // the merged title row is read, and the preview fills the merge
      const src = await openSource({ table: 'person', path: file, displayPath: f, encoding: 'auto', sheet: 'Sheet1' });
      const head = await src.preview(2);
      await src.close();
      expect(head[0].slice(0, 4)).toEqual(['第二个标签：低保名册', '第二个标签：低保名册', '第二个标签：低保名册', '第二个标签：低保名册']);
    });
  }

  it('a sheet that does not exist lists the real names', async () => {
    const e = await userError(openSource({ table: 'person', path: path.join(FIX, 'openpyxl_tabs.xlsx'), displayPath: 'x.xlsx', encoding: 'auto', sheet: '名册' }));
    expect(e.diagnostics[0].code).toBe('ingest.sheet_not_found');
    expect(e.diagnostics[0].zh).toContain('1:Sheet2, 2:Sheet1, 3:隐藏');
  });
});

describe('SheetJS and exceljs workbooks with tabs Sheet2, Sheet1', () => {
  const rows = (who: string) => [
    ['标题行'],
    ['身份证号', '姓名', '住址'],
    ['11010519491231002X', who, '某村'],
  ];
  for (const sst of [true, false]) {
    it(`SheetJS (bookSST: ${sst})`, async () => {
      const wb = XLSX.utils.book_new();
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows('第一个')), 'Sheet2');
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows('第二个')), 'Sheet1');
      const file = tmpFile(`sheetjs-${sst}.xlsx`, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', bookSST: sst }) as Buffer);
      expect(listXlsxSheets(file, 'x').sheets.map((s) => s.name)).toEqual(['Sheet2', 'Sheet1']);
      expect((await people(file, 'Sheet1')).rows[0][1]).toBe('第二个');
      expect((await people(file, 'Sheet2')).rows[0][1]).toBe('第一个');
    });
  }
  it('exceljs', async () => {
    const wb = new ExcelJS.Workbook();
    for (const [n, who] of [
      ['Sheet2', '第一个'],
      ['Sheet1', '第二个'],
    ]) {
      const ws = wb.addWorksheet(n);
      for (const r of rows(who)) ws.addRow(r);
    }
    const file = tmpFile('exceljs-tabs.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect((await people(file, 'Sheet1')).rows[0][1]).toBe('第二个');
    expect((await people(file, 'Sheet2')).rows[0][1]).toBe('第一个');
  });
});

describe('hand-made packages', () => {
  it('parts with any names, targets relative with .. or absolute, workbook not at xl/workbook.xml', () => {
    const file = path.join(tmpRoot, 'odd-parts.xlsx');
    writeZip(file, [
      { name: '_rels/.rels', data: ROOT_RELS.replace('xl/workbook.xml', '/book/main.xml') },
      { name: 'book/main.xml', data: workbookXml(['名册', '说明']) },
      { name: 'book/_rels/main.xml.rels', data: workbookRels(['../data/roster.xml', '/data/notes.xml']) },
      { name: 'data/roster.xml', data: sheetXml([['身份证号', '姓名'], ['11010519491231002X', '张三']]) },
      { name: 'data/notes.xml', data: sheetXml([['说明']]) },
    ]);
    const { sheets } = listXlsxSheets(file, 'odd');
    expect(sheets.map((s) => [s.name, s.path])).toEqual([
      ['名册', 'data/roster.xml'],
      ['说明', 'data/notes.xml'],
    ]);
  });

  it('the odd package loads the tab asked for', async () => {
    const l = await load(path.join(tmpRoot, 'odd-parts.xlsx'), { headerRow: 1, ncols: 2, sheet: '名册' });
    expect(l.cells).toEqual([[2, null, '11010519491231002X', '张三']]);
  });

  it('a cell at column XFD: the row is a too_many_fields reject, never a 16,384-column table', async () => {
    const file = path.join(tmpRoot, 'xfd.xlsx');
    writeZip(file, [
      { name: '_rels/.rels', data: ROOT_RELS },
      { name: 'xl/workbook.xml', data: workbookXml(['S']) },
      { name: 'xl/_rels/workbook.xml.rels', data: workbookRels(['worksheets/sheet1.xml']) },
      {
        name: 'xl/worksheets/sheet1.xml',
        data: sheetXml([['身份证号', '姓名'], ['11010519491231002X', '张三']], '<row r="3"><c r="A3" t="inlineStr"><is><t>x</t></is></c><c r="XFD3" t="inlineStr"><is><t>far</t></is></c></row>'),
      },
    ]);
    const l = await load(file, { headerRow: 1, ncols: 2 });
    expect(l.cells).toEqual([
      [2, null, '11010519491231002X', '张三'],
      [3, 'xlsx.too_many_fields', 'x', null],
    ]);
    expect(l.rows[1]._raw).toContain('far');
  });
});

describe('zip bombs stop at once', () => {
  const GB = 1024 ** 3;
  it('workbook.xml inflating to 1 GB: ingest.xlsx_too_large naming the file and the limit, in seconds', async () => {
    const file = path.join(tmpRoot, 'bomb-workbook.xlsx');
    const wb = workbookXml(['Sheet1']);
    writeZip(file, [
      { name: '_rels/.rels', data: ROOT_RELS },
      { name: 'xl/workbook.xml', deflated: bomb(wb.slice(0, wb.indexOf('<sheets>')), ' ', GB, wb.slice(wb.indexOf('<sheets>'))) },
      { name: 'xl/_rels/workbook.xml.rels', data: workbookRels(['worksheets/sheet1.xml']) },
      { name: 'xl/worksheets/sheet1.xml', data: sheetXml([['身份证号'], ['1']]) },
    ]);
    const t0 = performance.now();
    const before = process.memoryUsage().rss;
    const e = await userError(openSource({ table: 'person', path: file, displayPath: 'bomb-workbook.xlsx', encoding: 'auto' }));
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 1024 * 1024);
    expect(e.diagnostics[0]).toMatchObject({ code: 'ingest.xlsx_too_large', at: { file: 'bomb-workbook.xlsx' } });
    expect(e.diagnostics[0].en).toMatch(/64 MB/);
    expect(e.diagnostics[0].zh).toContain('xl/workbook.xml');
  }, 120_000);

  it('a sheet inflating to 1 GB of empty rows: stopped by the ratio limit; a low size limit stops an honest sheet too', async () => {
    const file = path.join(tmpRoot, 'bomb-sheet.xlsx');
    const head = sheetXml([['身份证号', '姓名'], ['11010519491231002X', '张三']]).replace('</sheetData></worksheet>', '');
    writeZip(file, [
      { name: '_rels/.rels', data: ROOT_RELS },
      { name: 'xl/workbook.xml', data: workbookXml(['Sheet1']) },
      { name: 'xl/_rels/workbook.xml.rels', data: workbookRels(['worksheets/sheet1.xml']) },
      { name: 'xl/worksheets/sheet1.xml', deflated: bomb(head, '<row/>', GB, '</sheetData></worksheet>') },
    ]);
    const t0 = performance.now();
    const src = await openSource({ table: 'person', path: file, displayPath: 'bomb-sheet.xlsx', encoding: 'auto' });
    const e = await userError(src.preview(10));
    await src.close();
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(e.diagnostics[0]).toMatchObject({ code: 'ingest.xlsx_too_large', at: { file: 'bomb-sheet.xlsx', key: 'engine.max_inflate_ratio' } });
    // the size limit: the openpyxl fixture's sheet is ~1.5 KB of XML
    const small = await openSource(
      { table: 'person', path: path.join(FIX, 'openpyxl_tabs.xlsx'), displayPath: 'o.xlsx', encoding: 'auto' },
      { ...DEFAULT_LIMITS, maxXmlBytes: 200 },
    );
    const e2 = await userError(small.preview(5));
    await small.close();
    expect(e2.diagnostics[0]).toMatchObject({ code: 'ingest.xlsx_too_large', at: { key: 'engine.max_xlsx_xml_mb' } });
  }, 120_000);
});
