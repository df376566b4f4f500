/**
 * Larger generated files (past the 1 MB read chunk) with quoted newlines, blank lines, ragged rows and CRLF,
 * checked cell by cell against papaparse on the whole text — on the DuckDB path and on the JS path.
 */
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import iconv from 'iconv-lite';
import { CsvSource } from '../../../src/ingest/readers/csv.js';
import { load, tmpFile } from './helpers.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function generate(seed: number, rows: number, nl: string, stray: boolean, multiline = true): string {
  const r = rng(seed);
  const words = ['张三', '滨海县', 'a,b', '他说"好"', '𠀀', '320922198001011234', '', ' 空格 ', '合计'];
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const x = r();
    if (x < 0.03) {
      lines.push('');
      continue;
    }
    const n = x < 0.06 ? 2 : 5;
    const cells: string[] = [];
    for (let c = 0; c < n; c++) {
      let w = words[Math.floor(r() * words.length)] + (c === 0 ? String(i) : '');
      if (multiline && r() < 0.02) w += `\n第二行${nl}第三行`;
      const needs = /[",\n\r]/.test(w);
      cells.push(needs ? '"' + w.replace(/"/g, '""') + '"' : w);
    }
    if (stray && i % 5000 === 17) cells[1] = '5"屏';
    lines.push(cells.join(','));
  }
  return lines.join(nl);
}

async function check(text: string, expectPath: 'duckdb' | 'js', gbk = false, overlapped?: boolean) {
  const f = tmpFile(`prop-${expectPath}-${gbk}-${text.length}.csv`, gbk ? iconv.encode(text, 'gb18030') : text);
  const expected = Papa.parse<string[]>(text, { delimiter: ',', newline: undefined, skipEmptyLines: false }).data;
  const l = await load(f, { headerRow: 1, ncols: 5 });
  expect((l.src as CsvSource).lastLoad?.path).toBe(expectPath);
  if (overlapped !== undefined) expect((l.src as CsvSource).lastLoad?.overlapped).toBe(overlapped);
  expect(l.rowsRead).toBe(expected.length);
  expect(l.rows.length).toBe(expected.length - 1);
  const want = expected.slice(1).map((row, i) => [i + 2, ...row.concat(Array(5).fill('')).slice(0, 5)].join('\u0001'));
  const got = l.cells.map((c) => [c[0], ...c.slice(2).map((v) => v ?? '')].join('\u0001'));
  expect(got.length).toBe(want.length);
  const firstDiff = got.findIndex((g, i) => g !== want[i]);
  expect(firstDiff === -1 ? null : { got: got[firstDiff], want: want[firstDiff] }).toBeNull();
}

describe('CSV reader on generated files', () => {
  it('LF, quoted newlines and blank lines: DuckDB path matches papaparse', async () => {
    await check(generate(1, 25000, '\n', false), 'duckdb');
    await check(generate(7, 10000, '\n', false, false), 'duckdb', false, true);
  });
  it('CRLF file as GB18030: DuckDB path matches papaparse', async () => {
    await check(generate(2, 15000, '\r\n', false), 'duckdb', true);
  });
  it('GB18030 in many small parts (DuckDB loads parts while transcoding): same cells', async () => {
    const saved = CsvSource.PART_BYTES;
    CsvSource.PART_BYTES = 64 * 1024;
    try {
      await check(generate(4, 8000, '\n', false), 'duckdb', true);
      await check(generate(6, 8000, '\r\n', false, false), 'duckdb', true, true);
      await check(generate(5, 8000, '\n', true), 'js', true);
    } finally {
      CsvSource.PART_BYTES = saved;
    }
  });
  it('stray quotes force the JS path, same cells', async () => {
    await check(generate(3, 15000, '\n', true), 'js');
  });
});
