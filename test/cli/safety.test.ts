/**
 * The CLI as a clumsy user meets it (issue 15): folders that are not xuncha's, bad options, a file still being
 * copied, leftovers of dead runs, and machine conditions (out of memory, corrupt Parquet, disk full, read-only, no
 * permission) — each an exit code and a bilingual message, never a stack trace, never a lost or half-replaced
 * output. Stopping a run (lock, signals, kills) is in stop.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAUNCHER, ID, base, controlFiles, expectUserMessage, job, n, ours, start, xuncha } from './helpers.js';

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
    // a first run killed before its commit: only the control folder (and an old-layout staging folder)
    mkdirSync(join(j.out, '.xuncha'), { recursive: true });
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
