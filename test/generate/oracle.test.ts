import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { loadGenerated, runOracle } from './oracle.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('generated data against a naive reading of SPEC §4', () => {
  for (const [scale, seed] of [[0.01, 1], [0.01, 7]] as const) {
    it(`finds exactly the truth rows (scale ${scale}, seed ${seed})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'xuncha-oracle-'));
      dirs.push(dir);
      await generate({ outDir: dir, scale, seed });
      const leads = runOracle(await loadGenerated(dir));
      const got = leads.map((l) => `${l.rule},${l.subject},${(l.cents / 100).toFixed(2)}`).sort();
      const truth = readFileSync(join(dir, 'truth.csv'), 'utf8').trim().split('\n').slice(1).sort();
      expect(got.filter((g) => !truth.includes(g))).toEqual([]);
      expect(truth.filter((g) => !got.includes(g))).toEqual([]);
    }, 120000);
  }
});
