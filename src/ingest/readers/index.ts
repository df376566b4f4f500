/**
 * openSource(spec): pick the reader by extension (or by content for unknown extensions) and open the file.
 * Formats: CSV/TSV/TXT (UTF-8, GBK/GB18030), XLSX (exceljs streaming), XLS/HTML-xls (SheetJS in a child process),
 * Parquet (DuckDB), Arrow IPC (apache-arrow).
 */
import fs from 'node:fs';
import type { SourceSpec } from '../../config/types.js';
import { CsvSource } from './csv.js';
import { emptyFile, fileNotFound } from './diagnostics.js';
import type { OpenedSource, SourceFormat } from './types.js';
import { DEFAULT_LIMITS, type ReaderLimits } from './limits.js';

export type { OpenedSource, LoadOptions, SourceFormat } from './types.js';
export { DEFAULT_LIMITS, limitsFromEngine, type ReaderLimits } from './limits.js';

export function formatFromExtension(file: string): SourceFormat | null {
  const m = /\.([A-Za-z0-9]+)$/.exec(file);
  const ext = m ? m[1].toLowerCase() : '';
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return 'csv';
  if (ext === 'xlsx' || ext === 'xlsm') return 'xlsx';
  if (ext === 'xls' || ext === 'et') return 'xls';
  if (ext === 'parquet') return 'parquet';
  if (ext === 'arrow' || ext === 'feather' || ext === 'ipc' || ext === 'arrows') return 'arrow';
  return null;
}

/** Format from the first bytes: zip → xlsx, OLE2 → xls, PAR1 → parquet, ARROW1 → arrow, else text. */
export function sniffFormat(head: Buffer): SourceFormat {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return 'xls';
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  if (head.subarray(0, 6).toString('latin1') === 'ARROW1') return 'arrow';
  return 'csv';
}

function looksLikeMarkup(head: Buffer): boolean {
  let s = head.toString('latin1');
  if (s.startsWith('\xef\xbb\xbf')) s = s.slice(3);
  else if (s.startsWith('\xff\xfe')) s = Buffer.from(head.subarray(2)).toString('utf16le');
  return /^\s*</.test(s);
}

/** limits: bounds on hostile files (limits.ts; the pipeline's engine: block), DEFAULT_LIMITS when not given */
export async function openSource(spec: SourceSpec, limits: ReaderLimits = DEFAULT_LIMITS): Promise<OpenedSource> {
  let st: fs.Stats;
  try {
    st = fs.statSync(spec.path);
  } catch {
    throw fileNotFound(spec.displayPath);
  }
  if (!st.isFile()) throw fileNotFound(spec.displayPath);
  if (st.size === 0) throw emptyFile(spec.displayPath);
  const head = Buffer.alloc(Math.min(512, st.size));
  const fd = fs.openSync(spec.path, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  let format = formatFromExtension(spec.path) ?? sniffFormat(head);
  // a ".xls" that is really a zip (xlsx renamed) or an ".xlsx" that is OLE: trust the bytes
  const sniffed = sniffFormat(head);
  if (format === 'xls' || format === 'xlsx') {
    if (sniffed === 'xlsx' || sniffed === 'xls') format = sniffed;
    // many systems save HTML tables or tab-separated text as ".xls"
    else format = looksLikeMarkup(head) ? 'xls' : 'csv';
  }
  switch (format) {
    case 'csv':
      return CsvSource.open(spec, limits);
    default:
      return openOther(format, spec, limits);
  }
}

async function openOther(format: SourceFormat, spec: SourceSpec, limits: ReaderLimits): Promise<OpenedSource> {
  switch (format) {
    case 'xlsx': {
      const { XlsxSource, listXlsxSheets } = await import('./xlsx.js');
      const opened: OpenedSource = await XlsxSource.open(spec, limits);
      // the sheet list (workbook.xml through the zip directory: cheap) for sheet choice and `sheet: all`
      opened.sheetNames = listXlsxSheets(spec.path, spec.displayPath, limits)
        .sheets.filter((s) => !s.hidden)
        .map((s) => s.name);
      return opened;
    }
    case 'xls': {
      const { XlsSource } = await import('./xls.js');
      return XlsSource.open(spec, limits);
    }
    case 'parquet': {
      const { ParquetSource } = await import('./parquet.js');
      return ParquetSource.open(spec);
    }
    case 'arrow': {
      const { ArrowSource } = await import('./arrow.js');
      return ArrowSource.open(spec);
    }
    default:
      return CsvSource.open(spec, limits);
  }
}
