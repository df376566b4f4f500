/**
 * File writers for the generator: buffered CSV in UTF-8 (with or without BOM) or GB18030, and streaming XLSX
 * (exceljs WorkbookWriter) with real date cells. XLSX output is made byte-deterministic by fixing the
 * workbook's created/modified times and rewriting the zip entries' DOS timestamps after writing.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export type CsvEncoding = 'utf8' | 'utf8bom' | 'gb18030';
export type Cell = string | number | null | undefined | { date: number } /* day number → a real date cell */;

function csvField(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') throw new Error('date cells only in xlsx');
  const s = typeof v === 'number' ? String(v) : v;
  if (/[",\r\n]/.test(s)) return '"' + s.replace(/"/g, '""') + '"';
  return s;
}

export class CsvWriter {
  private fd: number;
  private buf: string[] = [];
  private bufLen = 0;
  rows = 0;
  constructor(
    readonly path: string,
    readonly encoding: CsvEncoding,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
    if (encoding === 'utf8bom') writeSync(this.fd, Buffer.from([0xef, 0xbb, 0xbf]));
  }
  row(cells: Cell[]): void {
    let line = '';
    for (let i = 0; i < cells.length; i++) {
      if (i) line += ',';
      line += csvField(cells[i]);
    }
    line += '\r\n';
    this.buf.push(line);
    this.bufLen += line.length;
    this.rows++;
    if (this.bufLen > 1 << 20) this.flush();
  }
  /** a pre-formatted CSV line ending in \r\n (hot paths); the caller guarantees quoting */
  raw(line: string): void {
    this.buf.push(line);
    this.bufLen += line.length;
    this.rows++;
    if (this.bufLen > 1 << 20) this.flush();
  }
  /** a raw line (e.g. a title row of one cell) */
  line(text: string): void {
    this.row([text]);
  }
  private flush(): void {
    if (!this.buf.length) return;
    const s = this.buf.join('');
    this.buf = [];
    this.bufLen = 0;
    const b = this.encoding === 'gb18030' ? iconv.encode(s, 'gb18030') : Buffer.from(s, 'utf8');
    writeSync(this.fd, b);
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

const FIXED_TIME = new Date(Date.UTC(2025, 0, 1, 0, 0, 0));

export class XlsxWriter {
  private wb: ExcelJS.stream.xlsx.WorkbookWriter;
  private ws: ExcelJS.Worksheet;
  rows = 0;
  constructor(
    readonly path: string,
    sheetName: string,
    private dateFormat = 'yyyy-mm-dd',
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true });
    this.wb.creator = 'xuncha generate';
    this.wb.created = FIXED_TIME;
    this.wb.modified = FIXED_TIME;
    (this.wb as unknown as { lastModifiedBy: string }).lastModifiedBy = 'xuncha';
    this.ws = this.wb.addWorksheet(sheetName);
  }
  row(cells: Cell[], mergeRange?: string): void {
    const vals: unknown[] = cells.map((c) => {
      if (c === null || c === undefined) return null;
      if (typeof c === 'object') return new Date(c.date * 86400000);
      return c;
    });
    const r = this.ws.addRow(vals);
    cells.forEach((c, i) => {
      if (c && typeof c === 'object') r.getCell(i + 1).numFmt = this.dateFormat;
    });
    if (mergeRange) this.ws.mergeCells(mergeRange);
    r.commit();
    this.rows++;
  }
  /** like row(), but yields to the event loop now and then so the zip stream drains (bounded memory) */
  async add(cells: Cell[]): Promise<void> {
    this.row(cells);
    if (this.rows % 2000 === 0) await new Promise<void>((res) => setImmediate(res));
  }
  /** a title row; `mergeTo` (e.g. 'N') merges it across columns A..mergeTo */
  line(text: string, mergeTo?: string): void {
    const n = this.rows + 1;
    this.row([text], mergeTo ? `A${n}:${mergeTo}${n}` : undefined);
  }
  async close(): Promise<void> {
    (this.ws as unknown as { commit(): void }).commit();
    await this.wb.commit();
    fixZipTimes(this.path);
  }
}

/** Rewrites every zip entry's DOS date/time (local headers and central directory) to 2025-01-01 00:00. */
export function fixZipTimes(path: string): void {
  const b = readFileSync(path);
  const DOS_TIME = 0;
  const DOS_DATE = ((2025 - 1980) << 9) | (1 << 5) | 1;
  // find the end of central directory record
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 65557); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`not a zip: ${path}`);
  const entries = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  for (let e = 0; e < entries; e++) {
    if (b.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory in ${path}`);
    b.writeUInt16LE(DOS_TIME, p + 12);
    b.writeUInt16LE(DOS_DATE, p + 14);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    const local = b.readUInt32LE(p + 42);
    if (b.readUInt32LE(local) === 0x04034b50) {
      b.writeUInt16LE(DOS_TIME, local + 10);
      b.writeUInt16LE(DOS_DATE, local + 12);
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  writeFileSync(path, b);
}
