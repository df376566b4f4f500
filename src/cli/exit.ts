/**
 * The one place errors become exit codes (SPEC §2.1): 0 ok; 1 input/pipeline wrong (UserError: diagnostics,
 * no stack) — including conditions of the machine such as a full disk or DuckDB out of memory (conditions.ts);
 * 2 bad command-line usage; 3 internal error (stack allowed); 128 + signal number when stopped by a signal.
 */
import { userConditionOf } from '../conditions.js';
import { UsageError, UserError, formatDiagnostic } from '../errors.js';
import { cancelledBy } from '../lifecycle.js';
import { signalExitCode } from './signals.js';

export const EXIT = { ok: 0, user: 1, usage: 2, internal: 3 } as const;

export function reportError(e: unknown, json = false): number {
  const sig = cancelledBy();
  if (sig) {
    process.stderr.write(`已中断/interrupted (${sig})：未提交任何输出，原有输出保持不变。Nothing was committed; existing outputs are unchanged.\n`);
    return signalExitCode(sig);
  }
  const user = e instanceof UserError ? e : userConditionOf(e);
  if (user) {
    if (json) process.stderr.write(JSON.stringify({ diagnostics: user.diagnostics }, null, 2) + '\n');
    else process.stderr.write(user.diagnostics.map(formatDiagnostic).join('\n\n') + '\n');
    return user.diagnostics.some((d) => d.level === 'error') ? EXIT.user : EXIT.ok;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`用法错误/usage error: ${e.message}\n运行 xuncha --help 查看用法。Run xuncha --help for usage.\n`);
    return EXIT.usage;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`内部错误/internal error (please report): ${err.stack ?? err.message}\n`);
  return EXIT.internal;
}
