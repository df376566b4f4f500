/**
 * Output folders (outputs/folder.ts, commit.ts, lock.ts): xuncha writes only into folders that are empty or its
 * own, never replaces or deletes a file it did not write (or one a team changed since), holds one lock per folder,
 * and commits atomically — a kill at any commit step leaves the old set or the new set once the next command ran.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError, formatDiagnostic } from '../../src/errors.js';
import { BACKUP_DIR, RUN_OUTPUTS, inspectOutputFolder, recoverOutputFolder, withOutputFolder, type OutputFolderOptions } from '../../src/outputs/folder.js';
import { readMarker } from '../../src/outputs/marker.js';
import { selfIdentity } from '../../src/lifecycle.js';

const ROOT = join(import.meta.dirname, '..', '..');
const base = mkdtempSync(join(tmpdir(), 'xuncha-folder-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
let dir: string;
beforeEach(() => {
  dir = join(base, `d${++n}`);
});

const RUN: OutputFolderOptions = { command: 'run', replace: 'all', writes: RUN_OUTPUTS };
const REPORT: OutputFolderOptions = { command: 'report', replace: 'staged', writes: ['report.html', 'leads.xlsx'] };

/** a command that stages every name it writes with content `${v}:${name}` */
async function write(d: string, v: string, opts: OutputFolderOptions = RUN, names: readonly string[] = opts.writes): Promise<void> {
  await withOutputFolder(d, opts, async ({ staging }) => {
    for (const f of names) writeFileSync(join(staging, f), `${v}:${f}`);
  });
}

async function userError(p: Promise<unknown> | (() => unknown)): Promise<UserError> {
  try {
    if (typeof p === 'function') p();
    else await p;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

const codes = (e: UserError) => e.diagnostics.map((d) => d.code);
const read = (f: string) => readFileSync(f, 'utf8');
/** what is in the folder, without the control folder */
const visible = (d: string) => readdirSync(d).filter((f) => f !== '.xuncha').sort();

describe('output folder ownership', () => {
  it('refuses a folder holding the user\'s own report.html and a folder named xuncha.duckdb, and leaves both alone', async () => {
    mkdirSync(join(dir, 'xuncha.duckdb'), { recursive: true });
    writeFileSync(join(dir, 'report.html'), 'my own report');
    writeFileSync(join(dir, 'xuncha.duckdb', 'notes.txt'), 'three months of notes');
    let ran = false;
    const e = await userError(withOutputFolder(dir, RUN, async () => void (ran = true)));
    expect(codes(e)).toEqual(['output.not_xuncha']);
    const text = e.diagnostics.map(formatDiagnostic).join('\n');
    expect(text).toContain('不会覆盖或删除');
    expect(text).toContain('never overwrites or deletes');
    expect(text).toContain('report.html');
    expect(ran).toBe(false); // refused before any work
    expect(read(join(dir, 'report.html'))).toBe('my own report');
    expect(read(join(dir, 'xuncha.duckdb', 'notes.txt'))).toBe('three months of notes');
    expect(existsSync(join(dir, '.xuncha'))).toBe(false); // nothing created in a folder that is not ours
  });

  it('refuses the filesystem root, the home folder, a folder holding the inputs, and a path that is a file', async () => {
    expect(codes(await userError(() => inspectOutputFolder('/', RUN)))).toContain('output.root');
    const home = join(base, 'home');
    mkdirSync(home);
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      expect(codes(await userError(() => inspectOutputFolder(home, RUN)))).toContain('output.home');
      // a dedicated folder inside home is fine
      expect(inspectOutputFolder(join(home, 'xuncha-out'), RUN).kind).toBe('new');
    } finally {
      process.env.HOME = saved;
    }
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'data', 'pay.csv'), 'x');
    const holds = await userError(() => inspectOutputFolder(dir, { ...RUN, inputs: [join(dir, 'data', 'pay.csv')] }));
    expect(codes(holds)).toEqual(['output.holds_inputs']);
    expect(holds.diagnostics[0].zh).toContain('pay.csv');
    // `output: ..` from a pipeline in data/: the parent holds the inputs
    expect(codes(await userError(() => inspectOutputFolder(join(dir, 'data', '..'), { ...RUN, inputs: [join(dir, 'data', 'pay.csv')] })))).toEqual(['output.holds_inputs']);
    writeFileSync(join(base, 'a-file.txt'), 'mine');
    expect(codes(await userError(() => inspectOutputFolder(join(base, 'a-file.txt'), RUN)))).toEqual(['output.not_a_folder']);
    expect(codes(await userError(() => inspectOutputFolder(join(base, 'a-file.txt', 'sub'), RUN)))).toEqual(['output.not_a_folder']);
    expect(read(join(base, 'a-file.txt'))).toBe('mine');
  });

  it('accepts an empty folder (operating-system files do not count) and marks it as xuncha\'s with owner-only files', async () => {
    mkdirSync(dir);
    writeFileSync(join(dir, 'desktop.ini'), '[.ShellClassInfo]');
    await write(dir, 'v1');
    expect(visible(dir)).toEqual([...RUN_OUTPUTS, 'desktop.ini'].sort());
    const marker = readMarker(dir);
    expect(marker && marker !== 'invalid' ? Object.keys(marker.files).sort() : null).toEqual([...RUN_OUTPUTS].sort());
    if (process.platform !== 'win32') {
      for (const f of RUN_OUTPUTS) expect(statSync(join(dir, f)).mode & 0o077, f).toBe(0);
      expect(statSync(join(dir, '.xuncha')).mode & 0o077).toBe(0);
    }
  });

  it('replaces only files it listed; never touches the user\'s files beside them; a full run drops its own stale files', async () => {
    await write(dir, 'v1', { ...RUN, writes: [...RUN_OUTPUTS, 'followup.csv'] });
    writeFileSync(join(dir, '工作底稿.docx'), 'team notes');
    await write(dir, 'v2');
    expect(read(join(dir, 'leads.csv'))).toBe('v2:leads.csv');
    expect(existsSync(join(dir, 'followup.csv'))).toBe(false); // ours, from the old set
    expect(read(join(dir, '工作底稿.docx'))).toBe('team notes');
    // report replaces its two files only
    await write(dir, 'v3', REPORT);
    expect(read(join(dir, 'report.html'))).toBe('v3:report.html');
    expect(read(join(dir, 'leads.csv'))).toBe('v2:leads.csv');
    const marker = readMarker(dir);
    expect(marker && marker !== 'invalid' ? Object.keys(marker.files).sort() : null).toEqual([...RUN_OUTPUTS].sort());
  });

  it('refuses to replace a file it did not write, or one changed since it wrote it (核查 work in leads.xlsx)', async () => {
    await write(dir, 'v1', { ...RUN, writes: ['xuncha.duckdb', 'rejects.csv', 'manifest.json'] });
    writeFileSync(join(dir, 'report.html'), 'my own report'); // not ours, and a run would write it
    const e1 = await userError(write(dir, 'v2'));
    expect(codes(e1)).toEqual(['output.not_ours']);
    expect(read(join(dir, 'report.html'))).toBe('my own report');
    rmSync(join(dir, 'report.html'));
    await write(dir, 'v2');
    writeFileSync(join(dir, 'leads.xlsx'), 'v2:leads.xlsx + 属实 typed by the team');
    const e2 = await userError(write(dir, 'v3', REPORT));
    expect(codes(e2)).toEqual(['output.changed']);
    expect(e2.diagnostics[0].zh).toContain('xuncha review');
    expect(read(join(dir, 'leads.xlsx'))).toContain('属实');
    expect(read(join(dir, 'report.html'))).toBe('v2:report.html'); // nothing of the refused command committed
    // a caller that imported the changes (review) may replace it
    await write(dir, 'v3', { ...REPORT, acceptChanged: ['leads.xlsx'] });
    expect(read(join(dir, 'leads.xlsx'))).toBe('v3:leads.xlsx');
    // touched but unchanged content is still ours; the database may change (DuckDB rewrites it when opened)
    utimesSync(join(dir, 'leads.csv'), new Date(), new Date(Date.now() + 5000));
    writeFileSync(join(dir, 'xuncha.duckdb'), 'v3:xuncha.duckdb + a table an analyst created');
    await write(dir, 'v4');
    expect(read(join(dir, 'leads.csv'))).toBe('v4:leads.csv');
    expect(read(join(dir, 'xuncha.duckdb'))).toBe('v4:xuncha.duckdb');
  });

  it('adopts a folder an older xuncha wrote (manifest says xuncha, nothing but its files), not one with anything else', async () => {
    mkdirSync(dir);
    for (const f of RUN_OUTPUTS) writeFileSync(join(dir, f), `old:${f}`);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ tool: { name: 'xuncha', version: '0.1.0' } }));
    const past = new Date(Date.now() - 60_000);
    for (const f of RUN_OUTPUTS) utimesSync(join(dir, f), past, past);
    mkdirSync(join(dir, '.xuncha-staging-999999')); // a dead run of that version
    writeFileSync(join(dir, '.xuncha-staging-999999', 'xuncha.duckdb'), 'personal data');
    expect(inspectOutputFolder(dir, RUN).kind).toBe('legacy');
    await write(dir, 'v1');
    expect(read(join(dir, 'leads.csv'))).toBe('v1:leads.csv');
    expect(existsSync(join(dir, '.xuncha-staging-999999'))).toBe(false);

    const other = join(base, `legacy-${n}`);
    mkdirSync(other);
    writeFileSync(join(other, 'manifest.json'), JSON.stringify({ tool: { name: 'xuncha' } }));
    writeFileSync(join(other, 'budget.xlsx'), 'not ours');
    expect(codes(await userError(() => inspectOutputFolder(other, RUN)))).toEqual(['output.not_xuncha']);
  });

  it('a failing command leaves the old outputs and no staging folder, and releases the lock', async () => {
    await write(dir, 'v1');
    await expect(
      withOutputFolder(dir, RUN, async ({ staging }) => {
        writeFileSync(join(staging, 'leads.csv'), 'half');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    for (const f of RUN_OUTPUTS) expect(read(join(dir, f))).toBe(`v1:${f}`);
    expect(readdirSync(join(dir, '.xuncha'))).toEqual(['outputs.json']);
  });
  it('replaces a leads.xlsx the teams changed only when the caller accepts it, and keeps a copy of the changed file first', async () => {
    await write(dir, 'v1');
    // the team added a notes column of its own: the file differs from what xuncha wrote
    writeFileSync(join(dir, 'leads.xlsx'), 'v1:leads.xlsx + 备注列');
    expect(codes(await userError(write(dir, 'v2', REPORT)))).toEqual(['output.changed']);
    expect(read(join(dir, 'leads.xlsx'))).toBe('v1:leads.xlsx + 备注列');
    await write(dir, 'v2', { ...REPORT, acceptChanged: ['leads.xlsx'] });
    expect(read(join(dir, 'leads.xlsx'))).toBe('v2:leads.xlsx');
    const kept = readdirSync(join(dir, BACKUP_DIR));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/^leads-\d{8}T\d{6}Z-\d+\.xlsx$/);
    expect(read(join(dir, BACKUP_DIR, kept[0]))).toBe('v1:leads.xlsx + 备注列');
    // an unchanged leads.xlsx is replaced without a copy
    await write(dir, 'v3', { ...REPORT, acceptChanged: ['leads.xlsx'] });
    expect(readdirSync(join(dir, BACKUP_DIR))).toHaveLength(1);
    // the copies are the teams' files: the next run leaves them alone
    await write(dir, 'v4');
    expect(readdirSync(join(dir, BACKUP_DIR))).toEqual(kept);
  });
});

describe('output folder lock', () => {
  it('refuses a second command while one runs, naming its run and pid; a dead holder\'s lock is taken over', async () => {
    await write(dir, 'v1');
    let inner: UserError | undefined;
    await withOutputFolder(dir, RUN, async ({ runId, staging }) => {
      inner = await userError(write(dir, 'v2'));
      expect(inner.diagnostics[0].zh).toContain(runId);
      expect(read(join(dir, 'leads.csv'))).toBe('v1:leads.csv');
      for (const f of RUN_OUTPUTS) writeFileSync(join(staging, f), `v3:${f}`);
    });
    expect(codes(inner!)).toEqual(['output.locked']);
    expect(inner!.diagnostics[0].en).toContain(`pid ${process.pid}`);
    expect(read(join(dir, 'leads.csv'))).toBe('v3:leads.csv');

    // a lock left by a killed process: pid gone (or reused: other start time)
    const me = selfIdentity();
    for (const dead of [{ ...me, pid: 2 ** 22 + 12345 }, { ...me, proc_start: '1' }]) {
      writeFileSync(join(dir, '.xuncha', 'lock'), JSON.stringify({ ...dead, run_id: 'dead-run', command: 'run', started_at: '2024-01-01T00:00:00Z' }));
      const notes: string[] = [];
      await withOutputFolder(dir, { ...RUN, onNote: (m) => notes.push(m) }, async ({ staging }) => {
        for (const f of RUN_OUTPUTS) writeFileSync(join(staging, f), `v2:${f}`);
      });
      expect(notes.join('\n')).toContain('接管');
      expect(existsSync(join(dir, '.xuncha', 'lock'))).toBe(false);
    }
  });
});

describe('leftovers of dead runs', () => {
  it('the next command removes staging and old-file folders of dead runs', async () => {
    await write(dir, 'v1');
    mkdirSync(join(dir, '.xuncha', 'stage-20240101T000000Z-999999-abcd'));
    writeFileSync(join(dir, '.xuncha', 'stage-20240101T000000Z-999999-abcd', 'xuncha.duckdb'), 'full IDs');
    mkdirSync(join(dir, '.xuncha', 'old-20240101T000000Z-999999-abcd'));
    // a live process's old-layout staging folder is not ours to remove
    mkdirSync(join(dir, `.xuncha-staging-${process.pid}`));
    const notes: string[] = [];
    await write(dir, 'v2', { ...RUN, onNote: (m) => notes.push(m) });
    expect(readdirSync(join(dir, '.xuncha'))).toEqual(['outputs.json']);
    expect(existsSync(join(dir, `.xuncha-staging-${process.pid}`))).toBe(true);
    expect(notes.join('\n')).toContain('stage-20240101T000000Z-999999-abcd');
  });
});

/** spawn the commit child, kill -9 it at commit step k; resolves false when the step never came */
function killAtStep(d: string, version: string, k: number, replace = 'all'): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'outputs', 'commit-child.ts'), d, version, replace], {
      cwd: ROOT,
      env: { ...process.env, XUNCHA_TEST_COMMIT_PAUSE: String(k) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let hit = false;
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      if (!hit && err.includes(`commit step ${k} `)) {
        hit = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!hit && code !== 0) reject(new Error(`commit child failed: ${err}`));
      else resolve(hit);
    });
  });
}

function setVersion(d: string, names: readonly string[]): string {
  const versions = new Set(names.map((f) => read(join(d, f)).split(':')[0]));
  expect(versions.size, `mixed set: ${names.map((f) => read(join(d, f))).join(', ')}`).toBe(1);
  return [...versions][0];
}

describe('atomic commit under kill -9', () => {
  it('a kill at every commit step leaves the complete old or new set once the next command recovered', async () => {
    const seen = new Set<string>();
    let k = 1;
    for (; k < 40; k++) {
      const d = join(base, `kill-${k}`);
      await write(d, 'old');
      writeFileSync(join(d, 'notes.txt'), 'user file');
      const hit = await killAtStep(d, 'new', k);
      if (!hit) break; // past the last step
      expect(read(join(d, 'notes.txt'))).toBe('user file');
      // the next command touching the folder: a report (replaces two files), or a reader (notebook)
      const rest = RUN_OUTPUTS.filter((f) => f !== 'report.html' && f !== 'leads.xlsx');
      if (k % 2) {
        recoverOutputFolder(d);
        expect(setVersion(d, ['report.html', 'leads.xlsx', ...rest])).toMatch(/^(old|new)$/);
      } else {
        await write(d, 'rep', REPORT);
        expect(setVersion(d, ['report.html', 'leads.xlsx'])).toBe('rep');
      }
      for (const f of RUN_OUTPUTS) expect(existsSync(join(d, f)), `${f} after a kill at step ${k}`).toBe(true);
      const v = setVersion(d, rest);
      seen.add(v);
      expect(readdirSync(join(d, '.xuncha')), `control folder after step ${k}`).toEqual(['outputs.json']);
      const marker = readMarker(d);
      expect(marker !== null && marker !== 'invalid').toBe(true);
      // the marker describes what is there: the next run may replace it without complaint
      await write(d, 'next');
      expect(setVersion(d, RUN_OUTPUTS)).toBe('next');
      expect(read(join(d, 'notes.txt'))).toBe('user file');
    }
    expect(k).toBeGreaterThan(14); // 6 old files aside, 6 new in, journal, marker: every step was tried
    expect([...seen].sort()).toEqual(['new', 'old']);
  }, 300_000);

  it('the same holds for a command that replaces two files (report)', async () => {
    let k = 1;
    for (; k < 20; k++) {
      const d = join(base, `kill-report-${k}`);
      await write(d, 'old');
      const hit = await killAtStep(d, 'new', k, 'staged');
      if (!hit) break;
      recoverOutputFolder(d);
      setVersion(d, ['report.html', 'leads.xlsx']);
      expect(setVersion(d, ['leads.csv', 'xuncha.duckdb', 'manifest.json', 'rejects.csv'])).toBe('old');
      expect(readdirSync(join(d, '.xuncha'))).toEqual(['outputs.json']);
    }
    expect(k).toBeGreaterThan(6);
  }, 120_000);

  it('a commit whose new files were lost is rolled back to the old set', async () => {
    const d = join(base, 'lost');
    await write(d, 'old');
    expect(await killAtStep(d, 'new', 5)).toBe(true); // some old files already aside
    const stage = readdirSync(join(d, '.xuncha')).find((f) => f.startsWith('stage-'))!;
    rmSync(join(d, '.xuncha', stage, 'report.html'));
    recoverOutputFolder(d);
    expect(setVersion(d, RUN_OUTPUTS)).toBe('old');
  }, 60_000);

  it('a damaged journal stops every command from touching the folder', async () => {
    const d = join(base, 'damaged');
    await write(d, 'old');
    writeFileSync(join(d, '.xuncha', 'journal.json'), '{"format":1,"staging":"../../etc"');
    expect(codes(await userError(write(d, 'new')))).toEqual(['output.control_damaged']);
    expect(setVersion(d, RUN_OUTPUTS)).toBe('old');
    chmodSync(join(d, '.xuncha', 'journal.json'), 0o600);
  });
});
