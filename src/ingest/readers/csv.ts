/**
 * CSV/TSV/TXT reader.
 *
 * Fast path: DuckDB read_csv on the UTF-8 bytes (the original file, or a GB18030→UTF-8 temp copy), header=false,
 * all VARCHAR, explicit delimiter/quote/columns (DuckDB's sniffer is never trusted: it promotes title rows to
 * headers, collapses ragged files and reads IDs as numbers). DuckDB drops empty lines, so a cheap JS pre-scan
 * (csv-parse.ts) records where the blank rows are and `_row` is rebuilt with an ASOF join; the scan's record count
 * must match what DuckDB read, otherwise the file goes to the JS loader.
 *
 * JS loader: files with quoting anomalies, stray quotes, mixed or CR-only line endings, or invalid UTF-8 are
 * tokenized in JS (same semantics as the scan) into a normalized temp CSV that DuckDB then reads — slower, but
 * every row keeps its number and broken rows are flagged (`csv.bad_quoting`) instead of shifting the table.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SourceSpec } from '../../config/types.js';
import type { Db } from '../../db/connection.js';
import { quoteIdent, quoteLiteral } from '../../db/quote.js';
import { chooseEncoding, decodeBuffer, gb18030Implausible, readHead, transcodeToUtf8, type TextEncoding } from '../decode.js';
import { CsvScanner, CsvTokenizer, type ScanResult } from './csv-parse.js';
import { badEncoding, emptyFile } from './diagnostics.js';
import { throttle } from './progress.js';
import { createStage, colsStruct, fieldNames, makeTempDir, NormalizedCsvWriter, readNormalized, removeQuietly } from './stage.js';
import type { LoadOptions, OpenedSource } from './types.js';

const PREVIEW_HEAD = 256 * 1024;
const QUOTE = 0x22;

export interface CsvLoadStats {
  path: 'duckdb' | 'js';
  reason?: string;
}

export class CsvSource implements OpenedSource {
  readonly format = 'csv' as const;
  encoding: TextEncoding;
  readonly sheet = null;
  delimiter: string;
  /** how the last load() ran (for tests and logs) */
  lastLoad: CsvLoadStats | null = null;
  private tmpDir: string | null = null;

  constructor(
    readonly spec: SourceSpec,
    encoding: TextEncoding,
    delimiter: string,
  ) {
    this.encoding = encoding;
    this.delimiter = delimiter;
  }

  static async open(spec: SourceSpec): Promise<CsvSource> {
    const choice = chooseEncoding(spec.path, spec.encoding, spec.displayPath);
    const size = fs.statSync(spec.path).size;
    const head = readHead(spec.path, PREVIEW_HEAD);
    const text = headText(head, head.length >= size, choice.encoding);
    const delimiter = sniffDelimiter(text, spec.path);
    return new CsvSource(spec, choice.encoding, delimiter);
  }

  async preview(n: number): Promise<string[][]> {
    const size = fs.statSync(this.spec.path).size;
    let bytes = PREVIEW_HEAD;
    for (;;) {
      const head = readHead(this.spec.path, bytes);
      const complete = head.length >= size;
      const text = headText(head, complete, this.encoding);
      const buf = Buffer.from(text, 'utf8');
      const tok = new CsvTokenizer(this.delimiter.charCodeAt(0), QUOTE, true);
      const rows: string[][] = [];
      let pos = 0;
      while (rows.length < n && tok.next(buf, pos, complete)) {
        if (tok.blank) rows.push([]);
        else if (tok.badQuoting && tok.fields.length === 0) rows.push([buf.toString('utf8', tok.start, tok.contentEnd)]);
        else rows.push(tok.fields);
        pos = tok.end;
      }
      if (rows.length >= n || complete || bytes >= 64 << 20) return rows;
      bytes *= 4;
    }
  }

  async load(db: Db, opts: LoadOptions): Promise<{ rowsRead: number }> {
    const progress = throttle(opts.onProgress);
    const delim = this.delimiter.charCodeAt(0);
    this.tmpDir = makeTempDir();
    try {
      let utf8Path = this.spec.path;
      let scan: ScanResult;
      if (this.encoding === 'gb18030') {
        ({ utf8Path, scan } = await this.transcode(delim, progress));
      } else {
        const scanner = new CsvScanner(delim, QUOTE, false, true, true);
        for await (const chunk of fs.createReadStream(utf8Path, { highWaterMark: 1 << 20 })) {
          scanner.feed(chunk as Buffer);
          progress.tick(scanner.r.records, scanner.r.bytes);
        }
        scan = scanner.finish();
        if (scan.invalidUtf8 && this.encoding === 'utf-8' && this.spec.encoding === 'auto') {
          // an ASCII head followed by GBK text further down: the file is GB18030
          const why = gb18030Implausible(fs.readFileSync(this.spec.path).subarray(0, 1 << 20), false);
          if (why) throw badEncoding(this.spec.displayPath, why.en, why.zh);
          this.encoding = 'gb18030';
          ({ utf8Path, scan } = await this.transcode(delim, progress));
        }
      }
      if (scan.records === 0) throw emptyFile(this.spec.displayPath);
      const nonBlank = scan.records - scan.blankRecords.length;
      if (nonBlank === 0) throw emptyFile(this.spec.displayPath);

      const reason = jsReason(scan);
      if (!reason) {
        const ok = await this.loadDuckdb(db, utf8Path, scan, opts);
        if (ok) {
          this.lastLoad = { path: 'duckdb' };
          progress.done(scan.records, scan.bytes);
          return { rowsRead: scan.records };
        }
        this.lastLoad = { path: 'js', reason: 'duckdb row count differs from the scan' };
      } else {
        this.lastLoad = { path: 'js', reason };
      }
      const records = await this.loadJs(db, utf8Path, opts, progress);
      progress.done(records, scan.bytes);
      return { rowsRead: records };
    } finally {
      removeQuietly(this.tmpDir);
      this.tmpDir = null;
    }
  }

  private async transcode(delim: number, progress: ReturnType<typeof throttle>): Promise<{ utf8Path: string; scan: ScanResult }> {
    const utf8Path = path.join(this.tmpDir!, 'utf8.csv');
    const scanner = new CsvScanner(delim, QUOTE, false, false, true);
    let bytes = 0;
    const { replacements } = await transcodeToUtf8(this.spec.path, utf8Path, (chunk, bytesIn) => {
      bytes = bytesIn;
      scanner.feed(chunk);
      progress.tick(scanner.r.records, bytesIn);
    });
    // a few undecodable bytes (a truncated character) stay as U+FFFD in their cell; many mean a wrong guess
    if (replacements > Math.max(16, bytes / 2000)) {
      throw badEncoding(
        this.spec.displayPath,
        `${replacements} byte sequences are invalid in GB18030 further into the file`,
        `文件后部有 ${replacements} 处字节不是合法的 GBK/GB18030`,
      );
    }
    return { utf8Path, scan: scanner.finish() };
  }

  /** Returns false when DuckDB's reading disagrees with the scan (the caller then uses the JS loader). */
  private async loadDuckdb(db: Db, file: string, scan: ScanResult, opts: LoadOptions): Promise<boolean> {
    const width = Math.max(scan.maxFields, 1);
    const raw = `_x_csv_raw_${process.pid}_${Date.now()}`;
    const names = fieldNames(width);
    try {
      await db.run(
        `create or replace temp table ${quoteIdent(raw)} as select * from read_csv(${quoteLiteral(file)}, header=false, auto_detect=false, ` +
          `delim=${quoteLiteral(this.delimiter)}, quote='"', escape='"', new_line=${quoteLiteral(scan.crlf > 0 ? '\\r\\n' : '\\n')}, ` +
          `columns=${colsStruct(names)}, null_padding=true, parallel=${scan.multiline ? 'false' : 'true'}, ` +
          `max_line_size=${maxLineSize(scan.maxRecordBytes)}, encoding='utf-8')`,
        undefined,
        'read_csv',
      );
    } catch {
      await db.run(`drop table if exists ${quoteIdent(raw)}`);
      return false;
    }
    const nonBlank = scan.records - scan.blankRecords.length;
    const n = Number(await db.scalar(`select count(*) from ${quoteIdent(raw)}`));
    if (n !== nonBlank) {
      await db.run(`drop table if exists ${quoteIdent(raw)}`);
      return false;
    }
    const fl = names.join(', ');
    let src: string;
    const th = `_x_csv_th_${process.pid}_${Date.now()}`;
    if (scan.blankRecords.length === 0) {
      src = `(select (rowid + 1)::integer as _row, null::varchar as _error, null::varchar as _raw, ${fl} from ${quoteIdent(raw)})`;
    } else {
      // record k (1-based among non-blank rows) is row k + (number of blank rows before it): threshold t_j = b_j - j + 1
      const thresholds = new Map<number, number>();
      scan.blankRecords.forEach((b, idx) => thresholds.set(b - idx, idx + 1));
      const ts = [...thresholds.keys()].join(',');
      const js = [...thresholds.values()].join(',');
      await db.run(
        `create or replace temp table ${quoteIdent(th)} as select unnest(string_split(${quoteLiteral(ts)}, ','))::bigint as t, unnest(string_split(${quoteLiteral(js)}, ','))::bigint as j`,
      );
      const blanks = scan.blankRecords.join(',');
      const nullCells = names.map((f) => `null::varchar as ${f}`).join(', ');
      src =
        `(select (r.k + coalesce(th.j, 0))::integer as _row, null::varchar as _error, null::varchar as _raw, ${names.map((f) => 'r.' + f).join(', ')} ` +
        `from (select rowid + 1 as k, * from ${quoteIdent(raw)}) r asof left join ${quoteIdent(th)} th on r.k >= th.t ` +
        `union all select unnest(string_split(${quoteLiteral(blanks)}, ','))::integer as _row, null::varchar, null::varchar, ${nullCells})`;
    }
    try {
      await createStage(db, {
        src,
        width,
        stageTable: opts.stageTable,
        headerRow: opts.headerRow,
        ncols: opts.ncols,
        prefix: 'csv',
        rawDelim: this.delimiter,
        orderBy: scan.blankRecords.length > 0,
      });
    } finally {
      await db.run(`drop table if exists ${quoteIdent(raw)}; drop table if exists ${quoteIdent(th)}`);
    }
    return true;
  }

  private async loadJs(db: Db, file: string, opts: LoadOptions, progress: ReturnType<typeof throttle>): Promise<number> {
    const norm = path.join(this.tmpDir!, 'norm.csv');
    const writer = new NormalizedCsvWriter(norm);
    const tok = new CsvTokenizer(this.delimiter.charCodeAt(0), QUOTE, true);
    const ncols = opts.ncols;
    let records = 0;
    let bytes = 0;
    let carry: Buffer | null = null;
    let first = true;
    const emit = async (buf: Buffer, final: boolean): Promise<number> => {
      let pos = 0;
      while (tok.next(buf, pos, final)) {
        records++;
        pos = tok.end;
        if (records <= opts.headerRow) continue;
        if (tok.blank) {
          const w = writer.write(records, null, null, []);
          if (w) await w;
          continue;
        }
        let error: string | null = null;
        let raw: string | null = null;
        if (tok.badQuoting) {
          error = 'csv.bad_quoting';
          raw = buf.toString('utf8', tok.start, tok.contentEnd);
        } else if (tok.fields.length > ncols) {
          for (let k = ncols; k < tok.fields.length; k++) {
            if (tok.fields[k] !== '') {
              error = 'csv.too_many_fields';
              raw = buf.toString('utf8', tok.start, tok.contentEnd);
              break;
            }
          }
        }
        const w = writer.write(records, error, raw, tok.fields);
        if (w) await w;
      }
      return pos;
    };
    for await (const c of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
      let chunk = c as Buffer;
      bytes += chunk.length;
      if (first) {
        first = false;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      }
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      const pos = await emit(buf, false);
      carry = pos < buf.length ? Buffer.from(buf.subarray(pos)) : null;
      progress.tick(records, bytes);
    }
    if (carry) await emit(carry, true);
    await writer.close();
    const tmp = `_x_csv_norm_${process.pid}_${Date.now()}`;
    try {
      await readNormalized(db, norm, writer.width, tmp, writer.maxLine);
      await createStage(db, {
        src: quoteIdent(tmp),
        width: writer.width,
        stageTable: opts.stageTable,
        headerRow: opts.headerRow,
        ncols: opts.ncols,
        prefix: 'csv',
        rawDelim: this.delimiter,
      });
    } finally {
      await db.run(`drop table if exists ${quoteIdent(tmp)}`);
    }
    return records;
  }

  async close(): Promise<void> {
    removeQuietly(this.tmpDir);
  }
}

/** DuckDB's default max_line_size is 2 MB; a bigger limit costs buffer memory, so raise it only when needed. */
export function maxLineSize(longest: number): number {
  return Math.max(2097152, Math.ceil((longest + 1024) * 1.25));
}

function jsReason(s: ScanResult): string | null {
  if (s.badQuoting) return 'broken quoting';
  if (s.stray) return 'quote character inside an unquoted field';
  if (s.invalidUtf8) return 'invalid UTF-8';
  if (s.cr > 0) return 'CR line endings';
  if (s.lf > 0 && s.crlf > 0) return 'mixed line endings';
  return null;
}

/** Decoded head, cut after the last complete line unless the whole file is in it. */
function headText(head: Buffer, complete: boolean, encoding: TextEncoding): string {
  let buf = head;
  if (!complete) {
    const lf = buf.lastIndexOf(0x0a);
    if (lf > 0) buf = buf.subarray(0, lf + 1);
  }
  return decodeBuffer(buf, encoding);
}

/**
 * Delimiter = the candidate whose most common field count (above 1) covers the most of the first 100 records;
 * title rows (one field) do not vote. Ties go to the earlier candidate: , then tab then ; then |.
 */
export function sniffDelimiter(text: string, file: string): string {
  if (/\.tsv$/i.test(file)) return '\t';
  const sample = Buffer.from(text.length > 65536 ? text.slice(0, text.lastIndexOf('\n', 65536) + 1 || 65536) : text, 'utf8');
  let best = ',';
  let bestScore = 0;
  for (const d of [',', '\t', ';', '|']) {
    const tok = new CsvTokenizer(d.charCodeAt(0), QUOTE, false);
    const freq = new Map<number, number>();
    let pos = 0;
    let seen = 0;
    while (seen < 100 && tok.next(sample, pos, true)) {
      pos = tok.end;
      if (tok.blank) continue;
      seen++;
      if (tok.nfields > 1) freq.set(tok.nfields, (freq.get(tok.nfields) ?? 0) + 1);
    }
    let score = 0;
    for (const v of freq.values()) score = Math.max(score, v);
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}
