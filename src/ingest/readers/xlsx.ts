/**
 * XLSX reader: exceljs streaming WorkbookReader (memory does not grow with the file; sharedStrings and styles
 * cached so date formats are recognised). The sheet list comes from workbook.xml read through the zip directory
 * first, so a wrong sheet name or a truncated file fails at open with a clear message. exceljs's streaming reader
 * ignores <mergeCell>, so the sheet XML is tapped on its way into the SAX parser to collect merged ranges.
 */
import ExcelJS from 'exceljs';
import type { SourceSpec } from '../../config/types.js';
import { decodeRange, exceljsValueText, type MergeRange } from './cell-format.js';
import { badWorkbook, emptyFile, sheetNotFound } from './diagnostics.js';
import { RowSpool, SpooledSource, type SpoolResult } from './spooled.js';
import { readZipDirectory, readZipEntry, zipEntryStream, type ZipEntry } from './zip.js';

function xmlDecode(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) out[m[1]] = xmlDecode(m[2]);
  return out;
}

export interface WorkbookSheet {
  name: string;
  path: string | null;
  hidden: boolean;
}

export function listXlsxSheets(file: string, displayPath: string): { sheets: WorkbookSheet[]; date1904: boolean } {
  let entries: Map<string, ZipEntry>;
  try {
    entries = readZipDirectory(file);
  } catch (e) {
    throw badWorkbook(displayPath, 'ingest.bad_xlsx', (e as Error).message);
  }
  const wb = entries.get('xl/workbook.xml');
  if (!wb) throw badWorkbook(displayPath, 'ingest.bad_xlsx', 'no xl/workbook.xml');
  let xml: string;
  let rels = '';
  try {
    xml = readZipEntry(file, wb).toString('utf8');
    const r = entries.get('xl/_rels/workbook.xml.rels');
    if (r) rels = readZipEntry(file, r).toString('utf8');
  } catch (e) {
    throw badWorkbook(displayPath, 'ingest.bad_xlsx', (e as Error).message);
  }
  const targets = new Map<string, string>();
  for (const m of rels.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const a = attrs(m[0]);
    if (a.Id && a.Target) targets.set(a.Id, a.Target.replace(/^\/?xl\//, '').replace(/^\//, ''));
  }
  const sheets: WorkbookSheet[] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const a = attrs(m[0]);
    const rid = Object.entries(a).find(([k]) => k === 'r:id' || /:id$/.test(k))?.[1];
    const target = rid ? targets.get(rid) : undefined;
    sheets.push({ name: a.name ?? '', path: target ? 'xl/' + target : null, hidden: a.state === 'hidden' || a.state === 'veryHidden' });
  }
  const date1904 = /<(?:\w+:)?workbookPr\b[^>]*date1904\s*=\s*"(1|true)"/.test(xml);
  if (!sheets.length) throw badWorkbook(displayPath, 'ingest.bad_xlsx', 'the workbook has no sheets');
  for (const s of sheets) {
    if (s.path && !entries.has(s.path)) throw badWorkbook(displayPath, 'ingest.bad_xlsx', `missing part ${s.path}`);
  }
  return { sheets, date1904 };
}

/** Resolve spec.sheet (name or 1-based index; default first) against the workbook's sheet list. */
export function pickSheet(names: string[], wanted: string | number | undefined, displayPath: string, hidden: boolean[] = []): number {
  // default: the first sheet an analyst sees (the first visible tab)
  if (wanted === undefined || wanted === null || wanted === '') return Math.max(0, hidden.findIndex((h) => !h));
  if (typeof wanted === 'number' || /^\d+$/.test(String(wanted).trim())) {
    const byName = names.indexOf(String(wanted));
    if (typeof wanted === 'string' && byName >= 0) return byName;
    const i = Number(wanted);
    if (i >= 1 && i <= names.length) return i - 1;
    throw sheetNotFound(displayPath, typeof wanted === 'number' ? wanted : String(wanted), names);
  }
  const exact = names.indexOf(wanted);
  if (exact >= 0) return exact;
  const norm = (s: string) => s.replace(/\s|\u3000/g, '').toLowerCase();
  const loose = names.findIndex((n) => norm(n) === norm(wanted));
  if (loose >= 0) return loose;
  throw sheetNotFound(displayPath, wanted, names);
}

/**
 * Decode the sheet XML as a UTF-8 stream and collect <mergeCell ref="…"/> ranges on the way. exceljs decodes each
 * chunk on its own (utils/parse-sax.js → bufferToString), which garbles a Chinese character cut by a chunk
 * boundary ("2021年12月26日" → "2021年12月26��"); handing it already-decoded strings avoids that.
 */
async function* decodeAndTapMerges(it: AsyncIterable<Buffer | string>, merges: MergeRange[]): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let tail = '';
  const scan = (text: string) => {
    const t = tail + text;
    if (t.indexOf('<mergeCell') !== -1) {
      let last = 0;
      for (const m of t.matchAll(/<mergeCell\s+ref="([^"]+)"\s*\/?>/g)) {
        const r = decodeRange(m[1]);
        if (r) merges.push(r);
        last = (m.index ?? 0) + m[0].length;
      }
      tail = t.slice(Math.max(last, t.length - 64));
    } else {
      tail = t.slice(-64);
    }
  };
  for await (const chunk of it) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text) {
      scan(text);
      yield text;
    }
  }
  const rest = decoder.decode();
  if (rest) {
    scan(rest);
    yield rest;
  }
}

/** Same fix for the workbook parts exceljs reads from zip entries (shared strings, styles, workbook, rels). */
function decodeEntriesAsUtf8(reader: object): void {
  const r = reader as Record<string, unknown>;
  for (const m of ['_parseRels', '_parseWorkbook', '_parseSharedStrings', '_parseStyles']) {
    const orig = r[m];
    if (typeof orig !== 'function') continue;
    r[m] = function (this: unknown, entry: { setEncoding?: (e: string) => void }, ...rest: unknown[]) {
      if (entry && typeof entry.setEncoding === 'function') entry.setEncoding('utf8');
      return (orig as (...a: unknown[]) => unknown).call(this, entry, ...rest);
    };
  }
}

/** exceljs WorkbookReader internals we drive ourselves (see XlsxSource.spool). */
interface ReaderInternals {
  _parseRels(entry: NodeJS.ReadableStream): Promise<void>;
  _parseWorkbook(entry: NodeJS.ReadableStream): Promise<void>;
  _parseStyles(entry: NodeJS.ReadableStream): Promise<void>;
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncIterable<unknown>;
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Iterable<{ eventType: string; value: unknown }>;
}

export class XlsxSource extends SpooledSource {
  readonly format = 'xlsx' as const;
  protected readonly errorPrefix = 'xlsx';

  private constructor(
    readonly spec: SourceSpec,
    sheet: string,
    private sheetPath: string | null,
    private date1904: boolean,
  ) {
    super();
    this.sheet = sheet;
  }

  static async open(spec: SourceSpec): Promise<XlsxSource> {
    const { sheets, date1904 } = listXlsxSheets(spec.path, spec.displayPath);
    const i = pickSheet(
      sheets.map((s) => s.name),
      spec.sheet,
      spec.displayPath,
      sheets.map((s) => s.hidden),
    );
    return new XlsxSource(spec, sheets[i].name, sheets[i].path, date1904);
  }

  protected emptyError(): Error {
    return emptyFile(this.spec.displayPath, this.sheet ?? undefined);
  }

  protected async spool(spool: RowSpool): Promise<SpoolResult> {
    const merges: MergeRange[] = [];
    const date1904 = this.date1904;
    let found = false;
    try {
      // The zip parts are read through the central directory in the order exceljs needs them (rels, workbook,
      // styles, shared strings, then only the wanted sheet), instead of letting exceljs stream the zip front to
      // back: Excel and SheetJS put sharedStrings/workbook.xml after the sheets, exceljs then spools every sheet to a
      // temp file, and its unzip loop was seen to stop early at random (the workbook part never read: "Cannot read
      // properties of undefined (reading 'sheets')"), failing about half the reads of a SheetJS-written workbook.
      const path = this.spec.path;
      const entries = readZipDirectory(path);
      if (!this.sheetPath || !entries.has(this.sheetPath)) throw new Error(`sheet "${this.sheet}" has no worksheet part`);
      const part = (name: string) => {
        const e = entries.get(name) ?? [...entries.values()].find((x) => x.name.toLowerCase() === name.toLowerCase());
        return e ? zipEntryStream(path, e) : null;
      };
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
        sharedStrings: 'cache',
        styles: 'cache',
        hyperlinks: 'ignore',
        worksheets: 'emit',
        entries: 'ignore',
      });
      decodeEntriesAsUtf8(reader);
      const r = reader as unknown as ReaderInternals;
      const rels = part('xl/_rels/workbook.xml.rels');
      if (rels) await r._parseRels(rels);
      await r._parseWorkbook(part('xl/workbook.xml')!);
      const styles = part('xl/styles.xml');
      if (styles) await r._parseStyles(styles);
      const strings = part('xl/sharedStrings.xml');
      if (strings) for await (const _ of r._parseSharedStrings(strings)) void _;
      const sheetNo = /sheet(\d+)\.xml$/i.exec(this.sheetPath)?.[1] ?? '1';
      for (const ev of r._parseWorksheet(zipEntryStream(path, entries.get(this.sheetPath)!), sheetNo)) {
        if (ev.eventType !== 'worksheet') continue;
        const w = ev.value as { iterator: AsyncIterable<Buffer | string> } & AsyncIterable<ExcelJS.Row>;
        found = true;
        w.iterator = decodeAndTapMerges(w.iterator, merges);
        for await (const row of w) {
          const vals = row.values as unknown[];
          const cells: string[] = new Array(Math.max(vals.length - 1, 0));
          for (let c = 1; c < vals.length; c++) {
            const v = vals[c];
            if (v == null) {
              cells[c - 1] = '';
            } else if (typeof v === 'object' && !(v instanceof Date) && ('result' in (v as object) || 'formula' in (v as object) || 'sharedFormula' in (v as object))) {
              cells[c - 1] = exceljsValueText(v, row.getCell(c).numFmt, date1904);
            } else {
              cells[c - 1] = exceljsValueText(v, undefined, date1904);
            }
          }
          const wait = spool.row(row.number, cells);
          if (wait) await wait;
        }
      }
    } catch (e) {
      if ((e as { diagnostics?: unknown }).diagnostics) throw e;
      throw badWorkbook(this.spec.displayPath, 'ingest.bad_xlsx', (e as Error).message);
    }
    if (!found) throw badWorkbook(this.spec.displayPath, 'ingest.bad_xlsx', `sheet "${this.sheet}" has no readable worksheet part`);
    return { merges };
  }
}
