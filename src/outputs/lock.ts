/**
 * One lock per output folder: `DIR/.xuncha/lock`, created exclusively, holding who runs (pid, host, run id,
 * command, start time). A second command on the same folder is refused with the holder named; a lock whose
 * process is gone (killed, crashed, machine rebooted) is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { userError, type DiagnosticLocation } from '../errors.js';
import { processAlive, type ProcessIdentity } from '../lifecycle.js';

export const LOCK_FILE = 'lock';

export interface LockInfo extends ProcessIdentity {
  run_id: string;
  command: string;
  started_at: string;
}

/** a lock file that cannot be read this long after it was created is a dead process's half-written lock */
const UNREADABLE_STALE_MS = 10_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function readLock(file: string): LockInfo | null | 'gone' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : null;
  }
  try {
    const l = JSON.parse(text) as LockInfo;
    return l && Number.isInteger(l.pid) ? l : null;
  } catch {
    return null;
  }
}

/**
 * Take the lock of the output folder whose control folder is `ctl`. Returns the release function.
 * Throws UserError `output.locked` when a live process holds it.
 */
export function acquireLock(ctl: string, info: LockInfo, opts: { dir: string; at?: DiagnosticLocation; onNote?: (msg: string) => void }): () => void {
  const file = path.join(ctl, LOCK_FILE);
  const text = JSON.stringify(info, null, 2) + '\n';
  let held: LockInfo | null = null;
  for (let attempt = 0; attempt < 50; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(file);
      if (holder === 'gone') continue;
      if (holder === null) {
        // being written right now, or left half-written by a killed process
        let age = 0;
        try {
          age = Date.now() - fs.statSync(file).mtimeMs;
        } catch {
          continue;
        }
        if (age < UNREADABLE_STALE_MS) {
          sleepSync(100);
          continue;
        }
      } else if (processAlive(holder)) {
        held = holder;
        break;
      }
      if (takeOver(file, holder)) {
        opts.onNote?.(
          holder
            ? `接管了已结束的进程 ${holder.pid} 留下的锁（${holder.command} ${holder.run_id}）/ took over the lock of finished process ${holder.pid}`
            : `接管了一个损坏的锁文件 / took over a damaged lock file`,
        );
      }
      continue;
    }
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return () => releaseLock(file, info);
  }
  const h = held;
  const other = h && h.host !== info.host;
  throw userError(
    'output.locked',
    h
      ? `输出目录 ${opts.dir} 正被另一个 xuncha 使用：${h.command} 命令，运行 ${h.run_id}，进程 ${h.pid}${other ? `（主机 ${h.host}）` : ''}，开始于 ${h.started_at}。请等它结束后再运行，或换一个输出目录（--out）。`
      : `无法取得输出目录 ${opts.dir} 的锁（${file}）。请稍后重试。`,
    h
      ? `The output folder ${opts.dir} is in use by another xuncha: command ${h.command}, run ${h.run_id}, pid ${h.pid}${other ? ` on host ${h.host}` : ''}, started ${h.started_at}. Wait until it finishes, or choose another output folder (--out).`
      : `Could not take the lock of the output folder ${opts.dir} (${file}). Try again later.`,
    opts.at,
    other ? `如果确认那台机器上的运行已经结束，删除 ${file} 后重试。/ If you are sure that run has ended, delete ${file} and retry.` : undefined,
  );
}

/** Move a dead holder's lock aside; true when it was the one we judged (never steal a fresh live lock). */
function takeOver(file: string, judged: LockInfo | null): boolean {
  const aside = `${file}.stale-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return false; // someone else moved it first
  }
  const got = readLock(aside);
  const same = judged === null ? got === null : got !== null && got !== 'gone' && got.pid === judged.pid && got.run_id === judged.run_id;
  if (!same) {
    // a live process took the lock between our read and our rename: give it back
    try {
      fs.linkSync(aside, file);
    } catch {
      /* someone else holds it now; theirs stands */
    }
  }
  fs.rmSync(aside, { force: true });
  return same;
}

function releaseLock(file: string, info: LockInfo): void {
  const cur = readLock(file);
  if (cur && cur !== 'gone' && cur.pid === info.pid && cur.run_id === info.run_id) fs.rmSync(file, { force: true });
}
