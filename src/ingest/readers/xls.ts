/**
 * Legacy .xls reader (BIFF2–8, SpreadsheetML 2003, and the HTML tables many government systems save as ".xls").
 *
 * Why SheetJS, and why in a child process:
 *  - No other package on the npm registry reads BIFF8; exceljs cannot; DuckDB's excel extension is not available
 *    offline and reads only .xlsx anyway; LibreOffice (soffice --convert-to) would work but adds ~270 MB of system
 *    packages to an intranet install. So `xlsx` 0.18.5 it is — the version on npm, frozen since 2022.
 *  - 0.18.5 has two published advisories: prototype pollution when reading a crafted file (CVE-2023-30533, fixed
 *    in 0.19.3) and a ReDoS (CVE-2024-22363, fixed in 0.20.2). The fixed builds exist only on SheetJS's CDN, which
 *    an offline machine cannot reach; `@e965/xlsx` / `@lokalise/xlsx` 0.20.3 are third-party republishes we
 *    have not vetted (not installed: switching is a package.json decision, noted in the ingest README).
 *  - So SheetJS runs ONLY for .xls/HTML-xls (never for .xlsx, which exceljs reads), ONLY in a short-lived child
 *    process (xls-worker.cjs) that gets the path and returns plain JSON: a polluted Object.prototype dies with
 *    the child and cannot reach the main process; the parent parses the JSON and turns every cell into a string
 *    itself. The child runs with --frozen-intrinsics (Object.prototype cannot be polluted even inside it) and
 *    --disallow-code-generation-from-strings. A wall-clock timeout kills the child (ReDoS), a heap cap bounds memory, and files above
 *    engine.max_xls_mb (default 100 MB) are refused (BIFF8 holds at most 65,536 rows, so real .xls exports are small).
 * HTML-disguised .xls is decoded in the child as UTF-8 when valid, else by its <meta charset>, else GB18030, and
 * read with raw:true so ID numbers stay text. Tab-separated text saved as ".xls" goes to the CSV reader instead.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceSpec } from '../../config/types.js';
import { InternalError } from '../../errors.js';
import { excelSerialToDate, formatDate, formatNumber, type MergeRange } from './cell-format.js';
import { badWorkbook, emptyFile, fileTooLarge, sheetNotFound } from './diagnostics.js';
import { RowSpool, SpooledSource, type SpoolResult } from './spooled.js';
import { makeTempDir, removeQuietly } from './stage.js';
import { trackChild } from '../../lifecycle.js';
import { DEFAULT_LIMITS, type ReaderLimits } from './limits.js';

export const XLS_TIMEOUT_MS = 120_000;
const WORKER = fileURLToPath(new URL('./xls-worker.cjs', import.meta.url));
/** heap cap; built-in prototypes frozen (a prototype-pollution write fails instead of spreading); no eval */
const WORKER_FLAGS = ['--max-old-space-size=2048', '--frozen-intrinsics', '--disallow-code-generation-from-strings', '--no-warnings'];

type WorkerCell = null | string | number | boolean | { d: number } | { e: string } | { iso: string };
interface WorkerResult {
  ok: boolean;
  code?: string;
  message?: string;
  sheets?: string[];
  sheet?: string;
  date1904?: boolean;
  encoding?: string | null;
  rows?: WorkerCell[][];
  merges?: MergeRange[];
}

function cellText(v: WorkerCell, date1904: boolean): string {
  if (v === null || v === undefined) return '';
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return formatNumber(v);
    case 'boolean':
      return v ? 'TRUE' : 'FALSE';
    case 'object':
      if ('d' in v && typeof v.d === 'number') return formatDate(excelSerialToDate(v.d, date1904));
      if ('e' in v) return String(v.e);
      if ('iso' in v) return formatDate(new Date(String(v.iso)));
      return '';
    default:
      return '';
  }
}

export async function runXlsWorker(file: string, sheet: string | number | undefined, timeoutMs = XLS_TIMEOUT_MS): Promise<WorkerResult> {
  const dir = makeTempDir();
  const out = path.join(dir, 'out.json');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [...WORKER_FLAGS, WORKER, file, JSON.stringify(sheet ?? null), out], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { PATH: process.env.PATH ?? '', TZ: 'UTC' },
      });
      const untrack = trackChild(child);
      child.on('exit', untrack);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < 4000) stderr += d.toString();
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`timed out after ${timeoutMs / 1000}s`));
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`xls reader exited with ${signal ?? code}${stderr ? ': ' + stderr.split('\n').slice(0, 3).join(' ') : ''}`));
      });
    });
    const parsed = JSON.parse(fs.readFileSync(out, 'utf8')) as WorkerResult;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.ok !== 'boolean') throw new InternalError('xls worker returned no result');
    return parsed;
  } finally {
    removeQuietly(dir);
  }
}

export class XlsSource extends SpooledSource {
  readonly format = 'xls' as const;
  protected readonly errorPrefix = 'xls';

  private constructor(
    readonly spec: SourceSpec,
    private result: WorkerResult,
  ) {
    super();
    this.sheet = result.sheet ?? null;
    this.encoding = null;
    this.sheetNames = Array.isArray(result.sheets) ? result.sheets.map(String) : undefined;
  }

  static async open(spec: SourceSpec, limits: ReaderLimits = DEFAULT_LIMITS): Promise<XlsSource> {
    const size = fs.statSync(spec.path).size;
    const head = Buffer.alloc(8);
    const fd = fs.openSync(spec.path, 'r');
    try {
      fs.readSync(fd, head, 0, 8, 0);
    } finally {
      fs.closeSync(fd);
    }
    const ole = head.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    const limit = ole ? limits.maxXlsBytes : limits.maxHtmlXlsBytes;
    if (size > limit) throw fileTooLarge(spec.displayPath, Math.round(limit / 1024 / 1024), ole ? 'engine.max_xls_mb' : 'engine.max_html_xls_mb');
    let r: WorkerResult;
    try {
      r = await runXlsWorker(spec.path, spec.sheet);
    } catch (e) {
      throw badWorkbook(spec.displayPath, 'ingest.bad_xls', (e as Error).message);
    }
    if (!r.ok) {
      if (r.code === 'sheet_not_found') throw sheetNotFound(spec.displayPath, spec.sheet ?? 1, (r.sheets ?? []).map(String));
      throw badWorkbook(spec.displayPath, 'ingest.bad_xls', String(r.message ?? 'unreadable'));
    }
    if (!Array.isArray(r.rows)) throw badWorkbook(spec.displayPath, 'ingest.bad_xls', 'no rows');
    const src = new XlsSource(spec, r);
    src.limits = limits;
    return src;
  }

  protected emptyError(): Error {
    return emptyFile(this.spec.displayPath, this.sheet ?? undefined);
  }

  protected async spool(spool: RowSpool): Promise<SpoolResult> {
    const r = this.result;
    const date1904 = !!r.date1904;
    const rows = r.rows ?? [];
    for (let i = 0; i < rows.length; i++) {
      const src = Array.isArray(rows[i]) ? rows[i] : [];
      const wait = spool.row(
        i + 1,
        src.map((c) => cellText(c, date1904)),
      );
      if (wait) await wait;
    }
    const merges = (r.merges ?? [])
      .filter((m) => m && [m.r1, m.c1, m.r2, m.c2].every((x) => Number.isInteger(x) && x > 0))
      .map((m) => ({ r1: m.r1, c1: m.c1, r2: m.r2, c2: m.c2 }));
    this.result = { ok: true, sheet: r.sheet };
    return { merges };
  }
}
