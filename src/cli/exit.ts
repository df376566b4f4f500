/**
 * The one place errors become exit codes (SPEC §2.1): 0 ok; 1 input/pipeline wrong (UserError: diagnostics,
 * no stack); 2 bad command-line usage; 3 internal error (stack allowed).
 */
import { UsageError, UserError, formatDiagnostic } from '../errors.js';

export const EXIT = { ok: 0, user: 1, usage: 2, internal: 3 } as const;

export function reportError(e: unknown, json = false): number {
  if (e instanceof UserError) {
    if (json) process.stderr.write(JSON.stringify({ diagnostics: e.diagnostics }, null, 2) + '\n');
    else process.stderr.write(e.diagnostics.map(formatDiagnostic).join('\n\n') + '\n');
    return e.diagnostics.some((d) => d.level === 'error') ? EXIT.user : EXIT.ok;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`用法错误/usage error: ${e.message}\n运行 xuncha --help 查看用法。Run xuncha --help for usage.\n`);
    return EXIT.usage;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`内部错误/internal error (please report): ${err.stack ?? err.message}\n`);
  return EXIT.internal;
}
