/**
 * Streaming reader of one worksheet part: inflated chunk by chunk under the engine's limits (zip.ts), decoded as
 * one UTF-8 stream (a Chinese character cut by a chunk boundary stays whole) and parsed by saxes (a conforming,
 * non-validating XML parser: no DTD entity expansion, so no "billion laughs"). Memory does not grow with the
 * sheet: only the current row is held; shared strings (read first, whole) and the style table are the exception.
 *
 * What real writers emit and this accepts (OOXML Part 1 §18.3): `<row>` and `<c>` without `r` (the next row /
 * the next column), prefixed element names (`<x:row>` from the .NET SDK), inline strings with rich runs, phonetic
 * runs (`<rPh>`, not part of the text), formula cells with cached values, `t="d"` ISO dates, `t="b"`, `t="e"`.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { excelSerialToDate, formatDate, formatNumber, decodeAddress, decodeRange, type MergeRange } from './cell-format.js';
import { INFLATE_GRACE_BYTES, type ReaderLimits } from './limits.js';
import { streamZipEntry, type InflateLimits } from './zip.js';
import type { XlsxPackage } from './xlsx-package.js';

const local = (n: string) => {
  const i = n.indexOf(':');
  return i === -1 ? n : n.slice(i + 1);
};

export function partLimits(limits: ReaderLimits): InflateLimits {
  return { maxBytes: limits.maxXmlBytes, maxRatio: limits.maxInflateRatio, graceBytes: INFLATE_GRACE_BYTES };
}

/** Feed a part's inflated bytes through saxes (UTF-8 decoded as one stream), awaiting the handler's backpressure. */
async function parsePart(pkg: XlsxPackage, part: string, limits: ReaderLimits, wire: (p: SaxesParser) => () => Promise<void> | void): Promise<void> {
  const entry = pkg.entries.get(part);
  if (!entry) return;
  const parser = new SaxesParser({ position: false });
  let failed: Error | null = null;
  parser.on('error', (e) => {
    if (!failed) failed = e;
  });
  const drain = wire(parser);
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of streamZipEntry(pkg.file, entry, partLimits(limits))) {
    let text = decoder.decode(chunk, { stream: true });
    if (first) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    parser.write(text);
    if (failed) throw failed;
    const w = drain();
    if (w) await w;
  }
  parser.write(decoder.decode());
  parser.close();
  if (failed) throw failed;
  const w = drain();
  if (w) await w;
}

/** sharedStrings.xml → the strings, rich runs joined, phonetic runs left out. */
export async function readSharedStrings(pkg: XlsxPackage, limits: ReaderLimits): Promise<string[]> {
  const out: string[] = [];
  if (!pkg.sharedStringsPath) return out;
  await parsePart(pkg, pkg.sharedStringsPath, limits, (p) => {
    let inSi = false;
    let inT = false;
    let rPh = 0;
    let cur = '';
    p.on('opentag', (t: SaxesTagPlain) => {
      const n = local(t.name);
      if (n === 'si') {
        inSi = true;
        cur = '';
      } else if (n === 't') inT = true;
      else if (n === 'rPh') rPh++;
    });
    p.on('text', (s: string) => {
      if (inSi && inT && rPh === 0) cur += s;
    });
    p.on('cdata', (s: string) => {
      if (inSi && inT && rPh === 0) cur += s;
    });
    p.on('closetag', (t: SaxesTagPlain) => {
      const n = local(t.name);
      if (n === 't') inT = false;
      else if (n === 'rPh') rPh--;
      else if (n === 'si') {
        inSi = false;
        out.push(cur);
      }
    });
    return () => undefined;
  });
  return out;
}

export interface SheetRowSink {
  /** one row with a value; rowNo strictly increasing; cells 0-based (col 1 = cells[0]); may await */
  row(rowNo: number, cells: string[], overflow: string[] | null): Promise<void> | void;
}

/**
 * Every row of the sheet to `sink`, in order. Cells beyond maxColumns are not stored in the row array (a
 * `r="XFD1"` cell would otherwise allocate 16,384 slots per row): their texts come as `overflow`.
 */
export async function readSheetRows(
  pkg: XlsxPackage,
  part: string,
  opts: { limits: ReaderLimits; sst: string[]; dateStyles: boolean[] },
  sink: SheetRowSink,
): Promise<{ merges: MergeRange[] }> {
  const { sst, dateStyles, limits } = opts;
  const maxCols = limits.maxColumns;
  const date1904 = pkg.date1904;
  const merges: MergeRange[] = [];
  const pending: Promise<void>[] = [];
  let rowNo = 0;
  let cells: string[] = [];
  let overflow: string[] | null = null;
  let inRow = false;
  let col = 0;
  let type = '';
  let style = 0;
  let inV = false;
  let v = '';
  let inIs = false;
  let inT = false;
  let rPh = 0;
  let isText = '';
  let hasValue = false;

  const cellText = (): string => {
    switch (type) {
      case 's': {
        const i = Number(v);
        return Number.isInteger(i) && i >= 0 && i < sst.length ? sst[i] : '';
      }
      case 'inlineStr':
        return isText || v;
      case 'str':
      case 'e':
        return v;
      case 'b':
        return v === '' ? '' : v === '1' || v.toLowerCase() === 'true' ? 'TRUE' : 'FALSE';
      case 'd': {
        if (v === '') return '';
        const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : v + (v.includes('T') ? 'Z' : 'T00:00:00Z');
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? v : formatDate(d);
      }
      default: {
        if (v === '') return '';
        const n = Number(v);
        if (!Number.isFinite(n)) return v.trim();
        return dateStyles[style] ? formatDate(excelSerialToDate(n, date1904)) : formatNumber(n);
      }
    }
  };

  await parsePart(pkg, part, limits, (p) => {
    p.on('opentag', (t: SaxesTagPlain) => {
      const n = local(t.name);
      switch (n) {
        case 'row': {
          const r = t.attributes.r;
          const rn = r ? parseInt(String(r), 10) : NaN;
          // rows without r follow the previous one; an out-of-order number must not move a row backwards
          rowNo = Number.isFinite(rn) && rn > rowNo ? rn : rowNo + 1;
          inRow = true;
          cells = [];
          overflow = null;
          col = 0;
          break;
        }
        case 'c': {
          const r = t.attributes.r;
          const c = r ? decodeAddress(String(r)).col : 0;
          col = c > col ? c : col + 1;
          type = String(t.attributes.t ?? '');
          style = t.attributes.s ? Number(t.attributes.s) : 0;
          v = '';
          isText = '';
          hasValue = false;
          break;
        }
        case 'v':
          inV = true;
          break;
        case 'is':
          inIs = true;
          break;
        case 't':
          if (inIs) inT = true;
          break;
        case 'rPh':
          rPh++;
          break;
        case 'mergeCell': {
          const m = decodeRange(String(t.attributes.ref ?? ''));
          if (m) merges.push(m);
          break;
        }
      }
    });
    const onText = (s: string) => {
      if (inV) {
        v += s;
        hasValue = true;
      } else if (inT && rPh === 0) {
        isText += s;
        hasValue = true;
      }
    };
    p.on('text', onText);
    p.on('cdata', onText);
    p.on('closetag', (t: SaxesTagPlain) => {
      const n = local(t.name);
      switch (n) {
        case 'v':
          inV = false;
          break;
        case 't':
          inT = false;
          break;
        case 'is':
          inIs = false;
          break;
        case 'rPh':
          rPh--;
          break;
        case 'c': {
          if (!inRow || !hasValue) break;
          const text = cellText();
          if (text === '') break;
          if (col <= maxCols) {
            while (cells.length < col - 1) cells.push('');
            cells[col - 1] = text;
          } else (overflow ??= []).push(text);
          break;
        }
        case 'row': {
          inRow = false;
          if (cells.length || overflow) {
            const w = sink.row(rowNo, cells, overflow);
            if (w) pending.push(w);
          }
          break;
        }
      }
    });
    return () => {
      if (!pending.length) return;
      const all = Promise.all(pending.splice(0)).then(() => undefined);
      return all;
    };
  });
  return { merges };
}
