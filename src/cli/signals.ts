/**
 * The worker process's set-up: owner-only permissions for everything it creates, a private temp folder, the
 * sweep of dead runs' temp folders, and graceful stops.
 *
 * On SIGINT, SIGTERM or SIGHUP — or when the launcher that started us goes away (its IPC channel closes) — every
 * DuckDB query is interrupted and child processes are killed (lifecycle.cancel); the command then unwinds
 * normally: staging folders are removed, the output folder's lock released, the old outputs stay as they were.
 * If that takes longer than GRACE_MS, or a second signal comes, the registered paths are removed synchronously and
 * the process exits at once. Exit status 128 + signal number (130 for SIGINT, 143 for SIGTERM).
 */
import fs from 'node:fs';
import os from 'node:os';
import { cancel, cancelledBy, cleanupSync, makeProcessTempDir, removeOnAbort, sweepTempLeftovers } from '../lifecycle.js';

const GRACE_MS = 3000;

export function signalExitCode(sig: NodeJS.Signals): number {
  return 128 + (os.constants.signals[sig] ?? 1);
}

let privateTemp: string | undefined;

export function setupProcess(): void {
  // the data is personal: files and folders we create are the owner's alone (rw------- / rwx------)
  process.umask(0o077);
  sweepTempLeftovers();
  // libraries' temp files (exceljs buffers worksheets in the temp folder) go into a folder of ours
  try {
    privateTemp = makeProcessTempDir('xuncha');
    removeOnAbort(privateTemp);
    process.env.TMPDIR = privateTemp;
    if (process.platform === 'win32') process.env.TEMP = process.env.TMP = privateTemp;
    process.on('exit', () => {
      try {
        if (privateTemp) fs.rmSync(privateTemp, { recursive: true, force: true });
      } catch {
        /* swept by the next run */
      }
    });
  } catch {
    /* an unwritable temp folder shows up where it is needed, with its own message */
  }

  let firstAt = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    const now = Date.now();
    if (!cancelledBy()) {
      firstAt = now;
      process.stderr.write(`\n收到 ${sig}，正在停止并删除临时文件…  ${sig} received: stopping and removing temp files…\n`);
      cancel(sig);
      setTimeout(() => forceExit(sig), GRACE_MS).unref();
      // a Ctrl-C reaches us both from the terminal and through the launcher: one press, not two
    } else if (now - firstAt > 300) {
      forceExit(sig);
    }
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => onSignal(sig));
  // an exception nobody catches (a library's callback, or one thrown there while stopping) still removes our
  // staging and temp folders and releases the lock
  process.on('uncaughtException', (e) => {
    const sig = cancelledBy();
    if (sig) return forceExit(sig);
    cleanupSync();
    process.stderr.write(`内部错误/internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(3);
  });
  // started by the launcher with an IPC channel: its closing means the launcher is gone (even kill -9)
  if (process.channel) {
    process.channel.unref();
    process.on('disconnect', () => onSignal('SIGHUP'));
  }
}

function forceExit(sig: NodeJS.Signals): void {
  cleanupSync();
  process.stderr.write(`已中断/interrupted (${sig})：未完成的输出已删除，原有输出保持不变。Unfinished outputs removed; existing outputs unchanged.\n`);
  process.exit(signalExitCode(sig));
}
