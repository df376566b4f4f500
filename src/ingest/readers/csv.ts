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
import { chooseEncoding, decodeBuffer, gb18030Implausible, readHead, transcodeChunks, type TextEncoding } from '../decode.js';
import { CsvScanner, CsvTokenizer, type ScanResult } from './csv-parse.js';
import { badEncoding, emptyFile } from './diagnostics.js';
import { throttle } from './progress.js';
import { createStage, colsStruct, fieldNames, makeTempDir, NormalizedCsvWriter, readNormalized, removeQuietly } from './stage.js';
import type { LoadOptions, OpenedSource } from './types.js';
import { DEFAULT_LIMITS, type ReaderLimits } from './limits.js';

const PREVIEW_HEAD = 256 * 1024;
const QUOTE = 0x22;

export interface CsvLoadStats {
  path: 'duckdb' | 'js';
  reason?: string;
  /** the DuckDB read made while scanning/transcoding was kept */
  overlapped?: boolean;
  /** UTF-8 temp parts of a GB18030 file */
  parts?: number;
}

export class CsvSource implements OpenedSource {
  /** size of the UTF-8 parts a GB18030 file is transcoded into (DuckDB loads one while the next is written) */
  static PART_BYTES = 16 << 20;
  readonly format = 'csv' as const;
  encoding: TextEncoding;
  readonly sheet = null;
  delimiter: string;
  /** how the last load() ran (for tests and logs) */
  lastLoad: CsvLoadStats | null = null;
  private tmpDir: string | null = null;
  /** bounds on hostile files (limits.ts) */
  limits: ReaderLimits = DEFAULT_LIMITS;

  constructor(
    readonly spec: SourceSpec,
    encoding: TextEncoding,
    delimiter: string,
  ) {
    this.encoding = encoding;
    this.delimiter = delimiter;
  }

  static async open(spec: SourceSpec, limits: ReaderLimits = DEFAULT_LIMITS): Promise<CsvSource> {
    const choice = chooseEncoding(spec.path, spec.encoding, spec.displayPath);
    const size = fs.statSync(spec.path).size;
    const head = readHead(spec.path, PREVIEW_HEAD);
    const text = headText(head, head.length >= size, choice.encoding);
    const delimiter = sniffDelimiter(text, spec.path);
    const src = new CsvSource(spec, choice.encoding, delimiter);
    src.limits = limits;
    return src;
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
      let files = [this.spec.path];
      let scan: ScanResult;
      // DuckDB reads while JS works (DuckDB runs on its own threads): a UTF-8 file is read whole while the JS
      // scan runs; a GB18030 file is transcoded into parts that DuckDB loads one after another while the next
      // part is transcoded. The read is kept only if the scan confirms the guessed width, line ending and quoting.
      let speculative: Promise<RawRead | null> | null = null;
      const guess = this.guessShape(Math.max(opts.ncols, 1));
      guess.width = Math.min(guess.width, Math.max(this.limits.maxColumns, opts.ncols, 1));
      if (this.encoding === 'gb18030') {
        ({ files, scan, speculative } = await this.transcode(db, opts, delim, guess, progress));
      } else {
        speculative = this.readRaw(db, opts.stageTable, files, guess.width, guess.newline, true).catch(() => null);
        // fields are not counted on plain lines: DuckDB's strict read refuses a row wider than the guessed width
        const scanner = new CsvScanner(delim, QUOTE, false, true, true, false);
        for await (const chunk of fs.createReadStream(files[0], { highWaterMark: 1 << 20 })) {
          scanner.feed(chunk as Buffer);
          progress.tick(scanner.r.records, scanner.r.bytes);
        }
        scan = scanner.finish();
        if (scan.invalidUtf8 && this.encoding === 'utf-8' && this.spec.encoding === 'auto') {
          // an ASCII head followed by GBK text further down: the file is GB18030
          await this.dropRaw(db, await speculative);
          speculative = null;
          const why = gb18030Implausible(fs.readFileSync(this.spec.path).subarray(0, 1 << 20), false);
          if (why) throw badEncoding(this.spec.displayPath, why.en, why.zh);
          this.encoding = 'gb18030';
          ({ files, scan, speculative } = await this.transcode(db, opts, delim, guess, progress));
        }
      }
      if (scan.records === 0) throw emptyFile(this.spec.displayPath);
      const nonBlank = scan.records - scan.blankRecords.length;
      if (nonBlank === 0) throw emptyFile(this.spec.displayPath);

      const reason = jsReason(scan);
      let raw = speculative ? await speculative : null;
      if (raw && (reason || raw.width < scan.maxFields || raw.newline !== newlineOf(scan))) {
        await this.dropRaw(db, raw);
        raw = null;
      }
      const overlapped = !!raw;
      if (!reason) {
        if (!raw) {
          // the speculative read failed or guessed wrong: the width now has to come from a counting scan
          if (!scan.fieldsCounted) scan.maxFields = Math.max(scan.maxFields, await countMaxFields(files, delim));
          // a row far wider than the header (220,000 fields on one line) must not become a table that wide: the
          // JS loader keeps only the header's columns and rejects the row with its raw text
          if (Math.max(scan.maxFields, opts.ncols) <= this.limits.maxColumns) {
            raw = await this.readRaw(db, opts.stageTable, files, Math.max(scan.maxFields, opts.ncols, 1), newlineOf(scan), !scan.multiline, scan.maxRecordBytes).catch(
              () => null,
            );
          }
        }
        const ok = raw ? await this.finishDuckdb(db, raw, scan, opts) : false;
        if (ok) {
          this.lastLoad = { path: 'duckdb', overlapped, parts: this.encoding === 'gb18030' ? files.length : undefined };
          progress.done(scan.records, scan.bytes);
          return { rowsRead: scan.records };
        }
        this.lastLoad = { path: 'js', reason: 'duckdb could not read the file as the scan did' };
      } else {
        this.lastLoad = { path: 'js', reason };
      }
      const records = await this.loadJs(db, files, opts, progress);
      progress.done(records, scan.bytes);
      return { rowsRead: records };
    } catch (e) {
      // a speculative read may have created the stage table already
      await db.run(`drop table if exists ${quoteIdent(opts.stageTable)}`).catch(() => undefined);
      throw e;
    } finally {
      removeQuietly(this.tmpDir);
      this.tmpDir = null;
    }
  }

  /**
   * GB18030 → UTF-8 temp parts of about PART_BYTES, each ending on a record boundary; each finished part is
   * queued for DuckDB (speculative read with the head's shape) while the next one is transcoded.
   */
  private async transcode(
    db: Db,
    opts: LoadOptions,
    delim: number,
    guess: { width: number; newline: '\n' | '\r\n' },
    progress: ReturnType<typeof throttle>,
  ): Promise<{ files: string[]; scan: ScanResult; speculative: Promise<RawRead | null> }> {
    const scanner = new CsvScanner(delim, QUOTE, false, false, true, false);
    const files: string[] = [];
    let fd: number | null = null;
    let partBytes = 0;
    let bytes = 0;
    let chain: Promise<RawRead | null> = Promise.resolve(null);
    let broken = false;
    const queue = (file: string) => {
      const first = files.length === 1;
      chain = chain.then(async (raw) => {
        if (broken) return null;
        try {
          if (first) return await this.readRaw(db, opts.stageTable, [file], guess.width, guess.newline, true);
          if (!raw) return null;
          await this.insertRaw(db, raw.table, file, raw.width, raw.newline, true, 0);
          return raw;
        } catch {
          broken = true;
          await db.run(`drop table if exists ${quoteIdent(opts.stageTable)}`).catch(() => undefined);
          return null;
        }
      });
    };
    const closePart = () => {
      if (fd === null) return;
      fs.closeSync(fd);
      fd = null;
      queue(files[files.length - 1]);
    };
    let replacements = 0;
    try {
      ({ replacements } = await transcodeChunks(this.spec.path, (out, bytesIn) => {
        bytes = bytesIn;
        if (fd === null) {
          files.push(path.join(this.tmpDir!, `utf8-${files.length + 1}.csv`));
          fd = fs.openSync(files[files.length - 1], 'w');
          partBytes = 0;
        }
        let off = 0;
        while (off < out.length) off += fs.writeSync(fd, out, off, out.length - off);
        partBytes += out.length;
        scanner.feed(out);
        progress.tick(scanner.r.records, bytesIn);
        if (partBytes >= CsvSource.PART_BYTES && scanner.pending === 0) closePart();
      }));
    } finally {
      closePart();
    }
    // a few undecodable bytes (a truncated character) stay as U+FFFD in their cell; many mean a wrong guess
    if (replacements > Math.max(16, bytes / 2000)) {
      const raw = await chain;
      await this.dropRaw(db, raw);
      throw badEncoding(
        this.spec.displayPath,
        `${replacements} byte sequences are invalid in GB18030 further into the file`,
        `文件后部有 ${replacements} 处字节不是合法的 GBK/GB18030`,
      );
    }
    return { files, scan: scanner.finish(), speculative: chain };
  }

  /** Width and line ending guessed from the head (for the speculative read). */
  private guessShape(ncols: number): { width: number; newline: '\n' | '\r\n' } {
    const head = readHead(this.spec.path, PREVIEW_HEAD);
    const crlf = head.indexOf('\r\n') !== -1;
    const sc = new CsvScanner(this.delimiter.charCodeAt(0), QUOTE, false, false, true);
    const lf = head.lastIndexOf(0x0a);
    sc.feed(lf > 0 ? head.subarray(0, lf + 1) : head);
    const r = sc.finish();
    return { width: Math.max(r.maxFields, ncols), newline: crlf ? '\r\n' : '\n' };
  }

  private readCsvSql(file: string, width: number, newline: '\n' | '\r\n', parallel: boolean, longest: number): string {
    const names = Array.from({ length: width }, (_, i) => `c${i + 1}`);
    return (
      `select null::integer as _row, null::varchar as _error, null::varchar as _raw, * from read_csv(${quoteLiteral(file)}, ` +
      `header=false, auto_detect=false, delim=${quoteLiteral(this.delimiter)}, quote='"', escape='"', ` +
      `new_line=${quoteLiteral(newline === '\r\n' ? '\\r\\n' : '\\n')}, columns=${colsStruct(names)}, null_padding=true, ` +
      `parallel=${parallel ? 'true' : 'false'}, max_line_size=${maxLineSize(longest)}, encoding='utf-8')`
    );
  }

  private async insertRaw(db: Db, table: string, file: string, width: number, newline: '\n' | '\r\n', parallel: boolean, longest: number): Promise<void> {
    await db.run(`insert into ${quoteIdent(table)} ${this.readCsvSql(file, width, newline, parallel, longest)}`, undefined, 'read_csv');
  }

  /**
   * DuckDB read_csv of the file (or the parts, in order) straight into the stage table's layout (_row filled
   * later from rowid). longest: the longest record in bytes when known (0 before the scan: DuckDB's 2 MB default).
   */
  private async readRaw(
    db: Db,
    table: string,
    files: string[],
    width: number,
    newline: '\n' | '\r\n',
    parallel: boolean,
    longest = 0,
  ): Promise<RawRead> {
    try {
      await db.run(`create temp table ${quoteIdent(table)} as ${this.readCsvSql(files[0], width, newline, parallel, longest)}`, undefined, 'read_csv');
      for (const f of files.slice(1)) await this.insertRaw(db, table, f, width, newline, parallel, longest);
    } catch (e) {
      await db.run(`drop table if exists ${quoteIdent(table)}`).catch(() => undefined);
      throw e;
    }
    return { table, width, newline };
  }

  private async dropRaw(db: Db, raw: RawRead | null): Promise<void> {
    if (raw) await db.run(`drop table if exists ${quoteIdent(raw.table)}`);
  }

  /**
   * Turn DuckDB's rows into the stage table in place; false (table dropped) when DuckDB's reading disagrees
   * with the scan. DuckDB drops empty lines, so row k (1-based among non-blank rows) is physical row
   * k + (number of blank rows before it); blank row b_j (j-th blank) shifts every k ≥ b_j − j + 1.
   */
  private async finishDuckdb(db: Db, raw: RawRead, scan: ScanResult, opts: LoadOptions): Promise<boolean> {
    const t = quoteIdent(raw.table);
    const blanks = scan.blankRecords;
    const nonBlank = scan.records - blanks.length;
    const n = Number(await db.scalar(`select count(*) from ${t}`));
    if (n !== nonBlank) {
      await this.dropRaw(db, raw);
      return false;
    }
    if (blanks.length <= 64) {
      const terms = blanks.map((b, j) => ` + (rowid + 1 >= ${b - j})::integer`).join('');
      await db.run(`update ${t} set _row = (rowid + 1${terms})::integer`, undefined, 'row numbers');
    } else {
      const th = quoteIdent(`_x_csv_th_${process.pid}_${++rawSeq}`);
      const thresholds = new Map<number, number>();
      blanks.forEach((b, j) => thresholds.set(b - j, j + 1));
      await db.run(
        `create or replace temp table ${th} as select unnest(string_split($t, ','))::bigint as t, unnest(string_split($j, ','))::bigint as j`,
        { t: [...thresholds.keys()].join(','), j: [...thresholds.values()].join(',') },
      );
      try {
        await db.run(
          `update ${t} set _row = m.r from (select r.k, (r.k + coalesce(th.j, 0))::integer as r from (select rowid + 1 as k from ${t}) r ` +
            `asof left join ${th} th on r.k >= th.t) m where ${t}.rowid + 1 = m.k`,
          undefined,
          'row numbers',
        );
      } finally {
        await db.run(`drop table if exists ${th}`);
      }
    }
    if (blanks.length) {
      await db.run(`insert into ${t} (_row) select unnest(string_split($b, ','))::integer`, { b: blanks.join(',') }, 'blank rows');
    }
    await db.run(`delete from ${t} where _row <= ${Number(opts.headerRow)}`, undefined, 'rows above the header');
    const W = raw.width;
    const ncols = opts.ncols;
    if (W > ncols) {
      const extra = Array.from({ length: W - ncols }, (_, i) => `coalesce(c${ncols + i + 1}, '') <> ''`).join(' or ');
      const join = 'concat(' + Array.from({ length: W }, (_, i) => `coalesce(c${i + 1}, '')`).join(`, ${quoteLiteral(this.delimiter)}, `) + ')';
      await db.run(
        `update ${t} set _error = 'csv.too_many_fields', _raw = rtrim(${join}, ${quoteLiteral(this.delimiter)}) where ${extra}`,
        undefined,
        'too many fields',
      );
      for (let k = W; k > ncols; k--) await db.run(`alter table ${t} drop column c${k}`);
    }
    for (let k = W + 1; k <= ncols; k++) await db.run(`alter table ${t} add column c${k} varchar`);
    return true;
  }

  private async loadJs(db: Db, files: string[], opts: LoadOptions, progress: ReturnType<typeof throttle>): Promise<number> {
    const norm = path.join(this.tmpDir!, 'norm.csv');
    const writer = new NormalizedCsvWriter(norm);
    const tok = new CsvTokenizer(this.delimiter.charCodeAt(0), QUOTE, true);
    const ncols = opts.ncols;
    let records = 0;
    let bytes = 0;
    let carry: Buffer | null = null;
    let waitFor = 0;
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
        // only the header's columns are kept: the cells past them are either empty or the row is rejected above
        const w = writer.write(records, error, raw, tok.fields.length > ncols ? tok.fields.slice(0, ncols) : tok.fields);
        if (w) await w;
      }
      return pos;
    };
    for (const file of files) for await (const c of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
      let chunk = c as Buffer;
      bytes += chunk.length;
      if (first) {
        first = false;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      }
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      // a record longer than a chunk (one line of a million fields) is re-tokenized only each time the buffer
      // has doubled, not on every chunk: linear, not quadratic, in the record's length
      if (waitFor && buf.length < waitFor) {
        carry = buf;
        continue;
      }
      const pos = await emit(buf, false);
      carry = pos < buf.length ? Buffer.from(buf.subarray(pos)) : null;
      waitFor = carry && carry.length > 1 << 20 ? carry.length * 2 : 0;
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

/** Widest record of UTF-8 files read in order (a full tokenizing scan; only when DuckDB's speculative read failed). */
async function countMaxFields(files: string[], delim: number): Promise<number> {
  const sc = new CsvScanner(delim, QUOTE, false, false, true, true);
  for (const f of files) for await (const chunk of fs.createReadStream(f, { highWaterMark: 1 << 20 })) sc.feed(chunk as Buffer);
  return sc.finish().maxFields;
}

/** DuckDB's default max_line_size is 2 MB; a bigger limit costs buffer memory, so raise it only when needed. */
export function maxLineSize(longest: number): number {
  return Math.max(2097152, Math.ceil((longest + 1024) * 1.25));
}

interface RawRead {
  table: string;
  width: number;
  newline: '\n' | '\r\n';
}

let rawSeq = 0;

function newlineOf(s: ScanResult): '\n' | '\r\n' {
  return s.crlf > 0 ? '\r\n' : '\n';
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
