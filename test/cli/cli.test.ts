/**
 * Spawns the real CLI (src/cli/launcher.js → tsx): catches what only shows at run time (named imports from CJS
 * packages pass under vitest but crash under node), and checks exit codes and messages a user sees.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import XLSX from 'xlsx';
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

  it('rebuilds from the database alone: a custom rule whose file moved keeps its method in report.html and the 说明 sheet', () => {
    const d = mkdtempSync(join(tmpdir(), 'xc-cli-'));
    mkdirSync(join(d, 'rules'));
    copyFileSync(join(ROOT, 'test', 'rules', 'fixtures', 'custom', 'big_payment.sql'), join(d, 'rules', 'big_payment.sql'));
    writeFileSync(join(d, 'pay.csv'), `身份证号,姓名,补贴项目,发放金额,发放日期\n${ID},张三,高龄津贴,5000,2023-06-01\n`);
    writeFileSync(join(d, 'p.yaml'), 'sources:\n  subsidy: { path: pay.csv }\nrules:\n  include: [big_payment]\n  custom: [rules/*.sql]\noutput: out\n');
    expect(xuncha(['run', join(d, 'p.yaml'), '--quiet']).code).toBe(0);
    rmSync(join(d, 'rules'), { recursive: true });
    const r = xuncha(['report', join(d, 'out'), '--quiet']);
    expect(r.code).toBe(0);
    const html = readFileSync(join(d, 'out', 'report.html'), 'utf8');
    expect(html).toContain('单笔发放金额不低于 min_amount 的补贴记录');
    expect(html).toContain('这是分析人员自定义规则的示例'); // assumptions, shown beside the method
    const info = XLSX.utils.sheet_to_json<unknown[]>(XLSX.readFile(join(d, 'out', 'leads.xlsx')).Sheets['说明'], { header: 1 });
    expect(JSON.stringify(info)).toContain('单笔发放金额不低于 min_amount 的补贴记录');
    expect(JSON.stringify(info)).toContain('这是分析人员自定义规则的示例');
    // review needs files; a working paper that is not there is a user error naming it
    expect(xuncha(['review', join(d, 'out')]).code).toBe(2);
    const missing = xuncha(['review', join(d, 'out'), join(d, 'nope.xlsx')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('review.file_not_found');
    // previous: in the pipeline file, relative to it
    writeFileSync(join(d, 'p2.yaml'), 'sources:\n  subsidy: { path: pay.csv }\nrules:\n  include: [invalid_id]\nprevious: out\noutput: out2\n');
    const r2 = xuncha(['run', join(d, 'p2.yaml'), '--quiet']);
    expect(r2.code).toBe(0);
    const fu = readFileSync(join(d, 'out2', 'followup.csv'), 'utf8');
    expect(fu).toContain('big_payment');
    expect(fu).toContain('已消失');
  }, 180_000);
});
