import { beforeAll, describe, expect, it } from 'vitest';
import XLSX from 'xlsx';
import iconv from 'iconv-lite';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Db } from '../../../src/db/connection.js';
import { UserError } from '../../../src/errors.js';
import { assertAccounting, load, open, tmpFile, tmpRoot } from './helpers.js';

function code(e: unknown): string | undefined {
  return e instanceof UserError ? e.diagnostics[0].code : undefined;
}

describe('XLS reader (SheetJS in a child process)', () => {
  let xls: string;
  beforeAll(() => {
    const wb = XLSX.utils.book_new();
    const ws = XLSX.utils.aoa_to_sheet([
      ['滨海县低保名册'],
      ['姓名', '身份证号', '金额', '日期'],
      ['张三', '320922198001011234', 300.5, 45000],
      [],
      ['李四', '32092219800101124X', 0.1 + 0.2, 45001],
      ['合计', null, 300.8, null],
    ]);
    ws['!merges'] = [{ s: { r: 0, c: 0 }, e: { r: 0, c: 3 } }];
    for (const a of ['D3', 'D5']) ws[a].z = 'yyyy-mm-dd';
    XLSX.utils.book_append_sheet(wb, ws, '名册');
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['x']]), '其他');
    xls = tmpFile('roster.xls', XLSX.write(wb, { bookType: 'biff8', type: 'buffer' }) as Buffer);
  });

  it('reads BIFF8 with title row, merges, dates, numbers, blank and 合计 rows', async () => {
    const src = await open(xls);
    expect(src.format).toBe('xls');
    expect(src.sheet).toBe('名册');
    const p = await src.preview(2);
    expect(p[0]).toEqual(['滨海县低保名册', '滨海县低保名册', '滨海县低保名册', '滨海县低保名册']);
    expect(p[1]).toEqual(['姓名', '身份证号', '金额', '日期']);
    await src.close();
    const l = await load(xls, { headerRow: 2, ncols: 4 });
    expect(l.rowsRead).toBe(6);
    assertAccounting(l, 2);
    expect(l.cells).toEqual([
      [3, null, '张三', '320922198001011234', '300.5', '2023-03-15'],
      [4, null, null, null, null, null],
      [5, null, '李四', '32092219800101124X', '0.3', '2023-03-16'],
      [6, null, '合计', null, '300.8', null],
    ]);
  });

  it('sheet by name and index; wrong sheet lists sheets', async () => {
    expect((await open(xls, { sheet: '其他' })).sheet).toBe('其他');
    expect((await open(xls, { sheet: 2 })).sheet).toBe('其他');
    const e = await open(xls, { sheet: '无' }).catch((x) => x);
    expect(code(e)).toBe('ingest.sheet_not_found');
    expect((e as UserError).diagnostics[0].zh).toContain('名册');
  });

  it('HTML disguised as .xls, GBK-encoded, keeps IDs as text', async () => {
    const html = '<html><head><meta charset="gb2312"></head><body><table><tr><td>姓名</td><td>身份证号</td></tr><tr><td>张三</td><td>320922198001011234</td></tr></table></body></html>';
    const f = tmpFile('html.xls', iconv.encode(html, 'gbk'));
    const l = await load(f, { headerRow: 1, ncols: 2 });
    expect(l.src.format).toBe('xls');
    expect(l.cells).toEqual([[2, null, '张三', '320922198001011234']]);
  });

  it('tab-separated text named .xls goes to the CSV reader', async () => {
    const f = tmpFile('tsv.xls', iconv.encode('姓名\t身份证号\n张三\t320922198001011234\n', 'gbk'));
    const l = await load(f, { headerRow: 1, ncols: 2 });
    expect(l.src.format).toBe('csv');
    expect(l.src.encoding).toBe('gb18030');
    expect(l.cells).toEqual([[2, null, '张三', '320922198001011234']]);
  });

  it('the worker is killed on timeout (ReDoS guard) and the main process stays clean', async () => {
    const { runXlsWorker } = await import('../../../src/ingest/readers/xls.js');
    await expect(runXlsWorker(xls, undefined, 1)).rejects.toThrow(/timed out/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('corrupt OLE file is bad_xls', async () => {
    const f = tmpFile('bad.xls', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1000, 3)]));
    expect(code(await open(f).catch((x) => x))).toBe('ingest.bad_xls');
  });
});

describe('Parquet and Arrow readers', () => {
  let parquet: string;
  beforeAll(async () => {
    parquet = `${tmpRoot}/t.parquet`;
    const db = await Db.open();
    await db.run(
      `copy (select * from (values (1, '320922198001011234', date '2023-03-05', 300.5::double, true, timestamp '2023-03-05 10:00:00'),
        (2, null, null, 2.0::double, false, timestamp '2023-03-06 00:00:00')) t(序号, 身份证号, 日期, 金额, 标记, 时间))
       to '${parquet}' (format parquet)`,
    );
    db.close();
  });

  it('parquet: names are row 1, values as text', async () => {
    const src = await open(parquet);
    expect(src.format).toBe('parquet');
    expect(await src.preview(2)).toEqual([
      ['序号', '身份证号', '日期', '金额', '标记', '时间'],
      ['1', '320922198001011234', '2023-03-05', '300.5', 'TRUE', '2023-03-05 10:00:00'],
    ]);
    const l = await load(parquet, { headerRow: 1, ncols: 6 });
    expect(l.rowsRead).toBe(3);
    assertAccounting(l, 1);
    expect(l.cells).toEqual([
      [2, null, '1', '320922198001011234', '2023-03-05', '300.5', 'TRUE', '2023-03-05 10:00:00'],
      [3, null, '2', null, null, '2', 'FALSE', '2023-03-06'],
    ]);
  });

  it('arrow IPC (file and stream), unknown extension sniffed', async () => {
    const table = tableFromArrays({
      姓名: ['张三', '李四', null],
      金额: Float64Array.from([300.5, 0.1 + 0.2, NaN]),
      序号: Int32Array.from([1, 2, 3]),
    });
    for (const [name, fmt] of [['t.arrow', 'file'], ['t.bin', 'file'], ['t.arrows', 'stream']] as const) {
      const f = tmpFile(name, Buffer.from(tableToIPC(table, fmt)));
      const src = await open(f);
      if (fmt === 'file') expect(src.format).toBe('arrow');
      const l = await load(f, { headerRow: 1, ncols: 3 });
      expect(l.rowsRead).toBe(4);
      assertAccounting(l, 1);
      expect(l.cells).toEqual([
        [2, null, '张三', '300.5', '1'],
        [3, null, '李四', '0.3', '2'],
        [4, null, null, 'NaN', '3'],
      ]);
    }
  });

  it('corrupt parquet is a clear error', async () => {
    const f = tmpFile('bad.parquet', 'PAR1 not really');
    expect(code(await open(f).catch((x) => x))).toBe('ingest.bad_parquet');
  });
});
