/**
 * Hostile shapes (issue 16): each is generated here (no big files committed) and must end fast — a clear error
 * naming the file and the limit, or rejects — in bounded memory. Time guards are generous (a shared 2-core
 * machine); "before" these bounds the same files ran out of memory or ran for over half an hour.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/cli/commands/run.js';
import { loadPipeline } from '../../src/config/load-pipeline.js';
import { UserError } from '../../src/errors.js';
import { Db } from '../../src/db/connection.js';
import { ROOT_RELS, workbookRels, workbookXml, writeZip } from './readers/zip-writer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xc-hostile-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const ID = '11010519491231002X';

function pipeline(name: string, source: string, engine = ''): string {
  const p = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(p, `sources:\n  person: { path: ${source} }\noutput: out-${name}\n${engine}`);
  return p;
}

async function failure(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

async function rejects(outDir: string): Promise<{ source_row: number; reason_code: string; n: number }[]> {
  const db = await Db.open(path.join(outDir, 'xuncha.duckdb'));
  try {
    return (await db.all<{ source_row: number; reason_code: string; n: string }>(`select source_row, reason_code, length(raw) as n from rejects order by source_row`)).map((r) => ({
      ...r,
      n: Number(r.n),
    }));
  } finally {
    db.close();
  }
}

describe('one CSV line with a huge number of fields', () => {
  for (const [label, fields, cell, limit] of [
    ['220,000 fields', 220_000, (i: number) => String(i % 10), 60_000],
    ['1,000,000 fields (11 MB)', 1_000_000, () => '1234567890', 120_000],
  ] as const) {
    it(`${label}: the line is a too_many_fields reject, the rest loads`, async () => {
      const f = `wide-${fields}.csv`;
      fs.writeFileSync(path.join(dir, f), `身份证号,姓名,住址\n${ID},张三,甲村\n${Array.from({ length: fields }, (_, i) => cell(i)).join(',')}\n${ID.slice(0, 17)}1,李四,乙村\n`);
      const t0 = performance.now();
      const r = await runPipeline(loadPipeline(pipeline(`wide${fields}`, f)), { stage: 'ingest' });
      expect(performance.now() - t0).toBeLessThan(limit);
      const i = r.ingest.inputs[0];
      expect(i).toMatchObject({ rows_read: 4, rows_loaded: 2, rows_rejected: 1, rows_skipped: 1 });
      const rj = await rejects(r.outDir);
      expect(rj.map((x) => [x.source_row, x.reason_code])).toEqual([[3, 'csv.too_many_fields']]);
      expect(rj[0].n).toBeGreaterThan(fields); // the raw line is kept whole
    }, limit * 2);
  }
});

describe('tables wider than engine.max_columns', () => {
  it('20,000 columns × 100 rows (CSV): ingest.too_many_columns naming the file and the key, fast', async () => {
    const cols = ['身份证号', '姓名', ...Array.from({ length: 19_998 }, (_, i) => `列${i + 3}`)];
    let t = cols.join(',') + '\n';
    for (let r = 0; r < 100; r++) t += [ID, '张三', ...Array.from({ length: 19_998 }, (_, i) => String((r * i) % 1000))].join(',') + '\n';
    fs.writeFileSync(path.join(dir, 'cols20k.csv'), t);
    const t0 = performance.now();
    const e = await failure(runPipeline(loadPipeline(pipeline('cols20k', 'cols20k.csv')), { stage: 'ingest' }));
    expect(performance.now() - t0).toBeLessThan(60_000);
    expect(e.diagnostics[0]).toMatchObject({ code: 'ingest.too_many_columns', at: { file: 'cols20k.csv', row: 1, key: 'engine.max_columns' } });
    expect(e.diagnostics[0].zh).toContain('2000');
    expect(fs.existsSync(path.join(dir, 'out-cols20k', 'xuncha.duckdb'))).toBe(false);
  }, 120_000);

  it('the same as XLSX; and a raised engine.max_columns reads a 30-column file the default limit of 20 refuses', async () => {
    const head = Array.from({ length: 20_000 }, (_, i) => (i === 0 ? '身份证号' : i === 1 ? '姓名' : `列${i + 1}`));
    const row = (cells: string[], r: number) => `<row r="${r}">${cells.map((v) => `<c t="inlineStr"><is><t>${v}</t></is></c>`).join('')}</row>`;
    writeZip(path.join(dir, 'cols20k.xlsx'), [
      { name: '_rels/.rels', data: ROOT_RELS },
      { name: 'xl/workbook.xml', data: workbookXml(['S']) },
      { name: 'xl/_rels/workbook.xml.rels', data: workbookRels(['worksheets/sheet1.xml']) },
      {
        name: 'xl/worksheets/sheet1.xml',
        data: `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${row(head, 1)}${row([ID, '张三'], 2)}</sheetData></worksheet>`,
      },
    ]);
    const e = await failure(runPipeline(loadPipeline(pipeline('cols20kx', 'cols20k.xlsx')), { stage: 'ingest' }));
    expect(e.diagnostics[0]).toMatchObject({ code: 'ingest.too_many_columns', at: { file: 'cols20k.xlsx', sheet: 'S', key: 'engine.max_columns' } });
    fs.writeFileSync(path.join(dir, 'cols30.csv'), ['身份证号', '姓名', ...Array.from({ length: 28 }, (_, i) => `备注${i}`)].join(',') + `\n${ID},张三\n`);
    const e2 = await failure(runPipeline(loadPipeline(pipeline('cols30', 'cols30.csv', 'engine: { max_columns: 20 }\n')), { stage: 'ingest' }));
    expect(e2.diagnostics[0].code).toBe('ingest.too_many_columns');
    const ok = await runPipeline(loadPipeline(pipeline('cols30ok', 'cols30.csv', 'engine: { max_columns: 40 }\n')), { stage: 'ingest' });
    expect(ok.ingest.inputs[0].rows_loaded).toBe(1);
  }, 120_000);
});

describe('HTML disguised as .xls', () => {
  it('over engine.max_html_xls_mb (26 MB > 25 MB): refused at once, naming the file and the key', async () => {
    const f = path.join(dir, 'big.xls');
    const fd = fs.openSync(f, 'w');
    fs.writeSync(fd, '<html><body><table><tr><td>身份证号</td><td>姓名</td></tr>\n');
    const block = `<tr><td>${ID}</td><td>张三</td></tr>\n`.repeat(10_000);
    for (let n = 0; n < 26 * 1024 * 1024; n += Buffer.byteLength(block)) fs.writeSync(fd, block);
    fs.writeSync(fd, '</table></body></html>\n');
    fs.closeSync(fd);
    const t0 = performance.now();
    const e = await failure(runPipeline(loadPipeline(pipeline('bightml', 'big.xls')), { stage: 'ingest' }));
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(e.diagnostics[0]).toMatchObject({ code: 'ingest.file_too_large', at: { file: 'big.xls', key: 'engine.max_html_xls_mb' } });
  }, 60_000);

  it('a small one still reads; a lower limit refuses it', async () => {
    fs.writeFileSync(path.join(dir, 'small.xls'), `<html><body><table><tr><td>身份证号</td><td>姓名</td></tr><tr><td>${ID}</td><td>张三</td></tr></table></body></html>`);
    const r = await runPipeline(loadPipeline(pipeline('smallhtml', 'small.xls')), { stage: 'ingest' });
    expect(r.ingest.inputs[0].rows_loaded).toBe(1);
    const e = await failure(runPipeline(loadPipeline(pipeline('smallhtml2', 'small.xls', 'engine: { max_html_xls_mb: 0.0001 }\n')), { stage: 'ingest' }));
    expect(e.diagnostics[0].code).toBe('ingest.file_too_large');
  }, 60_000);
});

describe('engine limits in the pipeline file', () => {
  it('wrong values are errors with the key', () => {
    for (const bad of ['max_columns: 0', 'max_inflate_ratio: 0.5', 'max_xlsx_xml_mb: -1', 'rule_timeout: 0', 'max_colums: 10']) {
      const p = path.join(dir, 'bad.yaml');
      fs.writeFileSync(p, `sources:\n  person: { path: x.csv }\nengine: { ${bad} }\n`);
      expect(() => loadPipeline(p), bad).toThrow(UserError);
    }
  });
});
