/**
 * Process lifecycle kernel: cancellation (SIGINT/SIGTERM/SIGHUP or the launcher going away), and what must be
 * undone when the process stops early: open DuckDB connections to interrupt, child processes to kill, and paths
 * (staging folders, temp read folders) to remove. Anyone may import it; the CLI installs the signal handlers
 * (cli/signals.ts) and library callers (tests, bench) simply never cancel.
 *
 * Temp folders of this process carry its pid in their names (`xuncha-<pid>-…`, `xuncha-read-<pid>-…`) so the
 * next run can tell leftovers of dead processes from folders of live ones (sweepTempLeftovers).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface Interruptible {
  interrupt(): void;
}
interface Killable {
  kill(signal?: NodeJS.Signals | number): boolean;
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
}

const connections = new Set<Interruptible>();
const children = new Set<Killable>();
/** path → remove recursively on an early stop */
const paths = new Set<string>();
/** sync hooks run on an early stop before paths are removed (e.g. lock release) */
const hooks = new Set<() => void>();

let cancelled: NodeJS.Signals | null = null;

export class CancelledError extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`cancelled by ${signal}`);
    this.name = 'CancelledError';
  }
}

export function cancelledBy(): NodeJS.Signals | null {
  return cancelled;
}

export function throwIfCancelled(): void {
  if (cancelled) throw new CancelledError(cancelled);
}

/** Ask everything running to stop: interrupt DuckDB queries and kill child processes. Idempotent. */
export function cancel(signal: NodeJS.Signals): void {
  if (!cancelled) cancelled = signal;
  for (const c of connections) {
    try {
      c.interrupt();
    } catch {
      /* a closed connection */
    }
  }
  for (const ch of children) {
    try {
      if (ch.exitCode == null && ch.signalCode == null) ch.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export function trackConnection(c: Interruptible): () => void {
  connections.add(c);
  if (cancelled) c.interrupt();
  return () => connections.delete(c);
}

export function trackChild(c: Killable): () => void {
  children.add(c);
  if (cancelled) c.kill('SIGKILL');
  return () => children.delete(c);
}

/** Register a path to remove if the process stops early; returns the unregister function. */
export function removeOnAbort(p: string): () => void {
  paths.add(p);
  return () => paths.delete(p);
}

export function onAbort(hook: () => void): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/** Synchronous last-resort cleanup (forced exit): kill children, remove registered paths, then run hooks (lock release). */
export function cleanupSync(): void {
  for (const ch of children) {
    try {
      if (ch.exitCode == null && ch.signalCode == null) ch.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const p of [...paths].reverse()) {
    try {
      fs.rmSync(p, { recursive: true, force: true });
    } catch {
      /* best effort: the next run sweeps leftovers of dead processes */
    }
  }
  paths.clear();
  for (const h of [...hooks].reverse()) {
    try {
      h();
    } catch {
      /* best effort */
    }
  }
  hooks.clear();
}

// ---------------------------------------------------------------------------------------------------------------
// process identity, for locks and leftovers

export interface ProcessIdentity {
  pid: number;
  host: string;
  /** Linux: boot id and start time of the process (clock ticks since boot), to see through pid reuse */
  boot_id?: string;
  proc_start?: string;
}

function readProcStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // field 22 (starttime), counted after the ")" that ends the command name
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}

let bootId: string | undefined | null = null;
function readBootId(): string | undefined {
  if (bootId === null) {
    try {
      bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootId = undefined;
    }
  }
  return bootId;
}

export function selfIdentity(): ProcessIdentity {
  const id: ProcessIdentity = { pid: process.pid, host: os.hostname() };
  const b = readBootId();
  const s = readProcStart(process.pid);
  if (b) id.boot_id = b;
  if (s) id.proc_start = s;
  return id;
}

/**
 * Whether the process that wrote `id` may still be running. A process on another host cannot be checked: it
 * counts as alive. On Linux a reboot or a reused pid (different start time) counts as dead.
 */
export function processAlive(id: { pid: number; host?: string; boot_id?: string; proc_start?: string }): boolean {
  if (!Number.isInteger(id.pid) || id.pid <= 0) return false;
  if (id.host && id.host !== os.hostname()) return true;
  if (id.pid === process.pid) {
    const me = selfIdentity();
    return !id.proc_start || id.proc_start === me.proc_start;
  }
  try {
    process.kill(id.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EPERM') return true;
    return false;
  }
  const b = readBootId();
  if (id.boot_id && b && id.boot_id !== b) return false;
  if (id.proc_start) {
    const s = readProcStart(id.pid);
    if (s && s !== id.proc_start) return false;
  }
  // a zombie has finished
  try {
    const stat = fs.readFileSync(`/proc/${id.pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') return false;
  } catch {
    /* not Linux */
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// temp folders

/** Names of this process's temp folders: `<prefix>-<pid>-XXXXXX` in the system temp folder. */
export function makeProcessTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-${process.pid}-`));
  return dir;
}

const TEMP_NAME = /^xuncha(?:-read)?-(\d+)-[A-Za-z0-9]{6}$/;
const LEGACY_TEMP_NAME = /^xuncha-read-[A-Za-z0-9]{6}$/;
/** legacy temp folders (no pid in the name) are removed once untouched this long */
const LEGACY_AGE_MS = 24 * 3600 * 1000;

/**
 * Remove temp folders that dead xuncha processes left in `tmp` (default: the system temp folder): folders named
 * with a pid whose process is gone, and pid-less folders of older versions untouched for a day. Returns what it
 * removed. Never throws.
 */
export function sweepTempLeftovers(tmp = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    const legacy = !m && LEGACY_TEMP_NAME.test(name);
    if (!m && !legacy) continue;
    const p = path.join(tmp, name);
    try {
      const st = fs.lstatSync(p);
      if (!st.isDirectory()) continue;
      // only our own folders (same user), never someone else's
      if (typeof process.getuid === 'function' && st.uid !== process.getuid()) continue;
      if (m) {
        if (Number(m[1]) === process.pid || processAlive({ pid: Number(m[1]) })) continue;
      } else if (Date.now() - st.mtimeMs < LEGACY_AGE_MS) continue;
      fs.rmSync(p, { recursive: true, force: true });
      removed.push(p);
    } catch {
      /* best effort */
    }
  }
  return removed;
}
