/**
 * The atomic commit of an output folder, with plain files in place (no symlinks: analysts double-click
 * DIR/report.html and notebooks open DIR/xuncha.duckdb, many on Windows).
 *
 * A command writes its outputs into `DIR/.xuncha/stage-<run>/`. The commit then
 *  1. fsyncs the staged files and writes the journal `DIR/.xuncha/journal.json` (atomic rename): from here on the
 *     commit is decided;
 *  2. moves each old file out of the way into `DIR/.xuncha/old-<run>/`, and each staged file into DIR (renames
 *     inside one folder tree: each is atomic);
 *  3. writes the new marker, removes the journal, then the old files and the empty staging folder.
 * A kill at any point leaves either no journal (old set untouched, the staging folder is a leftover the next
 * command removes) or a journal that the next xuncha command touching the folder completes (or, if the new files
 * were lost, rolls back) before doing anything else. Every step is idempotent, so recovery can itself be killed.
 * A step that fails in-process (a file held open by another program on Windows) rolls back at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { COMPANIONS, CONTROL_DIR, fsyncDir, fsyncFile, isPlainName, writeFileAtomicSync, writeMarkerSync, type Marker } from './marker.js';

export const JOURNAL_FILE = 'journal.json';

export interface Journal {
  format: 1;
  run_id: string;
  /** folder names inside the control folder */
  staging: string;
  backup: string;
  /** files of DIR to move out of the way (existing when the journal was written) */
  old: string[];
  /** staged files to move into DIR */
  new: string[];
  marker: Marker;
}

const STAGING_NAME = /^stage-[A-Za-z0-9_.-]+$/;
const BACKUP_NAME = /^old-[A-Za-z0-9_.-]+$/;

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Test hook: XUNCHA_TEST_COMMIT_PAUSE=k makes the k-th commit step announce itself on stderr
 * (`xuncha-test: commit step k <what>`) and block, so a test can kill the process exactly there.
 */
let stepNo = 0;
function step(what: string): void {
  stepNo++;
  const pause = process.env.XUNCHA_TEST_COMMIT_PAUSE;
  if (pause && Number(pause) === stepNo) {
    process.stderr.write(`xuncha-test: commit step ${stepNo} ${what}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  }
}

export function readJournal(dir: string): Journal | null | 'invalid' {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, CONTROL_DIR, JOURNAL_FILE), 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : 'invalid';
  }
  try {
    const j = JSON.parse(text) as Journal;
    const ok =
      j?.format === 1 &&
      typeof j.staging === 'string' &&
      STAGING_NAME.test(j.staging) &&
      typeof j.backup === 'string' &&
      BACKUP_NAME.test(j.backup) &&
      Array.isArray(j.old) &&
      Array.isArray(j.new) &&
      j.old.every(isPlainName) &&
      j.new.every(isPlainName) &&
      j.marker?.tool === 'xuncha';
    return ok ? j : 'invalid';
  } catch {
    return 'invalid';
  }
}

/**
 * Commit the staged files of `stagingDir` (inside DIR/.xuncha) into `dir`, replacing the files `oldNames`
 * (those that exist) and writing `marker` as the folder's new marker.
 */
export function commitStaged(dir: string, stagingDir: string, runId: string, oldNames: string[], marker: Marker): void {
  stepNo = 0;
  const ctl = path.join(dir, CONTROL_DIR);
  const staged = fs.readdirSync(stagingDir).sort();
  for (const f of staged) fsyncFile(path.join(stagingDir, f));
  fsyncDir(stagingDir);
  const old = new Set(oldNames.filter((f) => exists(path.join(dir, f))));
  // a replaced database takes its write-ahead log along (a stale log beside a new database would corrupt it)
  for (const [main, extra] of Object.entries(COMPANIONS)) {
    if (!old.has(main) && !staged.includes(main)) continue;
    for (const c of extra) if (exists(path.join(dir, c))) old.add(c);
  }
  const journal: Journal = {
    format: 1,
    run_id: runId,
    staging: path.basename(stagingDir),
    backup: `old-${runId}`,
    old: [...old].sort(),
    new: staged,
    marker,
  };
  step('staged, no journal yet');
  writeFileAtomicSync(path.join(ctl, JOURNAL_FILE), JSON.stringify(journal, null, 2) + '\n');
  step('journal written');
  try {
    applyJournal(dir, journal);
  } catch (e) {
    // in-process failure (e.g. EBUSY: a file open in Excel on Windows): put the old set back
    try {
      rollBack(dir, journal);
    } catch {
      /* the journal stays: the next command completes or rolls back */
    }
    throw e;
  }
}

/** Roll the journal forward: idempotent, whatever steps already happened. */
function applyJournal(dir: string, j: Journal): void {
  const ctl = path.join(dir, CONTROL_DIR);
  const staging = path.join(ctl, j.staging);
  const backup = path.join(ctl, j.backup);
  for (const f of j.old) {
    // DIR/f still holds the old file unless the new one was already moved in
    const newMovedIn = j.new.includes(f) && !exists(path.join(staging, f));
    if (newMovedIn || !exists(path.join(dir, f))) continue;
    fs.mkdirSync(backup, { recursive: true, mode: 0o700 });
    fs.renameSync(path.join(dir, f), path.join(backup, f));
    step(`moved old ${f} aside`);
  }
  for (const f of j.new) {
    if (!exists(path.join(staging, f))) continue;
    // never replace a file someone put there since (rename would silently overwrite it)
    if (exists(path.join(dir, f))) throw Object.assign(new Error(`EEXIST: ${path.join(dir, f)} appeared during the commit`), { code: 'EEXIST', path: path.join(dir, f) });
    fs.renameSync(path.join(staging, f), path.join(dir, f));
    step(`moved new ${f} in`);
  }
  fsyncDir(dir);
  writeMarkerSync(dir, j.marker);
  step('marker written');
  fs.rmSync(path.join(ctl, JOURNAL_FILE), { force: true });
  fsyncDir(ctl);
  step('journal removed');
  fs.rmSync(backup, { recursive: true, force: true });
  fs.rmSync(staging, { recursive: true, force: true });
}

/** Undo: new files out of DIR, old files back. Used when the new set is incomplete or a step failed. */
function rollBack(dir: string, j: Journal): void {
  const ctl = path.join(dir, CONTROL_DIR);
  const staging = path.join(ctl, j.staging);
  const backup = path.join(ctl, j.backup);
  for (const f of j.new) {
    if (exists(path.join(staging, f))) continue; // not moved in
    const wasOld = j.old.includes(f);
    // DIR/f is the new file if it was not in the old set, or the old one is already aside
    if (exists(path.join(dir, f)) && (!wasOld || exists(path.join(backup, f)))) fs.rmSync(path.join(dir, f), { force: true });
  }
  for (const f of j.old) {
    if (!exists(path.join(backup, f))) continue;
    // the place is taken by a file someone put there meanwhile: keep the old one beside it, never lose either
    const target = exists(path.join(dir, f)) ? path.join(dir, `${f}.xuncha-old-${j.run_id}`) : path.join(dir, f);
    fs.renameSync(path.join(backup, f), target);
  }
  fsyncDir(dir);
  fs.rmSync(path.join(ctl, JOURNAL_FILE), { force: true });
  fs.rmSync(backup, { recursive: true, force: true });
  fs.rmSync(staging, { recursive: true, force: true });
}

/**
 * Finish a commit a killed process left (call with the folder's lock held). Rolls forward when every new file is
 * still there, else back. Returns what it did.
 */
export function recoverJournal(dir: string): 'none' | 'completed' | 'rolled back' | 'invalid' {
  const j = readJournal(dir);
  if (j === null) return 'none';
  if (j === 'invalid') return 'invalid';
  stepNo = 0;
  const ctl = path.join(dir, CONTROL_DIR);
  const staging = path.join(ctl, j.staging);
  const backup = path.join(ctl, j.backup);
  const newComplete = j.new.every((f) => {
    if (exists(path.join(staging, f))) return true;
    return exists(path.join(dir, f)) && (!j.old.includes(f) || exists(path.join(backup, f)));
  });
  if (newComplete) {
    try {
      applyJournal(dir, j);
      return 'completed';
    } catch {
      /* fall back to the old set */
    }
  }
  rollBack(dir, j);
  return 'rolled back';
}
