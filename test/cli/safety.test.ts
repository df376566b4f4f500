/**
 * The CLI as a clumsy user and a hard stop meet it (issue 15): folders that are not xuncha's, two runs at once,
 * Ctrl-C, SIGTERM, a killed launcher, a kill inside the commit, a file still being copied, leftovers of dead runs,
 * and machine conditions (disk full, read-only, no permission, out of memory, corrupt Parquet, bad options) — each
 * an exit code and a bilingual message, never a stack trace, and never a lost or half-replaced output.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const LAUNCHER = join(ROOT, 'src', 'cli', 'launcher.js');
const base = mkdtempSync(join(tmpdir(), 'xuncha-safety-'));
chmodSync(base, 0o755);
afterAll(() => rmSync(base, { recursive: true, force: true }));
const ID = '11010519491231002X';
const OUTPUTS = ['xuncha.duckdb', 'leads.csv', 'leads.xlsx', 'report.html', 'rejects.csv', 'manifest.json'];

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

function xuncha(args: string[], env: Record<string, string> = {}): Result {
  const r = spawnSync(process.execPath, [LAUNCHER, ...args], { cwd: base, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

function start(args: string[], o: { env?: Record<string, string>; group?: boolean } = {}) {
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

async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const t = Date.now();
  while (!pred()) {
    if (Date.now() - t > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function alive(pid: number): boolean {
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

let n = 0;
/** a pipeline folder with a death record and payouts after it (deceased_payment fires) */
function job(o: { extra?: string; pay?: string; rules?: string } = {}): { dir: string; yaml: string; out: string } {
  const dir = join(base, `job${++n}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'death.csv'), `身份证号,姓名,死亡日期\n${ID},张三,2023-01-01\n`);
  writeFileSync(join(dir, 'pay.csv'), o.pay ?? `身份证号,姓名,补贴项目,发放金额,发放日期\n${ID},张三,高龄津贴,100,2023-06-01\n${ID},张三,高龄津贴,100,2023-07-01\n`);
  writeFileSync(join(dir, 'p.yaml'), `sources:\n  death: { path: death.csv }\n  subsidy: { path: pay.csv }\n${o.rules ?? ''}${o.extra ?? ''}`);
  return { dir, yaml: join(dir, 'p.yaml'), out: join(base, `out${n}`) };
}

const SLOW_RULE = `/*---
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

function slowJob() {
  const j = job({ rules: 'rules:\n  custom: [slow_rule.sql]\n' });
  writeFileSync(join(j.dir, 'slow_rule.sql'), SLOW_RULE);
  return j;
}

function snapshot(dir: string): Record<string, string> {
  const m: Record<string, string> = {};
  for (const f of readdirSync(dir)) {
    if (f === '.xuncha') continue;
    m[f] = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
  }
  return m;
}

/** xuncha's folders in a temp folder (tsx keeps its compile cache there too) */
const ours = (tmp: string) => readdirSync(tmp).filter((f) => f.startsWith('xuncha'));

function controlFiles(out: string): string[] {
  return existsSync(join(out, '.xuncha')) ? readdirSync(join(out, '.xuncha')).sort() : [];
}

function expectUserMessage(r: Result, code: string): void {
  expect(r.err, r.err).toContain(code);
  expect(r.err).not.toContain('internal error');
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(r.err).toMatch(/[\u4e00-\u9fff]/); // Chinese
}

describe('output folders from the command line', () => {
  it('refuses, before reading any input, a folder with the user\'s files, `output: ..`, and an --out that is a file', () => {
    const j = job();
    const mine = join(base, 'mine');
    mkdirSync(join(mine, 'xuncha.duckdb'), { recursive: true });
    writeFileSync(join(mine, 'report.html'), 'my own report');
    writeFileSync(join(mine, 'xuncha.duckdb', 'notes.txt'), 'notes');
    const r1 = xuncha(['run', j.yaml, '--out', mine, '--quiet']);
    expect(r1.code).toBe(1);
    expectUserMessage(r1, 'output.not_xuncha');
    expect(r1.out).not.toContain('行数核对'); // no input was read
    expect(readFileSync(join(mine, 'report.html'), 'utf8')).toBe('my own report');
    expect(readFileSync(join(mine, 'xuncha.duckdb', 'notes.txt'), 'utf8')).toBe('notes');

    const up = job({ extra: 'output: ..\n' });
    const r2 = xuncha(['run', up.yaml, '--quiet']);
    expect(r2.code).toBe(1);
    expectUserMessage(r2, 'output.holds_inputs');
    expect(existsSync(join(up.dir, '..', 'leads.csv'))).toBe(false);

    writeFileSync(join(base, 'report.txt'), 'mine');
    const r3 = xuncha(['run', j.yaml, '--out', join(base, 'report.txt'), '--quiet']);
    expect(r3.code).toBe(1);
    expectUserMessage(r3, 'output.not_a_folder');
    expect(readFileSync(join(base, 'report.txt'), 'utf8')).toBe('mine');
  });

  it('bad sizes and YAML alias bombs are usage (2) or pipeline (1) errors, not internal ones', () => {
    const j = job();
    const r1 = xuncha(['run', j.yaml, '--out', j.out, '--memory-limit', 'abc', '--quiet']);
    expect(r1.code).toBe(2);
    expect(r1.err).toContain('--memory-limit');
    expect(existsSync(j.out)).toBe(false);
    const k = job({ extra: 'engine: { memory_limit: lots }\n' });
    const r2 = xuncha(['run', k.yaml, '--out', k.out, '--quiet']);
    expect(r2.code).toBe(1);
    expectUserMessage(r2, 'engine.memory_limit');
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    writeFileSync(j.yaml, bomb.join('\n') + '\nsources:\n  death: { path: death.csv }\n');
    const r3 = xuncha(['run', j.yaml, '--out', j.out, '--quiet']);
    expect(r3.code).toBe(1);
    expectUserMessage(r3, 'pipeline.yaml_aliases');
  });

  it('a run writes owner-only files; a second run into the folder is refused while the first holds its lock; SIGTERM stops the first within seconds, leaving the old outputs', async () => {
    const j = slowJob();
    const first = job();
    const r0 = xuncha(['run', first.yaml, '--out', j.out, '--quiet']);
    expect(r0.code, r0.err).toBe(0);
    expect(statSync(j.out).mode & 0o077).toBe(0);
    for (const f of OUTPUTS) expect(statSync(join(j.out, f)).mode & 0o077, f).toBe(0);
    const old = snapshot(j.out);

    const a = start(['run', j.yaml, '--out', j.out]);
    await until(() => a.r.err.includes('slow_rule'), 120_000, 'the slow rule');
    const lock = JSON.parse(readFileSync(join(j.out, '.xuncha', 'lock'), 'utf8')) as { pid: number; run_id: string };
    const b = xuncha(['run', first.yaml, '--out', j.out, '--quiet']);
    expect(b.code).toBe(1);
    expectUserMessage(b, 'output.locked');
    expect(b.err).toContain(`pid ${lock.pid}`);
    expect(b.err).toContain(lock.run_id);

    const t = Date.now();
    a.child.kill('SIGTERM');
    const ra = await a.done;
    expect(Date.now() - t).toBeLessThan(10_000);
    expect(ra.code).toBe(143);
    expect(ra.err).toContain('已中断');
    expect(ra.err).not.toContain('internal error');
    expect(alive(lock.pid)).toBe(false);
    expect(snapshot(j.out)).toEqual(old);
    expect(controlFiles(j.out)).toEqual(['outputs.json']); // no staging, no lock
  }, 240_000);

  it('when the launcher is killed (-9), the worker stops too and removes its staging folder', async () => {
    const j = slowJob();
    const a = start(['run', j.yaml, '--out', j.out]);
    await until(() => a.r.err.includes('slow_rule'), 120_000, 'the slow rule');
    const { pid } = JSON.parse(readFileSync(join(j.out, '.xuncha', 'lock'), 'utf8')) as { pid: number };
    expect(pid).not.toBe(a.child.pid);
    a.child.kill('SIGKILL');
    await a.done;
    await until(() => !alive(pid), 10_000, 'the orphaned worker to stop');
    expect(controlFiles(j.out)).toEqual([]);
    expect(existsSync(join(j.out, 'leads.csv'))).toBe(false);
  }, 240_000);

  it('Ctrl-C while a GB18030 file is transcoded removes the staging folder and the temp read folder', async () => {
    const j = job();
    const tmp = join(base, `tmp${n}`);
    mkdirSync(tmp);
    const rows: string[] = ['身份证号,姓名,补贴项目,发放金额,发放日期'];
    for (let i = 0; i < 400_000; i++) rows.push(`${ID},张三${i % 97},高龄津贴,${100 + (i % 50)},2023-06-01`);
    writeFileSync(join(j.dir, 'pay.csv'), iconv.encode(rows.join('\n') + '\n', 'gb18030'));
    const a = start(['ingest', j.yaml, '--out', j.out], { env: { TMPDIR: tmp }, group: true });
    await until(() => a.r.err.includes('pay.csv') && ours(tmp).length > 0, 120_000, 'reading pay.csv');
    process.kill(-a.child.pid!, 'SIGINT'); // the whole process group, as a terminal does
    const r = await a.done;
    expect(r.code).toBe(130);
    expect(ours(tmp)).toEqual([]);
    expect(controlFiles(j.out)).toEqual([]);
  }, 240_000);

  it('a kill -9 inside the commit leaves the old or new set; the next command completes it', async () => {
    const j = job();
    expect(xuncha(['run', j.yaml, '--out', j.out, '--quiet']).code).toBe(0);
    const old = snapshot(j.out);
    writeFileSync(join(j.dir, 'pay.csv'), `身份证号,姓名,补贴项目,发放金额,发放日期\n${ID},张三,高龄津贴,300,2023-08-01\n`);
    // step 11: the journal is written, every old file (the database too) is aside, three new ones are in
    const a = start(['run', j.yaml, '--out', j.out, '--quiet'], { env: { XUNCHA_TEST_COMMIT_PAUSE: '11' } });
    await until(() => a.r.err.includes('commit step 11 '), 120_000, 'commit step 11');
    const { pid } = JSON.parse(readFileSync(join(j.out, '.xuncha', 'lock'), 'utf8')) as { pid: number };
    process.kill(pid, 'SIGKILL');
    await a.done;
    expect(existsSync(join(j.out, 'xuncha.duckdb'))).toBe(false); // half-way, as killed
    const r = xuncha(['report', j.out, '--quiet']);
    expect(r.code, r.err).toBe(0);
    const now = snapshot(j.out);
    for (const f of OUTPUTS) expect(now[f], f).toBeDefined();
    for (const f of ['xuncha.duckdb', 'leads.csv', 'manifest.json']) expect(now[f], f).not.toBe(old[f]);
    const manifest = JSON.parse(readFileSync(join(j.out, 'manifest.json'), 'utf8')) as { inputs: { path: string; rows_loaded: number }[] };
    expect(manifest.inputs.find((i) => i.path === 'pay.csv')?.rows_loaded).toBe(1);
    expect(readFileSync(join(j.out, 'leads.csv'), 'utf8')).toContain('300.00');
    expect(controlFiles(j.out)).toEqual(['outputs.json']);
  }, 240_000);

  it('a data file that grows while it is read (copy in progress) is exit 1 naming it, and nothing is committed', async () => {
    const j = job();
    const rows: string[] = ['身份证号,姓名,补贴项目,发放金额,发放日期'];
    for (let i = 0; i < 200_000; i++) rows.push(`${ID},张三,高龄津贴,${100 + (i % 50)},2023-06-01`);
    const all = Buffer.from(rows.join('\n') + '\n');
    writeFileSync(join(j.dir, 'pay.csv'), all.subarray(0, 1_000_000));
    const a = start(['ingest', j.yaml, '--out', j.out, '--quiet']);
    let off = 1_000_000;
    const timer = setInterval(() => {
      // keep appending until the run ends: the copy is "still in progress" throughout
      const next = off < all.length ? all.subarray(off, off + 20_000) : Buffer.from(`${ID},张三,高龄津贴,100,2023-06-01\n`);
      appendFileSync(join(j.dir, 'pay.csv'), next);
      off += next.length;
    }, 5);
    const r = await a.done.finally(() => clearInterval(timer));
    expect(r.code).toBe(1);
    expectUserMessage(r, 'ingest.file_changed');
    expect(r.err).toContain('pay.csv');
    expect(existsSync(join(j.out, 'manifest.json'))).toBe(false);
  }, 240_000);

  it('the next run removes what dead runs left: staging folders, temp read folders, a stale lock', () => {
    const j = job();
    expect(xuncha(['run', j.yaml, '--out', j.out, '--quiet']).code).toBe(0);
    const tmp = join(base, `tmp${n}`);
    mkdirSync(join(tmp, 'xuncha-read-4199999-abcdef'), { recursive: true });
    writeFileSync(join(tmp, 'xuncha-read-4199999-abcdef', 'rows.csv'), 'personal data');
    mkdirSync(join(tmp, 'xuncha-4199999-ZYXwvu'));
    mkdirSync(join(j.out, '.xuncha', 'stage-20240101T000000Z-4199999-abcd'));
    writeFileSync(join(j.out, '.xuncha', 'stage-20240101T000000Z-4199999-abcd', 'xuncha.duckdb'), 'full IDs');
    mkdirSync(join(j.out, '.xuncha-staging-4199999'));
    writeFileSync(join(j.out, '.xuncha', 'lock'), JSON.stringify({ pid: 4199999, host: hostname(), run_id: 'dead', command: 'run', started_at: '2024-01-01' }));
    const r = xuncha(['run', j.yaml, '--out', j.out], { TMPDIR: tmp });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('接管'); // the lock was taken over
    expect(ours(tmp)).toEqual([]);
    expect(controlFiles(j.out)).toEqual(['outputs.json']);
    expect(existsSync(join(j.out, '.xuncha-staging-4199999'))).toBe(false);
  }, 120_000);
});

describe('machine conditions are exit 1 with what to do', () => {
  it('DuckDB out of memory', () => {
    const j = job();
    const r = xuncha(['run', j.yaml, '--out', j.out, '--memory-limit', '8MB', '--quiet']);
    expect(r.code).toBe(1);
    expectUserMessage(r, 'env.out_of_memory');
    expect(r.err).toContain('--memory-limit');
    expect(controlFiles(j.out)).toEqual([]);
  }, 120_000);

  it('a corrupt Parquet file names the file', async () => {
    const j = job();
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(':memory:');
    const con = await inst.connect();
    const pq = join(j.dir, 'pay.parquet');
    await con.run(
      `copy (select '${ID}' as 身份证号, '张三' as 姓名, '高龄津贴' as 补贴项目, (100 + i % 7)::varchar as 发放金额, '2023-06-01' as 发放日期 from range(50000) t(i)) to '${pq}' (format parquet, compression uncompressed)`,
    );
    con.closeSync();
    inst.closeSync();
    const buf = readFileSync(pq);
    for (let i = 2000; i < buf.length - 3000; i += 97) buf[i] = (buf[i] * 31 + 7) & 255;
    writeFileSync(pq, buf);
    writeFileSync(j.yaml, 'sources:\n  death: { path: death.csv }\n  subsidy: { path: pay.parquet }\n');
    const r = xuncha(['run', j.yaml, '--out', j.out, '--quiet']);
    expect(r.code).toBe(1);
    expectUserMessage(r, 'pay.parquet');
  }, 120_000);

  // needs a private mount namespace (root with CAP_SYS_ADMIN, as on the development machines); skipped elsewhere
  const canMount = process.platform === 'linux' && spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs tmpfs ${base} && umount ${base}`]).status === 0;

  it.skipIf(!canMount)('disk full: exit 1, and nothing is left behind on the full disk', () => {
    const j = job();
    const mnt = join(base, `mnt${n}`);
    mkdirSync(mnt);
    const script = `mount -t tmpfs -o size=2500k tmpfs ${mnt} && mkdir ${mnt}/out && ${process.execPath} ${LAUNCHER} run ${j.yaml} --out ${mnt}/out --quiet; echo "EXIT=$?"; ls -A ${mnt}/out; echo "CONTROL:"; ls -A ${mnt}/out/.xuncha`;
    const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { encoding: 'utf8', cwd: base, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout).toContain('EXIT=1');
    expect(r.stderr).toContain('env.disk_full');
    expect(r.stderr).not.toContain('internal error');
    const [folder, control] = r.stdout.split('EXIT=1')[1].split('CONTROL:');
    expect(folder.trim().split(/\s+/)).toEqual(['.xuncha']); // no output, no staging
    expect(control.trim()).toBe(''); // no lock
  }, 120_000);

  it.skipIf(!canMount)('a read-only output folder is exit 1 before any input is read', () => {
    const j = job();
    const mnt = join(base, `mnt${n}`);
    mkdirSync(mnt);
    const script = `mount -t tmpfs tmpfs ${mnt} && mkdir ${mnt}/out && mount -o remount,ro ${mnt} && ${process.execPath} ${LAUNCHER} run ${j.yaml} --out ${mnt}/out --quiet; echo "EXIT=$?"`;
    const r = spawnSync('unshare', ['-m', 'sh', '-c', script], { encoding: 'utf8', cwd: base, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout).toContain('EXIT=1');
    expect(r.stderr).toContain('output.not_writable');
    expect(r.stderr).toContain('EROFS');
    expect(r.stdout).not.toContain('行数核对');
  }, 120_000);

  const canDrop = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0;

  it.skipIf(!canDrop)('an output folder the user may not write to is exit 1 (EACCES)', () => {
    const j = job();
    for (const f of readdirSync(j.dir)) chmodSync(join(j.dir, f), 0o644);
    chmodSync(j.dir, 0o755);
    mkdirSync(j.out, { mode: 0o755 });
    chmodSync(j.out, 0o755);
    const tmp = join(base, `tmp${n}`);
    mkdirSync(tmp);
    chmodSync(tmp, 0o777);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, LAUNCHER, 'run', j.yaml, '--out', j.out, '--quiet'], {
      encoding: 'utf8',
      cwd: tmp,
      env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp, HOME: tmp },
    });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain('output.not_writable');
    expect(r.stderr).not.toContain('internal error');
  }, 120_000);
});
