/**
 * Output folders: ownership, one lock, an atomic commit — one small API for every command that writes into a
 * run's folder (`run`, `ingest`, `report`, later `review`):
 *
 *   await withOutputFolder(dir, { command: 'report', replace: 'staged', writes: ['report.html', 'leads.xlsx'] },
 *     async ({ staging }) => { …write report.html and leads.xlsx into staging… });
 *
 * It refuses, before any work, a folder that is not xuncha's (non-empty without xuncha's marker), `/`, the home
 * folder, a folder holding the inputs, a path that is a file, and any file it would replace that xuncha did not
 * write or that was changed since (核查 work typed into leads.xlsx); takes the folder's lock; completes or rolls back
 * a commit a killed process left; removes leftovers of dead runs; gives the work a staging folder; and commits
 * the staged files atomically (commit.ts) with the marker listing them. On any failure or interruption the
 * staging folder is removed and the old outputs stay as they were.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { userConditionOf } from '../conditions.js';
import { InternalError, UserError, diag, type Diagnostic, type DiagnosticLocation } from '../errors.js';
import { onAbort, processAlive, removeOnAbort, selfIdentity, throwIfCancelled } from '../lifecycle.js';
import { JOURNAL_FILE, commitStaged, recoverJournal } from './commit.js';
import { acquireLock, LOCK_FILE } from './lock.js';
import { COMPANIONS, CONTROL_DIR, changedSinceWritten, describeFile, newMarker, readMarker, type Marker, type MarkerEntry } from './marker.js';

/** What `xuncha run` writes; `ingest` writes the database, rejects.csv and manifest.json. */
export const RUN_OUTPUTS = ['xuncha.duckdb', 'leads.csv', 'leads.xlsx', 'report.html', 'rejects.csv', 'manifest.json'] as const;
export const INGEST_OUTPUTS = ['xuncha.duckdb', 'rejects.csv', 'manifest.json'] as const;
/** every name a pre-marker xuncha version could have written (to adopt such folders) */
const LEGACY_OUTPUTS = new Set([...RUN_OUTPUTS, 'xuncha.duckdb.wal', 'followup.csv']);
const LEGACY_STAGING = /^\.xuncha-staging-(\d+)$/;
/** files the operating system puts into folders; they do not make a folder "not empty" and are never touched */
const OS_FILES = new Set(['desktop.ini', 'thumbs.db', 'ehthumbs.db', '.ds_store', '.localized']);

export interface OutputFolderOptions {
  /** the command, recorded in the lock and the marker: run | ingest | report | review */
  command: string;
  /**
   * 'all': the staged files become the folder's whole output set (every other file xuncha wrote there before is
   * removed); 'staged': only the staged files are replaced, the rest stays (report, review).
   */
  replace: 'all' | 'staged';
  /** every file name the command may stage (checked before any work) */
  writes: readonly string[];
  /** absolute paths of every input (pipeline file, data files, rule files): a folder holding one is refused */
  inputs?: readonly string[];
  /**
   * listed files whose changes since xuncha wrote them the caller has taken care of (every 核查 value typed into
   * leads.xlsx is in the database: review/guard.ts); a changed one is copied to DIR/核查底稿备份/ before it is replaced
   */
  acceptChanged?: readonly string[];
  /** where the folder was named, for messages (pipeline `output` key, or the --out option) */
  at?: DiagnosticLocation;
  /** notes for the user (lock taken over, interrupted commit completed, leftovers removed) */
  onNote?: (msg: string) => void;
}

export interface OutputContext {
  /** the output folder (absolute) */
  dir: string;
  /** write the outputs here, under their final names; they replace the folder's files atomically on success */
  staging: string;
  runId: string;
}

export interface FolderState {
  kind: 'new' | 'empty' | 'marked' | 'legacy';
  marker: Marker | null;
  /** files xuncha wrote there (legacy folders: no fingerprints) */
  listed: Record<string, MarkerEntry | null>;
}

function lexists(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** realpath of the longest existing prefix, plus the rest */
function realish(p: string): string {
  let head = p;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(head), ...tail);
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return p;
      tail.unshift(path.basename(head));
      head = parent;
    }
  }
}

const samePath = (a: string, b: string) => (process.platform === 'win32' || process.platform === 'darwin' ? a.toLowerCase() === b.toLowerCase() : a === b);

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  if (process.platform === 'win32' && /^[A-Za-z]:/.test(rel)) return false;
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function list(names: string[], n = 6): string {
  return names.slice(0, n).join(', ') + (names.length > n ? ` …（共 ${names.length} 项 / ${names.length} in all）` : '');
}

/**
 * Check that `dir` may receive this command's outputs; throws UserError with every problem found. Reads only
 * the folder, never an input file.
 */
export function inspectOutputFolder(dir: string, opts: OutputFolderOptions): FolderState {
  const abs = path.resolve(dir);
  const real = realish(abs);
  const at = opts.at;
  const problems: Diagnostic[] = [];
  const fail = () => {
    if (problems.length) throw new UserError(problems);
  };

  if (path.parse(real).root === real || path.parse(abs).root === abs) {
    problems.push(
      diag('output.root', `输出目录不能是文件系统的根目录（${abs}）。请指定一个专用的新目录，例如 out/巡察2024。`, `The output folder cannot be the root of a filesystem (${abs}). Choose a dedicated new folder, e.g. out/inspection-2024.`, at),
    );
  }
  const home = realish(os.homedir());
  if (samePath(real, home)) {
    problems.push(
      diag('output.home', `输出目录不能是用户主目录（${abs}）。请在其中新建一个专用目录，例如 ${path.join(abs, 'xuncha-out')}。`, `The output folder cannot be your home folder (${abs}). Use a dedicated folder inside it, e.g. ${path.join(abs, 'xuncha-out')}.`, at),
    );
  }
  const held = (opts.inputs ?? []).filter((f) => isInside(realish(path.resolve(f)), real) || samePath(realish(path.resolve(f)), real));
  if (held.length) {
    problems.push(
      diag(
        'output.holds_inputs',
        `输出目录 ${abs} 中有本次运行的输入文件（${list(held)}）。输出目录不能包含输入：请为输出指定一个单独的目录（--out，或流水线的 output）。`,
        `The output folder ${abs} holds inputs of this run (${list(held)}). Outputs need a folder of their own: choose a separate one (--out, or output: in the pipeline).`,
        at,
      ),
    );
  }
  fail();

  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'new', marker: null, listed: {} };
    if (code === 'ENOTDIR') {
      throw new UserError(diag('output.not_a_folder', `输出路径 ${abs} 的上级中有一个文件而不是目录。请指定一个目录。`, `A parent of the output path ${abs} is a file, not a folder. Choose a folder.`, at));
    }
    throw userConditionOf(e, at) ?? e;
  }
  if (!st.isDirectory()) {
    throw new UserError(
      diag('output.not_a_folder', `输出路径 ${abs} 已存在，但它是一个文件而不是目录。请指定一个目录（--out 目录）。`, `The output path ${abs} exists and is a file, not a folder. Give a folder (--out DIR).`, at),
    );
  }

  let names: string[];
  try {
    names = fs.readdirSync(abs);
  } catch (e) {
    throw userConditionOf(e, at) ?? e;
  }
  const ctl = lexists(path.join(abs, CONTROL_DIR));
  const damaged = (what: string) =>
    new UserError(
      diag(
        'output.control_damaged',
        `输出目录 ${abs} 中 xuncha 的标记已损坏（${what}），无法确认哪些文件是 xuncha 写的，因此不会改动该目录。请换一个输出目录（--out）。`,
        `xuncha's marker in the output folder ${abs} is damaged (${what}), so it cannot tell which files it wrote and will not touch the folder. Choose another output folder (--out).`,
        at,
      ),
    );
  if (ctl && !ctl.isDirectory()) throw damaged(`${CONTROL_DIR} 不是目录 / is not a folder`);
  const marker = ctl ? readMarker(abs) : null;
  if (marker === 'invalid') throw damaged(`${CONTROL_DIR}/outputs.json`);
  // a commit a killed process left half-done: the folder is judged after it is completed under the lock
  if (ctl && lexists(path.join(abs, CONTROL_DIR, JOURNAL_FILE))) return { kind: marker ? 'marked' : 'empty', marker, listed: { ...marker?.files } };

  const others = names.filter((n) => n !== CONTROL_DIR && !OS_FILES.has(n.toLowerCase()) && !LEGACY_STAGING.test(n));
  const accept = new Set(opts.acceptChanged ?? []);
  let state: FolderState;
  if (marker) {
    state = { kind: 'marked', marker, listed: { ...marker.files } };
  } else if (others.length === 0) {
    return { kind: 'empty', marker: null, listed: {} };
  } else {
    const legacy = legacyListing(abs, others);
    if (!legacy) {
      throw new UserError(
        diag(
          'output.not_xuncha',
          `输出目录 ${abs} 不是空目录，也不是 xuncha 的输出目录（其中有：${list(others)}）。xuncha 不会覆盖或删除不是它写的文件。请指定一个空目录或新目录（--out 新目录，或流水线的 output）。`,
          `The output folder ${abs} is not empty and is not a xuncha output folder (it holds: ${list(others)}). xuncha never overwrites or deletes files it did not write. Choose an empty or new folder (--out NEW_DIR, or output: in the pipeline).`,
          at,
        ),
      );
    }
    state = { kind: 'legacy', marker: null, listed: legacy };
    // a pre-marker folder keeps no fingerprints: a leads.xlsx saved after the run's manifest was typed into
    const x = lexists(path.join(abs, 'leads.xlsx'));
    const m = lexists(path.join(abs, 'manifest.json'));
    if (x && m && x.mtimeMs > m.mtimeMs + 2000 && !accept.has('leads.xlsx')) problems.push(changedDiag(abs, 'leads.xlsx'));
  }

  // every file this command would replace or remove must be one xuncha wrote, unchanged since
  const companions = new Set(Object.entries(COMPANIONS).flatMap(([main, extra]) => (main in state.listed || opts.writes.includes(main) ? extra : [])));
  const affected = new Set([...opts.writes, ...(opts.replace === 'all' ? Object.keys(state.listed) : [])]);
  for (const n of [...affected].sort()) {
    const p = path.join(abs, n);
    const s = lexists(p);
    if (!s || companions.has(n)) continue;
    const entry = state.listed[n];
    if (!(n in state.listed) || !s.isFile()) {
      problems.push(
        diag(
          'output.not_ours',
          `输出目录中的 ${n}${s.isDirectory() ? '（一个目录）' : ''}不是 xuncha 写的，xuncha 不会覆盖或删除它。请把它移走或改名，或换一个输出目录（--out）。`,
          `${n}${s.isDirectory() ? ' (a folder)' : ''} in the output folder was not written by xuncha, which never overwrites or deletes it. Move or rename it, or choose another output folder (--out).`,
          { file: p },
        ),
      );
    } else if (entry && !accept.has(n) && changedSinceWritten(p, entry)) {
      problems.push(changedDiag(abs, n));
    }
  }
  fail();
  return state;
}

function changedDiag(abs: string, n: string): Diagnostic {
  return diag(
    'output.changed',
    `输出目录中的 ${n} 在 xuncha 写出之后被修改过（可能是核查人员填写的内容），xuncha 不会覆盖它。请先把它移出该目录或改名保存（已填写的核查结果可用 xuncha review 导入），然后再运行。`,
    `${n} in the output folder was changed after xuncha wrote it (核查 work typed into it?), so xuncha will not overwrite it. Move it out of the folder or rename it first (import filled-in 核查 results with xuncha review), then run again.`,
    { file: path.join(abs, n) },
  );
}

/** A folder an older xuncha wrote (no marker): its manifest says xuncha and it holds nothing but xuncha's files. */
function legacyListing(abs: string, others: string[]): Record<string, null> | undefined {
  if (!others.includes('manifest.json')) return undefined;
  for (const n of others) {
    if (!LEGACY_OUTPUTS.has(n as never)) return undefined;
    if (!lexists(path.join(abs, n))?.isFile()) return undefined;
  }
  try {
    const m = JSON.parse(fs.readFileSync(path.join(abs, 'manifest.json'), 'utf8')) as { tool?: { name?: string } };
    if (m?.tool?.name !== 'xuncha') return undefined;
  } catch {
    return undefined;
  }
  return Object.fromEntries(others.filter((n) => n !== 'xuncha.duckdb.wal').map((n) => [n, null]));
}

/** Leftovers of dead runs in an output folder (call with its lock held). Returns what was removed. */
export function sweepFolderLeftovers(dir: string): string[] {
  const removed: string[] = [];
  const ctl = path.join(dir, CONTROL_DIR);
  const rm = (p: string) => {
    try {
      fs.rmSync(p, { recursive: true, force: true });
      removed.push(p);
    } catch {
      /* best effort */
    }
  };
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(ctl);
  } catch {
    /* no control folder */
  }
  for (const n of entries) {
    // with the lock held no other run is staging here: every staging or old-files folder is a dead run's
    if (/^(stage|old)-/.test(n) || /^lock\.stale-/.test(n) || /\.tmp-\d+$/.test(n)) rm(path.join(ctl, n));
  }
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    /* gone */
  }
  for (const n of names) {
    const m = LEGACY_STAGING.exec(n);
    if (m && !processAlive({ pid: Number(m[1]) }) && lexists(path.join(dir, n))?.isDirectory()) rm(path.join(dir, n));
  }
  return removed;
}

/** mkdir -p one level at a time: a recursive mkdir reports ENOENT on a read-only disk instead of EROFS */
function mkdirEach(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !lexists(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d, { mode: 0o700 });
    } catch (e) {
      // another xuncha starting on the same folder made it first
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(d).isDirectory()) throw e;
    }
  }
}

function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${t}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
}

function notWritable(abs: string, e: unknown, at?: DiagnosticLocation): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return new UserError(diag('output.not_a_folder', `输出路径 ${abs}（或它的上级）是一个文件而不是目录。请指定一个目录。`, `The output path ${abs} (or a parent of it) is a file, not a folder. Choose a folder.`, at));
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    const ro = code === 'EROFS';
    return new UserError(
      diag(
        'output.not_writable',
        `无法写入输出目录 ${abs}（${ro ? '磁盘是只读的' : '没有写权限'}，${code}）。请换一个可写的目录（--out）${ro ? '。' : '，或请管理员开放写权限。'}`,
        `Cannot write to the output folder ${abs} (${ro ? 'read-only disk' : 'permission denied'}, ${code}). Choose a writable folder (--out)${ro ? '.' : ', or ask an administrator for write access.'}`,
        at,
      ),
    );
  }
  return userConditionOf(e, at) ?? e;
}

/** Where a changed file a command replaces is kept (see keepChangedCopy). */
export const BACKUP_DIR = '核查底稿备份';

/**
 * A file the teams changed after xuncha wrote it (a leads.xlsx they typed into, sorted, added a notes column to)
 * that the caller accepted to replace — its 核查 values are all in the database — is still the teams' work: a copy
 * is kept in DIR/核查底稿备份/ under its name and the run id before it is replaced, so nothing they typed (a
 * column of their own, a note xuncha does not import) is ever lost.
 */
function keepChangedCopy(abs: string, name: string, entry: MarkerEntry | null | undefined, runId: string, onNote?: (m: string) => void): void {
  const file = path.join(abs, name);
  const st = lexists(file);
  if (!st?.isFile()) return;
  // no fingerprint (a folder an older xuncha wrote): treat it as changed, a copy costs little
  if (entry && !changedSinceWritten(file, entry)) return;
  const dir = path.join(abs, BACKUP_DIR);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ext = path.extname(name);
  const target = path.join(dir, `${path.basename(name, ext)}-${runId.replace(/-[a-z0-9]{4}$/, '')}${ext}`);
  fs.copyFileSync(file, target, fs.constants.COPYFILE_EXCL);
  fs.chmodSync(target, 0o600);
  onNote?.(`${name} 在 xuncha 写出后被修改过，替换前已另存一份 / ${name} was changed after xuncha wrote it; a copy was kept: ${path.relative(abs, target)}`);
}

/**
 * Run `work` with a staging folder inside the output folder `dir`, holding the folder's lock, and commit what it
 * staged atomically when it succeeds. See the file header.
 */
export async function withOutputFolder<T>(dir: string, opts: OutputFolderOptions, work: (ctx: OutputContext) => Promise<T>): Promise<T> {
  const abs = path.resolve(dir);
  inspectOutputFolder(abs, opts); // refuse before creating anything
  const runId = newRunId();
  const ctl = path.join(abs, CONTROL_DIR);
  try {
    mkdirEach(ctl);
  } catch (e) {
    throw notWritable(abs, e, opts.at);
  }
  let release: () => void;
  try {
    release = acquireLock(ctl, { ...selfIdentity(), run_id: runId, command: opts.command, started_at: new Date().toISOString() }, { dir: abs, at: opts.at, onNote: opts.onNote });
  } catch (e) {
    throw e instanceof UserError ? e : notWritable(abs, e, opts.at);
  }
  const undoLock = onAbort(release);
  let staging: string | undefined;
  let undoStaging = () => {};
  try {
    const rec = recoverJournal(abs);
    if (rec === 'completed') opts.onNote?.(`完成了上次被中断的输出提交 / completed the commit an interrupted run had begun in ${abs}`);
    if (rec === 'rolled back') opts.onNote?.(`撤销了上次被中断且不完整的输出提交 / rolled back an interrupted, incomplete commit in ${abs}`);
    if (rec === 'invalid') throw inspectDamagedJournal(abs, opts.at);
    const removed = sweepFolderLeftovers(abs);
    if (removed.length) opts.onNote?.(`删除了已结束的运行留下的临时文件 / removed leftovers of ended runs: ${removed.map((p) => path.relative(abs, p)).join(', ')}`);
    inspectOutputFolder(abs, opts);

    staging = path.join(ctl, `stage-${runId}`);
    fs.mkdirSync(staging, { mode: 0o700 });
    undoStaging = removeOnAbort(staging);
    const result = await work({ dir: abs, staging, runId });
    throwIfCancelled();

    // files may have appeared or changed while the work ran: check again right before the commit
    const state = inspectOutputFolder(abs, opts);
    const staged = fs.readdirSync(staging).sort();
    for (const f of staged) {
      if (!opts.writes.includes(f)) throw new InternalError(`${opts.command} staged ${f}, which is not in its declared outputs`);
      if (!fs.lstatSync(path.join(staging, f)).isFile()) throw new InternalError(`${opts.command} staged ${f}, which is not a file`);
      fs.chmodSync(path.join(staging, f), 0o600);
    }
    const files: Record<string, MarkerEntry> = {};
    if (opts.replace === 'staged') {
      for (const [n, e] of Object.entries(state.listed)) {
        if (staged.includes(n) || !lexists(path.join(abs, n))) continue;
        files[n] = e ?? describeFile(path.join(abs, n), n);
      }
    }
    for (const f of staged) files[f] = describeFile(path.join(staging, f), f);
    const oldNames = opts.replace === 'all' ? [...new Set([...Object.keys(state.listed), ...staged])] : staged;
    for (const n of opts.acceptChanged ?? []) {
      if (oldNames.includes(n)) keepChangedCopy(abs, n, state.listed[n], runId, opts.onNote);
    }
    try {
      commitStaged(abs, staging, runId, oldNames, newMarker(runId, opts.command, files));
    } catch (e) {
      throw userConditionOf(e, opts.at) ?? e;
    }
    return result;
  } finally {
    if (staging) {
      try {
        fs.rmSync(staging, { recursive: true, force: true });
      } catch {
        /* swept by the next run */
      }
    }
    undoStaging();
    release();
    undoLock();
  }
}

/**
 * For commands that only read a run's folder (notebook, dossier): complete or roll back a commit a killed run left
 * and remove dead runs' leftovers, so they never read a half-committed folder. Does nothing when the folder is not
 * xuncha's or another xuncha holds its lock (that one finishes its own commit).
 */
export function recoverOutputFolder(dir: string, onNote?: (msg: string) => void): void {
  const abs = path.resolve(dir);
  const ctl = path.join(abs, CONTROL_DIR);
  if (!lexists(ctl)?.isDirectory()) return;
  let release: () => void;
  try {
    release = acquireLock(ctl, { ...selfIdentity(), run_id: newRunId(), command: 'recover', started_at: new Date().toISOString() }, { dir: abs, onNote });
  } catch {
    return;
  }
  const undo = onAbort(release);
  try {
    const rec = recoverJournal(abs);
    if (rec === 'completed') onNote?.(`完成了上次被中断的输出提交 / completed the commit an interrupted run had begun in ${abs}`);
    if (rec === 'rolled back') onNote?.(`撤销了上次被中断且不完整的输出提交 / rolled back an interrupted, incomplete commit in ${abs}`);
    sweepFolderLeftovers(abs);
  } finally {
    release();
    undo();
  }
}

function inspectDamagedJournal(abs: string, at?: DiagnosticLocation): UserError {
  return new UserError(
    diag(
      'output.control_damaged',
      `输出目录 ${abs} 中上次提交的记录（${CONTROL_DIR}/journal.json）已损坏，xuncha 无法确认该目录的状态，不会改动它。请换一个输出目录（--out）。`,
      `The commit journal in the output folder ${abs} (${CONTROL_DIR}/journal.json) is damaged; xuncha cannot tell the folder's state and will not touch it. Choose another output folder (--out).`,
      at,
    ),
  );
}

export { LOCK_FILE };
