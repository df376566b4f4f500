/**
 * Spawns the real CLI (src/cli/launcher.js → tsx): catches what only shows at run time (named imports from CJS
 * packages pass under vitest but crash under node), and checks exit codes and messages a user sees.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
function xuncha(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [join(ROOT, 'src', 'cli', 'launcher.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const ID = '11010519491231002X';

describe('xuncha CLI', () => {
  it('lists the rule catalog as JSON', () => {
    const r = xuncha(['rules', '--json']);
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.out) as { id: string }[];
    expect(rules.map((x) => x.id)).toContain('deceased_payment');
  });

  it('exits 2 on bad usage and 1 with a bilingual message (no stack) on a bad pipeline', () => {
    expect(xuncha(['frobnicate']).code).toBe(2);
    expect(xuncha(['generate', '--out', '/tmp/x', '--scale', 'abc']).code).toBe(2);
    const d = mkdtempSync(join(tmpdir(), 'xc-cli-'));
    writeFileSync(join(d, 'p.yaml'), 'sources:\n  dibao: { path: nope.csv }\nfoo: 1\n');
    const r = xuncha(['run', join(d, 'p.yaml')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('pipeline.unknown_key');
    expect(r.err).toContain('找不到数据文件');
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('runs a small pipeline end to end, atomically, with byte-identical leads.csv on re-run', () => {
    const d = mkdtempSync(join(tmpdir(), 'xc-cli-'));
    writeFileSync(join(d, 'death.csv'), `身份证号,姓名,死亡日期\n${ID},张三,2023-01-01\n`);
    writeFileSync(join(d, 'pay.csv'), `身份证号,姓名,补贴项目,发放金额,发放日期\n${ID},张三,高龄津贴,100,2023-06-01\n${ID},张三,高龄津贴,100,2023-07-01\n`);
    writeFileSync(join(d, 'p.yaml'), 'sources:\n  death: { path: death.csv }\n  subsidy: { path: pay.csv }\noutput: out\n');
    const r1 = xuncha(['run', join(d, 'p.yaml'), '--quiet']);
    expect(r1.err + r1.out).not.toContain('internal error');
    expect(r1.code).toBe(0);
    for (const f of ['xuncha.duckdb', 'leads.csv', 'leads.xlsx', 'report.html', 'rejects.csv', 'manifest.json']) expect(existsSync(join(d, 'out', f)), f).toBe(true);
    const csv1 = readFileSync(join(d, 'out', 'leads.csv'));
    expect(csv1.toString('utf8')).toContain('deceased_payment');
    const r2 = xuncha(['run', join(d, 'p.yaml'), '--quiet']);
    expect(r2.code).toBe(0);
    expect(readFileSync(join(d, 'out', 'leads.csv')).equals(csv1)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(d, 'out', 'manifest.json'), 'utf8'));
    for (const i of manifest.inputs) expect(i.rows_read).toBe(i.rows_loaded + i.rows_rejected + i.rows_skipped);
    // report rebuild from the database alone
    const r3 = xuncha(['report', join(d, 'out'), '--quiet']);
    expect(r3.code).toBe(0);
    // a failing run leaves the previous outputs untouched
    writeFileSync(join(d, 'pay.csv'), '');
    const r4 = xuncha(['run', join(d, 'p.yaml'), '--quiet']);
    expect(r4.code).toBe(1);
    expect(readFileSync(join(d, 'out', 'leads.csv')).equals(csv1)).toBe(true);
  }, 120_000);
});
