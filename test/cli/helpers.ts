/** Helpers of the CLI safety tests (safety.test.ts, stop.test.ts): spawn the real launcher, small pipelines. */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');
export const LAUNCHER = join(ROOT, 'src', 'cli', 'launcher.js');
export const base = mkdtempSync(join(tmpdir(), 'xuncha-safety-'));
chmodSync(base, 0o755);
afterAll(() => rmSync(base, { recursive: true, force: true }));
export const ID = '11010519491231002X';
export const OUTPUTS = ['xuncha.duckdb', 'leads.csv', 'leads.xlsx', 'report.html', 'rejects.csv', 'manifest.json'];

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

export function xuncha(args: string[], env: Record<string, string> = {}): Result {
  const r = spawnSync(process.execPath, [LAUNCHER, ...args], { cwd: base, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

export function start(args: string[], o: { env?: Record<string, string>; group?: boolean } = {}) {
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    cwd: base,
    env: { ...process.env, NO_COLOR: '1', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: !!o.group,
  });
  const r = { code: null as number | null, signal: null as NodeJS.Signals | null, out: '', err: '' };
  child.stdout.on('data', (b: Buffer) => (r.out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (r.err += b.toString()));
  const done = new Promise<Result>((res) =>
    child.on('exit', (code, signal) => {
      r.code = code;
      r.signal = signal;
      res(r);
    }),
  );
  return { child, r, done };
}

export async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const t = Date.now();
  while (!pred()) {
    if (Date.now() - t > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

export let n = 0;
/** a pipeline folder with a death record and payouts after it (deceased_payment fires) */
export function job(o: { extra?: string; pay?: string; rules?: string } = {}): { dir: string; yaml: string; out: string } {
  const dir = join(base, `job${++n}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'death.csv'), `身份证号,姓名,死亡日期\n${ID},张三,2023-01-01\n`);
  writeFileSync(join(dir, 'pay.csv'), o.pay ?? `身份证号,姓名,补贴项目,发放金额,发放日期\n${ID},张三,高龄津贴,100,2023-06-01\n${ID},张三,高龄津贴,100,2023-07-01\n`);
  writeFileSync(join(dir, 'p.yaml'), `sources:\n  death: { path: death.csv }\n  subsidy: { path: pay.csv }\n${o.rules ?? ''}${o.extra ?? ''}`);
  return { dir, yaml: join(dir, 'p.yaml'), out: join(base, `out${n}`) };
}

export const SLOW_RULE = `/*---
id: slow_rule
name: 慢规则
category: local_checks
severity: low
tables: [subsidy]
method: 测试用的长查询。
why: 测试中断。
---*/
with x as (
  select s.id_number, sum(hash(r.range + s._source_row)) as h from subsidy s, range(100000000000) r group by all
)
select id_number as subject_key, '慢' as description from x
`;

export function slowJob() {
  const j = job({ rules: 'rules:\n  custom: [slow_rule.sql]\n' });
  writeFileSync(join(j.dir, 'slow_rule.sql'), SLOW_RULE);
  return j;
}

export function snapshot(dir: string): Record<string, string> {
  const m: Record<string, string> = {};
  for (const f of readdirSync(dir)) {
    if (f === '.xuncha') continue;
    m[f] = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
  }
  return m;
}

/** xuncha's folders in a temp folder (tsx keeps its compile cache there too) */
export const ours = (tmp: string) => readdirSync(tmp).filter((f) => f.startsWith('xuncha'));

export function controlFiles(out: string): string[] {
  return existsSync(join(out, '.xuncha')) ? readdirSync(join(out, '.xuncha')).sort() : [];
}

export function expectUserMessage(r: Result, code: string): void {
  expect(r.err, r.err).toContain(code);
  expect(r.err).not.toContain('internal error');
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(r.err).toMatch(/[\u4e00-\u9fff]/); // Chinese
}

