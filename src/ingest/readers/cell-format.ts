/**
 * Cell values → the text an analyst sees, shared by the XLSX, XLS and Arrow readers.
 * Numbers: plain decimal, no exponent, no float noise (15 significant digits, like Excel); integers are printed
 * exactly as the double holds them, so an ID stored as a number keeps its digits as far as the double allows.
 * Dates: 'YYYY-MM-DD', or 'YYYY-MM-DD HH:MM:SS' when there is a time part; a pure time is 'HH:MM:SS'.
 */

/** Expand '1.5e-7' / '1.2e+21' into plain decimal digits. */
function expandExponent(s: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/i.exec(s);
  if (!m) return s;
  const [, sign, int, frac = '', expS] = m;
  const exp = Number(expS);
  const digits = int + frac;
  let point = int.length + exp;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  out = out.replace(/^0+(?=\d)/, '');
  if (out.includes('.')) out = out.replace(/0+$/, '').replace(/\.$/, '');
  return sign + out;
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return BigInt(n).toString();
  // shortest round-trip form, when it has no exponent and at most 15 significant digits, is already the answer
  const short = String(n);
  if (short.length <= 16 && short.indexOf('e') === -1) return short;
  let s = n.toPrecision(15);
  if (/e/i.test(s)) return expandExponent(s);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

const pad = (v: number, w = 2) => String(v).padStart(w, '0');

/** A Date whose UTC fields hold the wall-clock value (exceljs/SheetJS convention). */
export function formatDate(d: Date): string {
  const ms = d.getTime();
  if (Number.isNaN(ms)) return '';
  const r = new Date(Math.round(ms / 1000) * 1000);
  const y = r.getUTCFullYear();
  const date = `${pad(y, 4)}-${pad(r.getUTCMonth() + 1)}-${pad(r.getUTCDate())}`;
  const h = r.getUTCHours();
  const mi = r.getUTCMinutes();
  const se = r.getUTCSeconds();
  const time = `${pad(h)}:${pad(mi)}:${pad(se)}`;
  // Excel times without a date sit on day 0 (1899-12-30/31)
  if (y === 1899 && r.getUTCMonth() === 11 && r.getUTCDate() >= 30) return time;
  if (h === 0 && mi === 0 && se === 0) return date;
  return `${date} ${time}`;
}

/** Excel serial day number → Date (UTC fields = wall clock). */
export function excelSerialToDate(serial: number, date1904 = false): Date {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  return new Date(epoch + Math.round(serial * 86400000));
}

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** Does an Excel number format show a date or time? */
export function isDateFormat(fmt: string | number | undefined | null): boolean {
  if (fmt == null) return false;
  if (typeof fmt === 'number') return BUILTIN_DATE_FORMATS.has(fmt);
  const f = fmt
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?!h\]|m\]|s\])[^\]]*\]/gi, '');
  if (/general/i.test(f)) return false;
  return /[ymdhs年月日时分秒]/i.test(f) && !/^[#0.,%\s]+$/.test(f);
}

/** Plain text of an exceljs cell value. `numFmt` is the cell's number format (for formula results). */
export function exceljsValueText(v: unknown, numFmt?: string, date1904 = false): string {
  if (v == null) return '';
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return isDateFormat(numFmt) ? formatDate(excelSerialToDate(v, date1904)) : formatNumber(v);
    case 'boolean':
      return v ? 'TRUE' : 'FALSE';
    case 'object': {
      if (v instanceof Date) return formatDate(v);
      const o = v as Record<string, unknown>;
      if (Array.isArray(o.richText)) return (o.richText as Array<{ text?: string }>).map((t) => t.text ?? '').join('');
      if ('formula' in o || 'sharedFormula' in o || 'result' in o) {
        const r = o.result;
        if (r == null) return '';
        if (typeof r === 'object' && r !== null && 'error' in (r as object)) return String((r as { error: unknown }).error);
        return exceljsValueText(r, numFmt, date1904);
      }
      if ('error' in o) return String(o.error);
      if ('text' in o) return exceljsValueText(o.text, undefined, date1904);
      if ('hyperlink' in o) return String(o.hyperlink);
      return '';
    }
    default:
      return String(v);
  }
}

/** 'A1' → {row, col} (1-based). */
export function decodeAddress(a: string): { row: number; col: number } {
  const m = /^\$?([A-Za-z]+)\$?(\d+)$/.exec(a.trim());
  if (!m) return { row: 0, col: 0 };
  let col = 0;
  for (const ch of m[1].toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]), col };
}

export interface MergeRange {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

export function decodeRange(ref: string): MergeRange | null {
  const [a, b] = ref.split(':');
  const s = decodeAddress(a);
  const e = decodeAddress(b ?? a);
  if (!s.row || !s.col || !e.row || !e.col) return null;
  return { r1: Math.min(s.row, e.row), c1: Math.min(s.col, e.col), r2: Math.max(s.row, e.row), c2: Math.max(s.col, e.col) };
}

/** Fill merged ranges in rows (0-based array; rows[i] = physical row i+1; cells 0-based) with the top-left value. */
export function fillMerges(rows: string[][], merges: MergeRange[]): void {
  for (const m of merges) {
    const tl = rows[m.r1 - 1]?.[m.c1 - 1] ?? '';
    if (tl === '') continue;
    for (let r = m.r1; r <= Math.min(m.r2, rows.length); r++) {
      const row = rows[r - 1];
      if (!row) continue;
      for (let c = m.c1; c <= m.c2; c++) {
        if (r === m.r1 && c === m.c1) continue;
        if (!row[c - 1]) {
          while (row.length < c - 1) row.push('');
          row[c - 1] = tl;
        }
      }
    }
  }
}
