/**
 * Machine conditions become user errors (conditions.ts), and the lifecycle kernel tells dead processes from live
 * ones and sweeps only dead runs' temp folders (lifecycle.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { userConditionOf } from '../src/conditions.js';
import { DbError, Db } from '../src/db/connection.js';
import { UserError } from '../src/errors.js';
import { makeProcessTempDir, processAlive, selfIdentity, sweepTempLeftovers } from '../src/lifecycle.js';

const base = mkdtempSync(join(tmpdir(), 'xuncha-lifecycle-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function errnoOf(f: () => void): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('machine conditions', () => {
  it.skipIf(process.platform !== 'linux')('a full disk (real ENOSPC from /dev/full) is a user error saying what to do', () => {
    const e = errnoOf(() => writeFileSync('/dev/full', 'x'));
    expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    const u = userConditionOf(e)!;
    expect(u).toBeInstanceOf(UserError);
    expect(u.diagnostics[0].code).toBe('env.disk_full');
    expect(u.diagnostics[0].zh).toContain('磁盘空间不足');
    expect(u.diagnostics[0].en).toContain('--out');
  });

  it('DuckDB running out of memory is a user error naming --memory-limit; a real SQL mistake stays internal', async () => {
    const db = await Db.open(':memory:', { memoryLimit: '8MB', threads: 1 });
    try {
      const e = await db.run(`create table t as select range::varchar || repeat('x', 200) as s from range(2000000) order by s desc`).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DbError);
      const u = userConditionOf(e)!;
      expect(u.diagnostics[0].code).toBe('env.out_of_memory');
      expect(u.diagnostics[0].zh).toContain('--memory-limit');
      const bug = await db.run(`select * from no_such_table`).catch((x: unknown) => x);
      expect(userConditionOf(bug)).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('permission, read-only and busy files are user errors; a plain bug is not', () => {
    for (const [code, want] of [
      ['EACCES', 'env.permission_denied'],
      ['EROFS', 'env.read_only'],
      ['EBUSY', 'env.file_busy'],
    ] as const) {
      const e = Object.assign(new Error(`${code}: x, open '/out/report.html'`), { code, path: '/out/report.html' });
      const u = userConditionOf(e)!;
      expect(u.diagnostics[0].code).toBe(want);
      expect(u.diagnostics[0].zh).toContain('/out/report.html');
    }
    expect(userConditionOf(new TypeError('x is undefined'))).toBeUndefined();
  });
});

describe('process identity and temp leftovers', () => {
  it('tells a live process from a dead one and from a reused pid', () => {
    const me = selfIdentity();
    expect(processAlive(me)).toBe(true);
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    expect(processAlive({ pid: Number(child.stdout) })).toBe(false);
    if (me.proc_start) expect(processAlive({ ...me, proc_start: String(Number(me.proc_start) + 1) })).toBe(false);
    expect(processAlive({ pid: me.pid, host: 'another-host' })).toBe(true); // cannot check: assume alive
  });

  it('sweeps the temp folders of dead processes only, and old pid-less folders after a day', () => {
    const tmp = join(base, 'tmp');
    mkdirSync(tmp);
    const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    for (const d of [`xuncha-read-${deadPid}-abcdef`, `xuncha-${deadPid}-ABCdef`, `xuncha-read-${process.pid}-abcdef`, 'xuncha-read-Old123', 'xuncha-read-New123', 'xuncha-report-abc123']) {
      mkdirSync(join(tmp, d));
      writeFileSync(join(tmp, d, 'rows.csv'), 'personal data');
    }
    const old = new Date(Date.now() - 2 * 86400e3);
    utimesSync(join(tmp, 'xuncha-read-Old123'), old, old);
    const removed = sweepTempLeftovers(tmp).map((p) => p.slice(tmp.length + 1)).sort();
    expect(removed).toEqual([`xuncha-${deadPid}-ABCdef`, `xuncha-read-${deadPid}-abcdef`, 'xuncha-read-Old123'].sort());
    expect(readdirSync(tmp).sort()).toEqual([`xuncha-read-${process.pid}-abcdef`, 'xuncha-read-New123', 'xuncha-report-abc123'].sort());
  });

  it('names this process\'s temp folders with its pid', () => {
    const d = makeProcessTempDir('xuncha-read');
    try {
      expect(d).toMatch(new RegExp(`xuncha-read-${process.pid}-[A-Za-z0-9]{6}$`));
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
