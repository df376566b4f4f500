/**
 * The output folder's marker: `DIR/.xuncha/outputs.json` says the folder is xuncha's and lists every file xuncha
 * wrote there with its size, mtime and sha256 (the database: size and mtime only — analysts query it in place).
 * A file is ours only while it is listed and unchanged; xuncha never replaces or deletes anything else.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const CONTROL_DIR = '.xuncha';
export const MARKER_FILE = 'outputs.json';
export const DB_FILE = 'xuncha.duckdb';
/** files that belong to a listed file and move with it (DuckDB's write-ahead log) */
export const COMPANIONS: Record<string, string[]> = { [DB_FILE]: [`${DB_FILE}.wal`] };

export interface MarkerEntry {
  size: number;
  mtime_ms: number;
  /** null for the database (not hashed: it may be GBs, and opening it in DuckDB rewrites it) */
  sha256: string | null;
}

export interface Marker {
  tool: 'xuncha';
  format: 1;
  note: string;
  run_id: string;
  command: string;
  written_at: string;
  files: Record<string, MarkerEntry>;
}

const NOTE = 'xuncha 输出目录标记：列出 xuncha 写入本目录的文件。请勿删除或修改。 / xuncha output folder marker: the files xuncha wrote here.';

export function newMarker(runId: string, command: string, files: Record<string, MarkerEntry>): Marker {
  return { tool: 'xuncha', format: 1, note: NOTE, run_id: runId, command, written_at: new Date().toISOString(), files };
}

/** A plain file name: no separators, not `.`/`..`, not the control folder. */
export function isPlainName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length < 256 && !/[/\\\0]/.test(name) && name !== '.' && name !== '..' && name !== CONTROL_DIR;
}

/** The marker, null when absent, 'invalid' when present but unreadable or not ours. */
export function readMarker(dir: string): Marker | null | 'invalid' {
  const f = path.join(dir, CONTROL_DIR, MARKER_FILE);
  let text: string;
  try {
    text = fs.readFileSync(f, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return 'invalid';
  }
  try {
    const m = JSON.parse(text) as Marker;
    if (m?.tool !== 'xuncha' || m.format !== 1 || typeof m.files !== 'object' || m.files === null) return 'invalid';
    for (const [name, e] of Object.entries(m.files)) {
      if (!isPlainName(name) || typeof e?.size !== 'number' || typeof e.mtime_ms !== 'number') return 'invalid';
    }
    return m;
  } catch {
    return 'invalid';
  }
}

export function sha256FileSync(file: string): string {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

export function describeFile(file: string, name: string): MarkerEntry {
  const st = fs.statSync(file);
  return { size: st.size, mtime_ms: st.mtimeMs, sha256: name === DB_FILE ? null : sha256FileSync(file) };
}

/**
 * Whether the file at `file` is no longer what xuncha wrote (`entry`): not a regular file any more, or different
 * size, or different mtime and different content (the database: only whether it is still a regular file).
 */
export function changedSinceWritten(file: string, entry: MarkerEntry): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return false; // gone: nothing to protect
  }
  if (!st.isFile()) return true;
  // the database is not fingerprinted: analysts query it in place, and DuckDB rewrites it when it is opened
  if (entry.sha256 == null) return false;
  if (st.size !== entry.size) return true;
  if (st.mtimeMs === entry.mtime_ms) return false;
  return sha256FileSync(file) !== entry.sha256;
}

/** Write a file atomically and durably: temp file, fsync, rename, fsync of the folder. */
export function writeFileAtomicSync(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

export function writeMarkerSync(dir: string, marker: Marker): void {
  writeFileAtomicSync(path.join(dir, CONTROL_DIR, MARKER_FILE), JSON.stringify(marker, null, 2) + '\n');
}

/** fsync a folder so renames in it survive a power cut (not possible on Windows: ignored). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* Windows cannot open folders */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
