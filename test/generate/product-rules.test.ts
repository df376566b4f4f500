import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { crossCheck } from './rules-crosscheck.js';

// The product's rule catalog (sql/rules) on generated data, loaded by the test reader and normalized with the
// product's xc_* macros: every planted lead found with its amount, nothing else (SPEC §7 correctness bar).
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('product rules against truth.csv', () => {
  it('finds exactly the planted leads (scale 0.01, seed 5)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xuncha-cross-'));
    dirs.push(dir);
    await generate({ outDir: dir, scale: 0.01, seed: 5 });
    const r = await crossCheck(dir);
    expect(r.extra).toEqual([]);
    expect(r.missing).toEqual([]);
  }, 180000);
});
