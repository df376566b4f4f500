#!/usr/bin/env node
// Launcher (package.json "bin"): runs the TypeScript CLI (src/cli/main.ts) in a child Node process with tsx's
// loader, so `npx xuncha …` works without a build step.
// - SIGINT/SIGTERM/SIGHUP are forwarded to the worker, which interrupts DuckDB, removes its staging folder and
//   exits within seconds; the launcher exits with the worker's status (128 + signal number when killed).
// - The worker gets an IPC channel: if the launcher dies (even kill -9), the channel closes and the worker stops
//   too instead of writing outputs later as an orphan.
// - On Windows, Ctrl-C reaches every process of the console itself and child.kill() would terminate the worker
//   without cleanup, so the launcher only waits there.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
const child = spawn(process.execPath, ['--import', tsxLoader, join(here, 'main.ts'), ...process.argv.slice(2)], {
  stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (process.platform === 'win32') return;
    try {
      child.kill(sig);
    } catch {
      /* already gone */
    }
  });
}
child.on('error', (e) => {
  process.stderr.write(`内部错误/internal error: cannot start the xuncha worker: ${e.message}\n`);
  process.exit(3);
});
child.on('exit', (code, signal) => {
  process.exit(code ?? 128 + (constants.signals[signal] ?? 1));
});
