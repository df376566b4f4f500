/**
 * A byte-level CSV tokenizer over UTF-8 buffers, one record at a time. Used (1) to scan a whole file cheaply
 * (record count, blank records, widest record, line endings, quoting anomalies) so DuckDB's read_csv can load it
 * with exact row numbers, (2) for previews, and (3) as the loader of files DuckDB cannot read faithfully.
 *
 * Semantics (what an analyst sees when Excel opens the file):
 *  - a record is one row, even when a quoted field holds newlines; an empty line is a blank row;
 *    a newline at EOF does not start a row; LF, CRLF and CR all end a record;
 *  - a quote inside an unquoted field is a literal character (Excel does the same);
 *  - text after a closing quote (`"ab"c`) is appended to the field and the record is flagged bad_quoting;
 *  - an opening quote that never closes (EOF, or more than MAX_QUOTED_BYTES later), or a multi-line quoted field
 *    followed by junk, is broken quoting: the record is cut at the end of its first physical line, flagged
 *    bad_quoting with that line as raw text, and parsing resumes on the next line — no shifted table.
 */

export const MAX_QUOTED_BYTES = 4 << 20;

export const enum Term {
  None = 0,
  LF = 1,
  CRLF = 2,
  CR = 3,
}

export class CsvTokenizer {
  // result of the last next() call
  start = 0;
  end = 0;
  /** end of the record's content (before the terminator) */
  contentEnd = 0;
  blank = false;
  nfields = 0;
  fields: string[] = [];
  badQuoting = false;
  stray = false;
  multiline = false;
  term: Term = Term.None;
  // scan fast path: next quote / CR position in cacheBuf (buf.length = none)
  private cacheBuf: Buffer | null = null;
  private nextQ = -2;
  private nextCR = -2;

  constructor(
    readonly delim: number,
    readonly quote: number,
    readonly extract: boolean,
    /**
     * count the fields of lines without quotes (the scan's fast path). Off: such lines report nfields = 0, for
     * scans whose width check is left to DuckDB (read_csv in strict mode refuses a row wider than its columns).
     */
    readonly countFields = true,
  ) {}

  /**
   * Parse one record starting at pos. Returns false when buf holds no complete record from pos (need more data,
   * or nothing left when final).
   */
  next(buf: Buffer, pos: number, final: boolean): boolean {
    const n = buf.length;
    if (pos >= n) return false;
    const D = this.delim;
    const Q = this.quote;
    const extract = this.extract;
    this.start = pos;
    this.blank = false;
    this.badQuoting = false;
    this.stray = false;
    this.multiline = false;
    this.nfields = 0;
    if (extract) this.fields = [];
    let i = pos;
    const c0 = buf[i];
    if (c0 === 10 || c0 === 13) {
      // blank record
      if (c0 === 13) {
        if (i + 1 >= n && !final) return false;
        if (buf[i + 1] === 10) {
          this.term = Term.CRLF;
          this.end = i + 2;
        } else {
          this.term = Term.CR;
          this.end = i + 1;
        }
      } else {
        this.term = Term.LF;
        this.end = i + 1;
      }
      this.contentEnd = i;
      this.blank = true;
      return true;
    }
    if (!extract) {
      // scan fast path: a line without quote or bare CR is one record; only its delimiters need counting
      if (this.cacheBuf !== buf) {
        this.cacheBuf = buf;
        this.nextQ = -2;
        this.nextCR = -2;
      }
      if (this.nextQ !== n && this.nextQ < pos) {
        const q = buf.indexOf(Q, pos);
        this.nextQ = q === -1 ? n : q;
      }
      if (this.nextCR !== n && this.nextCR < pos) {
        const r = buf.indexOf(13, pos);
        this.nextCR = r === -1 ? n : r;
      }
      const nl = buf.indexOf(10, pos);
      const lineEnd = nl === -1 ? n : nl;
      const crlf = nl !== -1 && this.nextCR === nl - 1;
      if (this.nextQ >= lineEnd && (this.nextCR >= lineEnd || crlf)) {
        if (nl === -1 && !final) return false;
        const contentEnd = crlf ? nl - 1 : lineEnd;
        if (this.countFields) {
          let nf = 1;
          for (let k = pos; k < contentEnd; k++) if (buf[k] === D) nf++;
          this.nfields = nf;
        }
        this.contentEnd = contentEnd;
        if (nl === -1) {
          this.term = Term.None;
          this.end = n;
        } else {
          this.term = crlf ? Term.CRLF : Term.LF;
          this.end = nl + 1;
        }
        return true;
      }
    }
    for (;;) {
      // one field starting at i
      let c = i < n ? buf[i] : -1;
      if (c === Q) {
        const open = i;
        let segStart = i + 1;
        let j = segStart;
        let value = '';
        let closed = false;
        for (;;) {
          const q = buf.indexOf(Q, j);
          if (q === -1 || (q + 1 >= n && !final)) {
            if (!final && n - open <= MAX_QUOTED_BYTES) return false;
            break; // unterminated
          }
          if (q + 1 < n && buf[q + 1] === Q) {
            if (extract) value += buf.toString('utf8', segStart, q + 1);
            j = q + 2;
            segStart = j;
            continue;
          }
          if (extract) value += buf.toString('utf8', segStart, q);
          // multiline?
          for (let k = open + 1; k < q; k++) {
            const b = buf[k];
            if (b === 10 || b === 13) {
              this.multiline = true;
              break;
            }
          }
          i = q + 1;
          closed = true;
          break;
        }
        if (!closed) return this.broken(buf, pos, final);
        c = i < n ? buf[i] : -1;
        if (c !== D && c !== 10 && c !== 13 && c !== -1) {
          if (this.multiline) return this.broken(buf, pos, final);
          // junk after the closing quote: keep it, flag the record
          const s = i;
          while (i < n) {
            const b = buf[i];
            if (b === D || b === 10 || b === 13) break;
            i++;
          }
          if (i >= n && !final) return false;
          if (extract) value += buf.toString('utf8', s, i);
          this.badQuoting = true;
          c = i < n ? buf[i] : -1;
        }
        if (extract) this.fields.push(value);
      } else {
        const s = i;
        while (i < n) {
          const b = buf[i];
          if (b === D || b === 10 || b === 13) break;
          if (b === Q) this.stray = true;
          i++;
        }
        if (i >= n && !final) return false;
        if (extract) this.fields.push(buf.toString('utf8', s, i));
        c = i < n ? buf[i] : -1;
      }
      this.nfields++;
      if (c === D) {
        i++;
        continue;
      }
      this.contentEnd = i;
      if (c === 10) {
        this.term = Term.LF;
        this.end = i + 1;
      } else if (c === 13) {
        if (i + 1 >= n && !final) return false;
        if (buf[i + 1] === 10) {
          this.term = Term.CRLF;
          this.end = i + 2;
        } else {
          this.term = Term.CR;
          this.end = i + 1;
        }
      } else {
        this.term = Term.None;
        this.end = n;
      }
      return true;
    }
  }

  /** Broken quoting: the record is its first physical line. */
  private broken(buf: Buffer, pos: number, final: boolean): boolean {
    const n = buf.length;
    let i = pos;
    while (i < n && buf[i] !== 10 && buf[i] !== 13) i++;
    if (i >= n && !final) return false;
    this.contentEnd = i;
    if (i >= n) {
      this.term = Term.None;
      this.end = n;
    } else if (buf[i] === 13 && buf[i + 1] === 10) {
      this.term = Term.CRLF;
      this.end = i + 2;
    } else {
      this.term = buf[i] === 13 ? Term.CR : Term.LF;
      this.end = i + 1;
    }
    this.badQuoting = true;
    this.multiline = false;
    this.nfields = 1;
    if (this.extract) this.fields = [];
    return true;
  }
}

export interface ScanResult {
  /** records in the file (blank ones included) */
  records: number;
  /** 1-based record numbers of blank records */
  blankRecords: number[];
  /** widest record (fields); when !fieldsCounted, only of the records holding a quote or a bare CR */
  maxFields: number;
  fieldsCounted: boolean;
  multiline: boolean;
  badQuoting: boolean;
  stray: boolean;
  lf: number;
  crlf: number;
  cr: number;
  invalidUtf8: boolean;
  bytes: number;
  /** longest record in bytes (for DuckDB's max_line_size) */
  maxRecordBytes: number;
}

/**
 * Incremental scanner: feed UTF-8 chunks, then finish(). Holds at most one incomplete record between chunks.
 * `stopOnAnomaly`: stop tokenizing once the file is known to need the JS loader (counts are then partial).
 */
export class CsvScanner {
  private tok: CsvTokenizer;
  private carry: Buffer | null = null;
  private utf8Carry: Buffer | null = null;
  readonly r: ScanResult = {
    records: 0,
    blankRecords: [],
    maxFields: 0,
    fieldsCounted: true,
    multiline: false,
    badQuoting: false,
    stray: false,
    lf: 0,
    crlf: 0,
    cr: 0,
    invalidUtf8: false,
    bytes: 0,
    maxRecordBytes: 0,
  };
  stopped = false;

  constructor(
    delim: number,
    quote: number,
    private stopOnAnomaly = true,
    private checkUtf8 = true,
    private skipBom = true,
    countFields = true,
  ) {
    this.tok = new CsvTokenizer(delim, quote, false, countFields);
    this.r.fieldsCounted = countFields;
  }

  /** bytes of an incomplete record held back (0 = the input so far ends on a record boundary) */
  get pending(): number {
    return this.carry ? this.carry.length : 0;
  }

  get needsJsLoader(): boolean {
    const r = this.r;
    const kinds = (r.lf > 0 ? 1 : 0) + (r.crlf > 0 ? 1 : 0) + (r.cr > 0 ? 1 : 0);
    return r.badQuoting || r.stray || r.invalidUtf8 || kinds > 1 || r.cr > 0;
  }

  feed(chunk: Buffer): void {
    this.r.bytes += chunk.length;
    if (this.stopped) return;
    if (this.checkUtf8 && !this.r.invalidUtf8) this.validate(chunk);
    let buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    if (this.skipBom) {
      if (buf.length < 3 && this.r.bytes < 3) {
        this.carry = buf;
        return;
      }
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      this.skipBom = false;
    }
    this.carry = null;
    this.consume(buf, false);
  }

  finish(): ScanResult {
    if (this.checkUtf8 && this.utf8Carry && this.utf8Carry.length) this.r.invalidUtf8 = true;
    if (!this.stopped) {
      let buf = this.carry ?? Buffer.alloc(0);
      if (this.skipBom && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      this.carry = null;
      this.consume(buf, true);
    }
    return this.r;
  }

  private validate(chunk: Buffer): void {
    let b = this.utf8Carry ? Buffer.concat([this.utf8Carry, chunk]) : chunk;
    const k = utf8Prefix(b);
    this.utf8Carry = k < b.length ? Buffer.from(b.subarray(k)) : null;
    if (!isUtf8(b.subarray(0, k))) this.r.invalidUtf8 = true;
    if (this.r.invalidUtf8 && this.stopOnAnomaly) this.stopped = true;
  }

  private consume(buf: Buffer, final: boolean): void {
    const tok = this.tok;
    const r = this.r;
    let pos = 0;
    while (tok.next(buf, pos, final)) {
      r.records++;
      if (tok.blank) r.blankRecords.push(r.records);
      else if (tok.nfields > r.maxFields) r.maxFields = tok.nfields;
      if (tok.end - tok.start > r.maxRecordBytes) r.maxRecordBytes = tok.end - tok.start;
      if (tok.multiline) r.multiline = true;
      if (tok.badQuoting) r.badQuoting = true;
      if (tok.stray) r.stray = true;
      if (tok.term === Term.LF) r.lf++;
      else if (tok.term === Term.CRLF) r.crlf++;
      else if (tok.term === Term.CR) r.cr++;
      pos = tok.end;
      if (this.stopOnAnomaly && (r.badQuoting || r.stray)) {
        this.stopped = true;
        return;
      }
    }
    if (pos < buf.length) this.carry = Buffer.from(buf.subarray(pos));
  }
}

import { isUtf8 } from 'node:buffer';
import { utf8CompletePrefix as utf8Prefix } from '../decode.js';
