import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline, parsePipeline } from '../../src/config/load-pipeline.js';
import { UserError } from '../../src/errors.js';

function dirWith(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'xc-cfg-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(d, p, '..'), { recursive: true });
    writeFileSync(join(d, p), c);
  }
  return d;
}

function errorsOf(f: () => unknown) {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e.diagnostics;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('pipeline file', () => {
  it('resolves paths relative to the pipeline file and expands globs in sorted order', () => {
    const d = dirWith({
      'data/低保名册.csv': 'x',
      'data/发放/2023-02.csv': 'x',
      'data/发放/2023-01.csv': 'x',
      'p.yaml': `name: 测试
sources:
  dibao: { path: data/低保名册.csv }
  subsidy: { path: data/发放/*.csv, encoding: gbk }
`,
    });
    const c = loadPipeline(join(d, 'p.yaml'));
    expect(c.name).toBe('测试');
    expect(c.sources.map((s) => s.displayPath)).toEqual(['data/低保名册.csv', 'data/发放/2023-01.csv', 'data/发放/2023-02.csv']);
    expect(c.sources[1].encoding).toBe('gbk');
    expect(c.rules.include).toEqual(['all']);
    expect(c.report.mask_ids).toBe(true);
  });

  it('reports every problem at once with its YAML line', () => {
    const d = dirWith({ 'a.csv': 'x' });
    const text = `sources:
  dibao: { path: a.csv }
  vehical: { path: a.csv }
  person: { path: missing.csv }
reportt: {}
`;
    const ds = errorsOf(() => parsePipeline(text, join(d, 'p.yaml')));
    const unknownKey = ds.find((x) => x.code === 'pipeline.unknown_key')!;
    expect(unknownKey.at?.line).toBe(5);
    expect(unknownKey.zh).toContain('report');
    const unknownTable = ds.find((x) => x.code === 'pipeline.unknown_table')!;
    expect(unknownTable.at?.line).toBe(3);
  });

  it('names unknown tables with a suggestion, and missing files', () => {
    const d = dirWith({ 'a.csv': 'x' });
    const ds = errorsOf(() =>
      parsePipeline(
        `sources:
  dibao: { path: a.csv }
  vehical: { path: a.csv }
  person: { path: missing.csv }
`,
        join(d, 'p.yaml'),
      ),
    );
    const unknown = ds.find((x) => x.code === 'pipeline.unknown_table')!;
    expect(unknown.at?.line).toBe(3);
    expect(unknown.zh).toContain('vehicle');
    const missing = ds.find((x) => x.code === 'ingest.file_not_found')!;
    expect(missing.at?.line).toBe(4);
  });

  it('rejects wrongly typed values and unknown source keys', () => {
    const d = dirWith({ 'a.csv': 'x' });
    const ds = errorsOf(() =>
      parsePipeline(
        `sources:
  dibao: { path: a.csv, header_row: first }
report:
  mask_ids: 是
`,
        join(d, 'p.yaml'),
      ),
    );
    expect(ds.length).toBeGreaterThanOrEqual(2);
    expect(ds.every((x) => x.at?.line != null)).toBe(true);
  });

  it('rejects a columns mapping to a field the table does not have', () => {
    const d = dirWith({ 'a.csv': 'x' });
    const ds = errorsOf(() =>
      parsePipeline(
        `sources:
  vehicle:
    - { path: a.csv, columns: { 证件号码: id_numbr } }
`,
        join(d, 'p.yaml'),
      ),
    );
    expect(ds[0].code).toBe('pipeline.unknown_field');
    expect(ds[0].zh).toContain('id_number');
    expect(ds[0].at?.line).toBe(3);
  });

  it('gives a clear error for YAML syntax errors and a missing file', () => {
    const ds = errorsOf(() => parsePipeline('sources:\n  dibao: { path: a.csv\n', '/tmp/p.yaml'));
    expect(ds[0].code).toBe('pipeline.yaml_syntax');
    const ds2 = errorsOf(() => loadPipeline('/nonexistent/p.yaml'));
    expect(ds2[0].code).toBe('pipeline.not_found');
  });
});
