import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { UserError } from '../../../src/errors.js';
import { CsvSource } from '../../../src/ingest/readers/csv.js';
import { assertAccounting, load, open, tmpFile } from './helpers.js';
import { external } from '../../external.js';

const TITLE_CSV =
  '滨海县2023年低保名册\n制表单位：县民政局,,\n序号,姓名,身份证号,金额\n1,张三,320922198001011234,300.50\n2,李四,32092219800101123X,200\n合计,,,500.50\n';

function code(e: unknown): string | undefined {
  return e instanceof UserError ? e.diagnostics[0].code : undefined;
}

describe('CSV reader', () => {
  it('reads UTF-8 with title rows, keeps IDs as text, 合计 rows staged, exact row numbers', async () => {
    const f = tmpFile('title.csv', TITLE_CSV);
    const src = await open(f);
    expect(src.format).toBe('csv');
    expect(src.encoding).toBe('utf-8');
    const p = await src.preview(4);
    expect(p[0]).toEqual(['滨海县2023年低保名册']);
    expect(p[2]).toEqual(['序号', '姓名', '身份证号', '金额']);
    const l = await load(f, { headerRow: 3, ncols: 4 });
    expect(l.rowsRead).toBe(6);
    assertAccounting(l, 3);
    expect(l.cells).toEqual([
      [4, null, '1', '张三', '320922198001011234', '300.50'],
      [5, null, '2', '李四', '32092219800101123X', '200'],
      [6, null, '合计', null, null, '500.50'],
    ]);
  });

  it('strips a UTF-8 BOM and reports utf-8-bom', async () => {
    const f = tmpFile('bom.csv', '\uFEFF姓名,身份证号\r\n张三,320922198001011234\r\n');
    const src = await open(f);
    expect(src.encoding).toBe('utf-8-bom');
    expect((await src.preview(1))[0]).toEqual(['姓名', '身份证号']);
    const l = await load(f, { headerRow: 1, ncols: 2 });
    expect(l.cells).toEqual([[2, null, '张三', '320922198001011234']]);
    expect(l.rowsRead).toBe(2);
  });

  it('decodes GBK as GB18030 (auto and explicit gbk), including 4-byte characters', async () => {
    const text = '低保名册\n姓名,身份证号,备注\n张三,320922198001011234,𠀀字\n李四,320922198001011242,䶮\n';
    const f = tmpFile('gb.csv', iconv.encode(text, 'gb18030'));
    for (const encoding of ['auto', 'gbk', 'gb18030'] as const) {
      const l = await load(f, { headerRow: 2, ncols: 3, encoding });
      expect(l.src.encoding).toBe('gb18030');
      expect(l.cells).toEqual([
        [3, null, '张三', '320922198001011234', '𠀀字'],
        [4, null, '李四', '320922198001011242', '䶮'],
      ]);
      expect(l.rowsRead).toBe(4);
    }
    const src = await open(f);
    expect((await src.preview(2))[1]).toEqual(['姓名', '身份证号', '备注']);
  });

  it('switches to GB18030 when an ASCII head is followed by GBK text', async () => {
    const head = 'a,b\n' + Array.from({ length: 20000 }, (_, i) => `${i},x`).join('\n') + '\n';
    const f = tmpFile('late-gbk.csv', Buffer.concat([Buffer.from(head), iconv.encode('99999,合计\n', 'gbk')]));
    const l = await load(f, { headerRow: 1, ncols: 2 });
    expect(l.src.encoding).toBe('gb18030');
    expect(l.rowsRead).toBe(20002);
    expect(l.cells.at(-1)).toEqual([20002, null, '99999', '合计']);
  });

  it('counts blank lines as rows and keeps numbering after them', async () => {
    const f = tmpFile('blank.csv', 'a,b\n1,2\n\n\n3,4\n\n5,6\n\n');
    const l = await load(f, { headerRow: 1, ncols: 2 });
    expect((l.src as CsvSource).lastLoad?.path).toBe('duckdb');
    expect(l.rowsRead).toBe(8);
    assertAccounting(l, 1);
    expect(l.cells).toEqual([
      [2, null, '1', '2'],
      [3, null, null, null],
      [4, null, null, null],
      [5, null, '3', '4'],
      [6, null, null, null],
      [7, null, '5', '6'],
      [8, null, null, null],
    ]);
  });

  it('a quoted field with newlines is one row', async () => {
    const f = tmpFile('qnl.csv', 'title\n姓名,住址\n张三,"滨海县\n某某村"\n李四,"a\r\nb"\n\n王五,c\n');
    const l = await load(f, { headerRow: 2, ncols: 2 });
    expect(l.rowsRead).toBe(6);
    assertAccounting(l, 2);
    expect(l.cells).toEqual([
      [3, null, '张三', '滨海县\n某某村'],
      [4, null, '李四', 'a\r\nb'],
      [5, null, null, null],
      [6, null, '王五', 'c'],
    ]);
  });

  it('ragged rows: short rows padded with NULL, extra empty cells fine, extra values flagged', async () => {
    const f = tmpFile('ragged.csv', 'a,b,c\n1\n1,2,3,,\n1,2,3,4\n,,\n');
    const l = await load(f, { headerRow: 1, ncols: 3 });
    expect(l.rowsRead).toBe(5);
    expect(l.cells).toEqual([
      [2, null, '1', null, null],
      [3, null, '1', '2', '3'],
      [4, 'csv.too_many_fields', '1', '2', '3'],
      [5, null, null, null, null],
    ]);
    expect(l.rows[2]._raw).toBe('1,2,3,4');
  });

  it('broken quoting flags the affected row and never shifts the table', async () => {
    const f = tmpFile('broken.csv', 'a,b,c\n1,"x,2\n3,4,5\n6,"ok",7\n8,"y"z,9\n10,11,12\n');
    const l = await load(f, { headerRow: 1, ncols: 3 });
    expect((l.src as CsvSource).lastLoad?.path).toBe('js');
    expect(l.rowsRead).toBe(6);
    assertAccounting(l, 1);
    expect(l.cells[0][1]).toBe('csv.bad_quoting');
    expect(l.rows[0]._raw).toBe('1,"x,2');
    expect(l.cells[1]).toEqual([3, null, '3', '4', '5']);
    expect(l.cells[2]).toEqual([4, null, '6', 'ok', '7']);
    expect(l.cells[3][1]).toBe('csv.bad_quoting');
    expect(l.cells[4]).toEqual([6, null, '10', '11', '12']);
  });

  it('unterminated quote at EOF flags only that row', async () => {
    const f = tmpFile('unterminated.csv', 'a,b\n1,2\n3,"oops\n5,6\n');
    const l = await load(f, { headerRow: 1, ncols: 2 });
    expect(l.cells).toEqual([
      [2, null, '1', '2'],
      [3, 'csv.bad_quoting', null, null],
      [4, null, '5', '6'],
    ]);
  });

  it('stray quotes inside unquoted fields are literal; CR-only and mixed line endings work', async () => {
    const f = tmpFile('stray.csv', 'a,b\r\n1,5"屏\n2,3\r3,4\r\n');
    const l = await load(f, { headerRow: 1, ncols: 2 });
    expect(l.rowsRead).toBe(4);
    expect(l.cells).toEqual([
      [2, null, '1', '5"屏'],
      [3, null, '2', '3'],
      [4, null, '3', '4'],
    ]);
  });

  it('sniffs tab, semicolon and pipe delimiters', async () => {
    for (const [d, name] of [['\t', 'tab.txt'], [';', 'semi.csv'], ['|', 'pipe.csv']] as const) {
      const f = tmpFile(name, `姓名${d}金额\n张三${d}1,5\n李四${d}2\n`);
      const l = await load(f, { headerRow: 1, ncols: 2 });
      expect(l.cells).toEqual([
        [2, null, '张三', '1,5'],
        [3, null, '李四', '2'],
      ]);
    }
  });

  it('empty and whitespace-only files are a clear error', async () => {
    for (const [name, content] of [['empty.csv', ''], ['bom-only.csv', '\uFEFF'], ['ws.csv', ' \r\n\n  ']] as const) {
      const f = tmpFile(name, content);
      await expect(open(f)).rejects.toSatisfy((e) => code(e) === 'ingest.empty_file');
    }
  });

  it('missing file', async () => {
    await expect(open('/nonexistent/x.csv')).rejects.toSatisfy((e) => code(e) === 'ingest.file_not_found');
  });

  it('binary garbage and UTF-16 are bad_encoding naming the file', async () => {
    const bin = Buffer.alloc(4096);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) % 256;
    const f = tmpFile('garbage.csv', bin);
    const e = await open(f).catch((x) => x);
    expect(code(e)).toBe('ingest.bad_encoding');
    expect((e as UserError).diagnostics[0].at?.file).toBe('garbage.csv');
    expect((e as UserError).diagnostics[0].zh).toMatch(/另存为/);
    const u16 = tmpFile('u16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]));
    expect(code(await open(u16).catch((x) => x))).toBe('ingest.bad_encoding');
  });

  it('Shift-JIS is not silently read as GBK', async () => {
    const dir = external('chardet-encoding-probes', 'SHIFT_JIS');
    for (const name of fs.readdirSync(dir)) {
      const f = tmpFile('sjis-' + name + '.csv', fs.readFileSync(`${dir}/${name}`));
      expect(code(await open(f).catch((x) => x))).toBe('ingest.bad_encoding');
    }
    // GB2312 probes are accepted as GB18030
    const gdir = external('chardet-encoding-probes', 'GB2312');
    for (const name of fs.readdirSync(gdir)) {
      const f = tmpFile('gb-' + name + '.csv', fs.readFileSync(`${gdir}/${name}`));
      expect((await open(f)).encoding).toBe('gb18030');
    }
  });

  it('explicit utf-8 on a GBK file is an error suggesting gbk', async () => {
    const f = tmpFile('gb-as-utf8.csv', iconv.encode('姓名,金额\n张三,1\n', 'gbk'));
    const e = await open(f, { encoding: 'utf-8' }).catch((x) => x);
    expect(code(e)).toBe('ingest.bad_encoding');
    expect((e as UserError).diagnostics[0].en).toMatch(/gbk/);
  });

  it('no trailing newline: last row still counted once', async () => {
    const f = tmpFile('noeol.csv', 'a,b\n1,2');
    const l = await load(f, { headerRow: 1, ncols: 2 });
    expect(l.rowsRead).toBe(2);
    expect(l.cells).toEqual([[2, null, '1', '2']]);
  });

  it('header only: zero staged rows', async () => {
    const f = tmpFile('hdr.csv', 'a,b\n');
    const l = await load(f, { headerRow: 1, ncols: 2 });
    expect(l.rowsRead).toBe(1);
    expect(l.rows).toEqual([]);
  });
});

describe('progress', () => {
  it('reports at most a few times per second and ends with the full count', async () => {
    const f = tmpFile('progress.csv', 'a,b\n' + Array.from({ length: 50000 }, (_, i) => `${i},x`).join('\n') + '\n');
    const { Db } = await import('../../../src/db/connection.js');
    const db = await Db.open();
    const calls: Array<[number, number, number]> = [];
    const src = await open(f);
    const t0 = Date.now();
    const { rowsRead } = await src.load(db, { stageTable: 's', headerRow: 1, ncols: 2, onProgress: (r, b) => calls.push([r, b, Date.now()]) });
    const secs = (Date.now() - t0) / 1000;
    expect(rowsRead).toBe(50001);
    expect(calls.at(-1)?.[0]).toBe(50001);
    expect(calls.length).toBeLessThanOrEqual(2 + Math.ceil(secs * 4));
    db.close();
  });
});

describe('long fields', () => {
  it('a 3 MB cell loads on both paths (max_line_size raised only when needed)', async () => {
    const big = '长'.repeat(1_000_000);
    for (const [name, extra] of [['long.csv', ''], ['long-js.csv', '\n1,5"x']] as const) {
      const f = tmpFile(name, `a,b\n1,"${big}"\n2,x${extra}\n`);
      const l = await load(f, { headerRow: 1, ncols: 2 });
      expect(String(l.cells[0][3]).length).toBe(1_000_000);
      expect(l.cells[1]).toEqual([3, null, '2', 'x']);
    }
  });
});

describe('a wide row beyond the head', () => {
  // the scan leaves field counting to DuckDB's strict read; a row wider than the head's guess makes that read fail,
  // and the width then comes from a counting scan: the file still loads through DuckDB with the row flagged
  for (const enc of ['utf-8', 'gbk'] as const) {
    it(`${enc}: flags the wide row, numbers every row exactly`, async () => {
      const lines = ['姓名,金额'];
      for (let i = 0; i < 30_000; i++) lines.push(`张三${i},${i}`);
      lines.push('李四,1,多出来的值');
      lines.push('王五,2');
      const text = lines.join('\n') + '\n';
      const f = tmpFile(`wide-late-${enc}.csv`, enc === 'gbk' ? iconv.encode(text, 'gbk') : text);
      const l = await load(f, { headerRow: 1, ncols: 2 });
      expect((l.src as CsvSource).lastLoad?.path).toBe('duckdb');
      expect(l.rowsRead).toBe(30_003);
      assertAccounting(l, 1);
      const wide = l.rows.find((r) => r._row === 30_002)!;
      expect(wide._error).toBe('csv.too_many_fields');
      expect(wide._raw).toBe('李四,1,多出来的值');
      expect(l.cells.find((r) => r[0] === 30_003)).toEqual([30_003, null, '王五', '2']);
      expect(l.cells.find((r) => r[0] === 2)).toEqual([2, null, '张三0', '0']);
    });
  }
});

describe('many blank lines', () => {
  it('more than 64 blank rows use the ASOF numbering and stay exact', async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 300; i++) lines.push(i % 3 === 0 ? '' : `${i},x`);
    const f = tmpFile('many-blank.csv', lines.join('\n') + '\n');
    const l = await load(f, { headerRow: 1, ncols: 2 });
    expect((l.src as CsvSource).lastLoad?.path).toBe('duckdb');
    expect(l.rowsRead).toBe(301);
    assertAccounting(l, 1);
    for (const r of l.cells) {
      const i = (r[0] as number) - 2;
      expect(r.slice(2)).toEqual(i % 3 === 0 ? [null, null] : [String(i), 'x']);
    }
  });
});

describe('failed loads leave no stage table', () => {
  it('a file of blank lines is empty_file and the speculative stage table is dropped', async () => {
    const { Db } = await import('../../../src/db/connection.js');
    const db = await Db.open();
    const f = tmpFile('blank-lines.csv', '\n'.repeat(70000) + 'x'.repeat(0));
    const src = await open(f).catch((e) => e);
    if (src instanceof Error) {
      expect(code(src)).toBe('ingest.empty_file');
    } else {
      await expect(src.load(db, { stageTable: 'st', headerRow: 1, ncols: 2 })).rejects.toSatisfy((e) => code(e) === 'ingest.empty_file');
      expect(await db.tableExists('st')).toBe(false);
    }
    db.close();
  });
});
