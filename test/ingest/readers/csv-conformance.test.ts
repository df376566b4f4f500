/**
 * CSV conformance against shared corpora: csv-spectrum (expected JSON rows) and the curated DuckDB CSV test data
 * (every file must give cells or a clear error/_error rows, never a crash or a broken row accounting).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Db } from '../../../src/db/connection.js';
import { UserError } from '../../../src/errors.js';
import { load, open } from './helpers.js';
import { external } from '../../external.js';

const SPECTRUM = external('csv-spectrum');
const DUCK = external('duckdb-csv');

function code(e: unknown): string | undefined {
  return e instanceof UserError ? e.diagnostics[0].code : undefined;
}

describe('csv-spectrum', () => {
  const names = fs.readdirSync(`${SPECTRUM}/csvs`).filter((f) => f.endsWith('.csv'));
  for (const name of names) {
    it(name, async () => {
      const file = `${SPECTRUM}/csvs/${name}`;
      const src = await open(file);
      const header = (await src.preview(1))[0];
      const l = await load(file, { headerRow: 1, ncols: header.length });
      let expected = JSON.parse(fs.readFileSync(`${SPECTRUM}/json/${name.replace(/\.csv$/, '.json')}`, 'utf8'));
      if (!Array.isArray(expected)) expected = [expected];
      const got = l.rows.map((r) => Object.fromEntries(header.map((h, i) => [h, (r[`c${i + 1}`] as string | null) ?? ''])));
      if (name === 'location_coordinates.csv') {
        // upstream defect: the JSON's phone number differs from the CSV; the stray " inside an unquoted field is literal
        expect(got[0]['Location Coordinates']).toBe(expected[0]['Location Coordinates']);
        expect(got[0]['Cities']).toBe('Modesto');
      } else {
        expect(got).toEqual(expected);
      }
      expect(l.rowsRead).toBe(l.rows.length + 1);
    });
  }
});

describe('DuckDB CSV corpus', () => {
  const db = Db.open();
  afterAll(async () => (await db).close());
  const files = fs
    .readFileSync(`${DUCK}/MANIFEST.tsv`, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split('\t')[0]);

  it('every file gives rows with exact accounting or a clear UserError', async () => {
    const d = (await db)!;
    let i = 0;
    const outcomes: Record<string, string> = {};
    for (const f of files) {
      i++;
      const file = path.join(DUCK, 'data', f);
      try {
        const src = await open(file);
        const p = await src.preview(5);
        const ncols = Math.max(1, ...p.map((r) => r.length));
        const { rowsRead } = await src.load(d, { stageTable: `s${i}`, headerRow: 1, ncols });
        const n = Number(await d.scalar(`select count(*) from s${i}`));
        expect(n + 1, f).toBe(rowsRead);
        const gaps = Number(await d.scalar(`select count(*) from (select _row - lag(_row) over (order by _row) g from s${i}) where g <> 1`));
        expect(gaps, f).toBe(0);
        outcomes[f] = 'ok';
      } catch (e) {
        if (!(e instanceof UserError)) throw new Error(`${f}: ${(e as Error).stack}`);
        outcomes[f] = code(e)!;
      }
    }
    expect(outcomes['empty.csv']).toBe('ingest.empty_file');
    for (const f of ['encodings/latin1.csv', 'encodings/shift_jis.csv', 'encodings/utf16.csv', 'invalid_utf8.csv']) {
      expect(outcomes[f], f).toBe('ingest.bad_encoding');
    }
    expect(Object.values(outcomes).filter((v) => v === 'ok').length).toBeGreaterThan(80);
  });

  const cells = async (f: string, headerRow: number, ncols: number) => (await load(path.join(DUCK, 'data', f), { headerRow, ncols })).cells;

  it('blank line inside data is a blank row; quoted newline is one row', async () => {
    const c = await cells('blank_line.csv', 1, 1);
    expect(c.length).toBe(11);
    expect(c[9]).toEqual([11, null, null]);
    expect(c[10]).toEqual([12, null, '11']);
    expect(await cells('quoted_newline.csv', 1, 1)).toEqual([[2, null, 'cell with\nnewline']]);
  });

  it('leading zeros, big numbers and phone numbers stay text', async () => {
    expect((await cells('leading_zeros.csv', 1, 8))[0][2]).toBe('09001');
    expect(await cells('big_number.csv', 1, 1)).toEqual([[2, null, '82544000000000707.52']]);
    expect((await cells('phonenumbers.csv', 1, 1))[0][2]).toBe('+318855443322');
  });

  it('title line above the header, extra delimiters flagged, header completion not needed', async () => {
    const c = await cells('extra_delimiters.csv', 1, 3);
    expect(c.filter((r) => r[1] === 'csv.too_many_fields').length).toBe(1);
    expect(c.filter((r) => r[1] === null).every((r) => r.slice(2).join(',') === '1,2,3')).toBe(true);
    const t = await cells('inconsistencies/line_with_spaces.csv', 2, 4);
    expect(t[0][0]).toBe(3);
  });

  it('mixed and CR-only line endings', async () => {
    expect(await cells('mixed_new_line.csv', 0, 3)).toEqual([
      [1, null, '1', '2', '3'],
      [2, null, '4', '5', '6'],
      [3, null, '7', '8', '9'],
    ]);
    expect(await cells('one_r_two.csv', 0, 1)).toEqual([
      [1, null, 'one'],
      [2, null, 'two'],
    ]);
  });

  it('unescaped quotes become bad_quoting rows, the rest of the table stays aligned', async () => {
    const c = await cells('unescaped_quotes/stops.csv', 1, 4);
    expect(c.length).toBe(10);
    expect(c.filter((r) => r[1] === "csv.bad_quoting").length).toBe(2);
    for (const r of c) if (r[1] === null && r[2] !== null) expect(String(r[2])).toMatch(/^de:/);
  });

  it('UTF-8 BOM header is clean; non-ASCII file names work', async () => {
    const src = await open(path.join(DUCK, 'data', 'auto/utf8bom.csv'));
    expect((await src.preview(1))[0]).toEqual(['id', 'name']);
    expect((await cells('中文/中.csv', 1, 2)).length).toBe(2);
  });
});
