/**
 * Reading filled working papers (SPEC §2.6) into one DuckDB table of text cells, one row per sheet row:
 * `(file_no, sheet_no, file, sheet, source_file, source_row, lead_id, status, result, reviewer, reviewed_on)`.
 *
 * What a team may have done to the file, and how it reads anyway:
 *  - re-saved by Excel, WPS or LibreOffice (shared strings, styles, other zip order), saved as .xls, or exported to
 *    CSV (UTF-8 or GBK): the ingest readers read every one (`openSource`), cells as the text an analyst sees, dates
 *    as YYYY-MM-DD;
 *  - sorted, filtered, rows hidden or deleted, columns reordered, hidden or added, a title row inserted above the
 *    header, the list split into several files or sheets: columns are found by their header text in any of the
 *    first HEADER_SCAN rows, rows are keyed by 线索编号, every sheet with a 线索编号 column is read;
 *  - a column deleted: the value stays what the database holds (an absent column is read as NULL = "no change").
 * Files that cannot be read at all (missing, encrypted, corrupt) and sheets that hold 核查 columns without a
 * 线索编号 column become diagnostics; the caller decides (import: nothing stored; rewrite: nothing overwritten).
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SourceSpec } from '../config/types.js';
import type { Db } from '../db/connection.js';
import { quoteIdent } from '../db/quote.js';
import { diag, type Diagnostic } from '../errors.js';
import { formatFromExtension, openSource, sniffFormat } from '../ingest/readers/index.js';
import { halfwidth } from '../normalize/halfwidth.js';

/** rows searched for the header row (teams insert title rows above it) */
export const HEADER_SCAN = 20;

export type PaperField = 'lead_id' | 'status' | 'result' | 'reviewer' | 'reviewed_on';
export const PAPER_FIELDS: readonly PaperField[] = ['lead_id', 'status', 'result', 'reviewer', 'reviewed_on'];

/** Header words of each working-paper column (compared after normalizeHeader). */
export const PAPER_HEADERS: Record<PaperField, string[]> = {
  lead_id: ['线索编号', 'lead_id', '线索id', '线索号'],
  status: ['核查状态', 'status', 'review_status'],
  result: ['核查结果', 'result', '核查情况', '核查结果说明'],
  reviewer: ['核查人', 'reviewer', '核查人员'],
  reviewed_on: ['核查日期', 'reviewed_on', '核查时间'],
};

/** Header text → comparable form: half-width, no spaces, no `*`, no trailing bracketed note, lower-case. */
export function normalizeHeader(s: string): string {
  return halfwidth(s)
    .replace(/[\s\u3000*]/g, '')
    .replace(/[(（][^()（）]*[)）]$/, '')
    .toLowerCase();
}

const HEADER_INDEX = new Map<string, PaperField>();
for (const f of PAPER_FIELDS) for (const h of PAPER_HEADERS[f]) HEADER_INDEX.set(normalizeHeader(h), f);

export const PAPER_TABLE_DDL = (t: string) => `create or replace temp table ${quoteIdent(t)} (
  file_no INTEGER, sheet_no INTEGER, file VARCHAR, sheet VARCHAR, source_file VARCHAR, source_row INTEGER,
  lead_id VARCHAR, status VARCHAR, result VARCHAR, reviewer VARCHAR, reviewed_on VARCHAR)`;

export interface SheetRead {
  file: string;
  sheet: string | null;
  /** data rows below the header (incl. blank ones) */
  rows: number;
  /** the paper columns found, field → 1-based column */
  columns: Partial<Record<PaperField, number>>;
  headerRow: number;
}

export interface ReadResult {
  sheets: SheetRead[];
  diagnostics: Diagnostic[];
}

/** `file[sheet]` as stored in reviews.source_file (SPEC §3.2 convention); a CSV is just the file. */
export function sourceLabel(file: string, sheet: string | null): string {
  return sheet == null ? file : `${file}[${sheet}]`;
}

function cfbHasStream(file: string, name: string): boolean {
  // stream names in a CFB directory are UTF-16LE
  const needle = Buffer.from(name, 'utf16le');
  return readFileSync(file).includes(needle);
}

function head(file: string, n = 8): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(n);
    const got = readSync(fd, b, 0, n, 0);
    return b.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

export function encryptedDiag(file: string): Diagnostic {
  return diag(
    'review.encrypted',
    `核查表 ${file} 设有打开密码（文件已加密），无法读取。请在 Excel 或 WPS 中打开，去掉密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存，再导入。`,
    `Working paper ${file} is password-protected (encrypted) and cannot be read. Open it in Excel or WPS, remove the password, save it and import again.`,
    { file },
  );
}

function unreadableDiag(file: string, detail: string): Diagnostic {
  return diag(
    'review.unreadable',
    `无法读取核查表 ${file}：文件已损坏、不完整或不是 xlsx/xls/csv 文件（${detail}）。请用 Excel 或 WPS 打开确认后另存为 xlsx，再导入。`,
    `Cannot read working paper ${file}: it is corrupt, truncated or not an xlsx/xls/csv file (${detail}). Open it in Excel or WPS, save it as .xlsx and import again.`,
    { file },
  );
}

function noLeadIdDiag(file: string, sheet: string | null, found: string[]): Diagnostic {
  if (!found.length) {
    return diag(
      'review.no_lead_id_column',
      `核查表 ${file} 中没有任何工作表有“线索编号”列（在每个工作表的前${HEADER_SCAN}行中找不到该表头），无法知道每行是哪条线索。请导入由 xuncha 生成的 leads.xlsx（或其副本），不要删除或改名“线索编号”列。`,
      `No sheet of working paper ${file} has a 线索编号 (lead_id) column in its first ${HEADER_SCAN} rows, so no row can be matched to a lead. Import the leads.xlsx xuncha wrote (or a copy of it) and keep its 线索编号 column.`,
      { file },
    );
  }
  return diag(
    'review.no_lead_id_column',
    `核查表 ${file}${sheet != null ? ` 的工作表「${sheet}」` : ''}有核查列（${found.join('、')}）但没有“线索编号”列，无法知道每行是哪条线索。请从 xuncha 生成的 leads.xlsx 复制回“线索编号”列（不要修改其中的值），再导入。`,
    `Working paper ${file}${sheet != null ? ` (sheet "${sheet}")` : ''} has review columns (${found.join(', ')}) but no 线索编号 (lead_id) column, so its rows cannot be matched to leads. Restore the 线索编号 column from the leads.xlsx xuncha wrote, then import again.`,
    { file, ...(sheet != null ? { sheet } : {}) },
  );
}

/** Sheet names of a workbook, or a diagnostic when the file cannot be opened as one. */
async function sheetNames(file: string, display: string, format: 'xlsx' | 'xls'): Promise<string[]> {
  if (format === 'xlsx') {
    const { listXlsxSheets } = await import('../ingest/readers/xlsx.js');
    return listXlsxSheets(file, display).sheets.map((s) => s.name);
  }
  const { runXlsWorker } = await import('../ingest/readers/xls.js');
  const r = await runXlsWorker(file, 1);
  if (!r.ok) throw new Error(String(r.message ?? r.code ?? 'unreadable'));
  return (r.sheets ?? []).map(String);
}

function isUserError(e: unknown): e is { diagnostics: Diagnostic[] } {
  return !!e && typeof e === 'object' && Array.isArray((e as { diagnostics?: unknown }).diagnostics);
}

/**
 * Reads every file into `table` (created here). `display(file)` is the name shown in messages and stored in
 * reviews.source_file. Problems are returned, never thrown, so one call reports every file's problems.
 */
export async function readWorkingPapers(db: Db, files: string[], table: string, display: (file: string) => string = (f) => f): Promise<ReadResult> {
  await db.run(PAPER_TABLE_DDL(table), undefined, 'create working-paper table');
  const out: ReadResult = { sheets: [], diagnostics: [] };
  for (let fileNo = 0; fileNo < files.length; fileNo++) {
    const abs = resolve(files[fileNo]);
    const shown = display(files[fileNo]);
    if (!existsSync(abs) || !statSync(abs).isFile()) {
      out.diagnostics.push(
        diag('review.file_not_found', `找不到核查表 ${shown}。请检查路径。`, `Working paper ${shown} not found. Check the path.`, { file: shown }),
      );
      continue;
    }
    if (statSync(abs).size === 0) {
      out.diagnostics.push(unreadableDiag(shown, 'empty file'));
      continue;
    }
    const bytes = head(abs);
    const sniffed = sniffFormat(bytes);
    let format = formatFromExtension(abs);
    if (format === 'xlsx' || format === 'xls') format = sniffed === 'xlsx' || sniffed === 'xls' ? sniffed : format;
    if (format === null) format = sniffed;
    // an encrypted OOXML file is a CFB container with an EncryptedPackage stream, whatever its extension says
    if (sniffed === 'xls' && (cfbHasStream(abs, 'EncryptedPackage') || cfbHasStream(abs, 'EncryptionInfo'))) {
      out.diagnostics.push(encryptedDiag(shown));
      continue;
    }
    if (format !== 'xlsx' && format !== 'xls' && format !== 'csv') {
      out.diagnostics.push(unreadableDiag(shown, `unsupported format ${format}`));
      continue;
    }
    let sheets: (string | null)[];
    try {
      sheets = format === 'csv' ? [null] : await sheetNames(abs, shown, format);
    } catch (e) {
      const msg = isUserError(e) ? e.diagnostics.map((d) => d.en).join(' ') : (e as Error).message;
      out.diagnostics.push(/password/i.test(msg) ? encryptedDiag(shown) : unreadableDiag(shown, msg.slice(0, 200)));
      continue;
    }
    let withIds = 0;
    const before = out.diagnostics.length;
    for (let sheetNo = 0; sheetNo < sheets.length; sheetNo++) {
      const sheet = sheets[sheetNo];
      try {
        const r = await readSheet(db, abs, shown, sheet, format, table, fileNo, sheetNo, out.diagnostics);
        if (r) {
          out.sheets.push(r);
          withIds++;
        }
      } catch (e) {
        if (isUserError(e)) {
          const d = e.diagnostics[0];
          if (d?.code === 'ingest.empty_file') continue; // an empty sheet holds nothing to import
          const msg = e.diagnostics.map((x) => x.en).join(' ');
          out.diagnostics.push(/password/i.test(msg) ? encryptedDiag(shown) : unreadableDiag(shown, msg.slice(0, 200)));
          break;
        }
        throw e;
      }
    }
    if (!withIds && out.diagnostics.length === before) out.diagnostics.push(noLeadIdDiag(shown, null, []));
  }
  return out;
}

async function readSheet(
  db: Db,
  abs: string,
  shown: string,
  sheet: string | null,
  format: 'xlsx' | 'xls' | 'csv',
  table: string,
  fileNo: number,
  sheetNo: number,
  diagnostics: Diagnostic[],
): Promise<SheetRead | null> {
  const spec: SourceSpec = { table: 'dibao', path: abs, displayPath: shown, encoding: 'auto', ...(sheet != null ? { sheet: format === 'xls' ? sheetNo + 1 : sheet } : {}) };
  const src = await openSource(spec);
  try {
    const preview = await src.preview(HEADER_SCAN);
    let headerRow = 0;
    let columns: Partial<Record<PaperField, number>> = {};
    const reviewHeaders: string[] = [];
    for (let i = 0; i < preview.length && !headerRow; i++) {
      const found: Partial<Record<PaperField, number>> = {};
      preview[i].forEach((cell, c) => {
        const f = HEADER_INDEX.get(normalizeHeader(cell ?? ''));
        if (f && found[f] === undefined) found[f] = c + 1;
        if (f && f !== 'lead_id' && !reviewHeaders.includes(cell)) reviewHeaders.push(cell);
      });
      if (found.lead_id) {
        headerRow = i + 1;
        columns = found;
      }
    }
    if (!headerRow) {
      // a sheet of the team's own (notes, a pivot) is not a working paper; one with 核查 columns and no ids is an error
      if (reviewHeaders.length) diagnostics.push(noLeadIdDiag(shown, sheet, reviewHeaders));
      return null;
    }
    const ncols = Math.max(...Object.values(columns).map(Number), preview[headerRow - 1].length, 1);
    const stage = `_x_paper_stage`;
    await db.run(`drop table if exists ${quoteIdent(stage)}`);
    const { rowsRead } = await src.load(db, { stageTable: stage, headerRow, ncols });
    const cell = (f: PaperField) => (columns[f] ? `nullif(trim(c${columns[f]}), '')` : 'NULL');
    await db.run(
      `insert into ${quoteIdent(table)}
       select $file_no::INTEGER, $sheet_no::INTEGER, $file::VARCHAR, $sheet::VARCHAR, $label::VARCHAR, _row, ${PAPER_FIELDS.map(cell).join(', ')} from ${quoteIdent(stage)}`,
      { file_no: fileNo, sheet_no: sheetNo, file: shown, sheet, label: sourceLabel(shown, sheet) },
      'stage working-paper rows',
    );
    await db.run(`drop table if exists ${quoteIdent(stage)}`);
    return { file: shown, sheet, rows: rowsRead - headerRow, columns, headerRow };
  } finally {
    await src.close();
  }
}
