/**
 * Stopping the CLI (issue 15): a second run while one holds the folder's lock, SIGTERM, a killed launcher, Ctrl-C
 * during transcoding, and kill -9 inside the commit — old outputs stay intact or the new set is completed, and no
 * staging folder, temp folder or lock is left behind.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ID, OUTPUTS, alive, base, controlFiles, expectUserMessage, job, n, ours, slowJob, snapshot, start, until, xuncha } from './helpers.js';

describe('stopping a run', () => {
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
    for (let i = 0; i < 300_000; i++) rows.push(`${ID},张三${i % 97},高龄津贴,${100 + (i % 50)},2023-06-01`);
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

});
