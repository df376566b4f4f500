/**
 * Conditions of the machine, not bugs: disk full, read-only disk, no permission, a file held open by another
 * program, DuckDB out of memory. They are the user's to fix, so they become UserErrors (exit 1) with a message
 * saying what to do, never "internal error, please report" with a stack trace.
 */
import { UserError, diag, type DiagnosticLocation } from './errors.js';

interface Classified {
  code: string;
  zh: string;
  en: string;
  hint?: string;
}

const NODE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EBUSY', 'EMFILE', 'ENFILE']);

function engineMessage(e: unknown): string {
  const x = e as { engineMessage?: unknown; message?: unknown };
  if (typeof x?.engineMessage === 'string') return x.engineMessage;
  return typeof x?.message === 'string' ? x.message : '';
}

/** The path a failure is about: Node's `path`, else a quoted path in DuckDB's message. */
function pathOf(e: unknown, msg: string): string | undefined {
  const p = (e as { path?: unknown })?.path;
  if (typeof p === 'string') return p;
  const m = /(?:file|directory|path)\s+"([^"]+)"/i.exec(msg) ?? /"(\/[^"]+|[A-Za-z]:\\[^"]+)"/.exec(msg);
  return m?.[1];
}

function classify(e: unknown): Classified | undefined {
  const code = (e as NodeJS.ErrnoException)?.code;
  const msg = engineMessage(e);
  const where = pathOf(e, msg);
  const at = where ? `（${where}）` : '';
  const atEn = where ? ` (${where})` : '';
  const kind =
    code && NODE_CODES.has(code)
      ? code
      : /No space left on device|not enough space|disk is full|Disk quota exceeded/i.test(msg)
        ? 'ENOSPC'
        : /Read-only file system/i.test(msg)
          ? 'EROFS'
          : /Permission denied|Access is denied/i.test(msg)
            ? 'EACCES'
            : /Out of Memory Error|failed to allocate|could not allocate/i.test(msg)
              ? 'OOM'
              : /Too many open files/i.test(msg)
                ? 'EMFILE'
                : undefined;
  switch (kind) {
    case 'ENOSPC':
    case 'EDQUOT':
      return {
        code: 'env.disk_full',
        zh: `磁盘空间不足${at}。请清理磁盘，或把输出目录（--out）放到空间更大的磁盘上；大数据量时 DuckDB 的临时文件也需要空间（engine.temp_directory）。原有输出未被改动。`,
        en: `The disk is full${atEn}. Free some space, or put the output folder (--out) on a larger disk; with big data DuckDB's temp files need room too (engine.temp_directory). Existing outputs were not changed.`,
      };
    case 'EROFS':
      return {
        code: 'env.read_only',
        zh: `无法写入：磁盘是只读的${at}。请换一个可写的输出目录（--out）。`,
        en: `Cannot write: the disk is read-only${atEn}. Choose a writable output folder (--out).`,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        code: 'env.permission_denied',
        zh: `没有权限${at}。请换一个你有写权限的输出目录（--out），或请管理员开放该目录的权限。`,
        en: `Permission denied${atEn}. Choose an output folder you may write to (--out), or ask an administrator for access.`,
      };
    case 'EBUSY':
      return {
        code: 'env.file_busy',
        zh: `文件正被其他程序占用${at}（例如在 Excel 或 WPS 中打开）。请关闭它后重试。原有输出未被改动。`,
        en: `The file is in use by another program${atEn} (open in Excel or WPS?). Close it and retry. Existing outputs were not changed.`,
      };
    case 'EMFILE':
    case 'ENFILE':
      return {
        code: 'env.too_many_files',
        zh: `打开的文件太多。请关闭其他程序后重试，或减少一次运行的数据文件数。`,
        en: `Too many open files. Close other programs and retry, or give one run fewer data files.`,
      };
    case 'OOM':
      return {
        code: 'env.out_of_memory',
        zh: `DuckDB 内存不足：${msg.split('\n')[0].slice(0, 200)}。请提高内存上限（--memory-limit 6GB 或流水线 engine.memory_limit），或减少线程（--threads 1），并确保临时目录有足够磁盘空间（engine.temp_directory）。原有输出未被改动。`,
        en: `DuckDB ran out of memory: ${msg.split('\n')[0].slice(0, 200)}. Raise the limit (--memory-limit 6GB or engine.memory_limit in the pipeline), or use fewer threads (--threads 1), and make sure the temp folder has disk space (engine.temp_directory). Existing outputs were not changed.`,
      };
    default:
      return undefined;
  }
}

/** The UserError for a machine condition, or undefined when `e` is something else (a bug). */
export function userConditionOf(e: unknown, at?: DiagnosticLocation): UserError | undefined {
  if (e instanceof UserError) return e;
  const c = classify(e);
  if (!c) return undefined;
  return new UserError(diag(c.code, c.zh, c.en, at, c.hint));
}
