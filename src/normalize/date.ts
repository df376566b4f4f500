/** Dates (mirror of xc_parse_date / xc_is_open_date). Results are 'YYYY-MM-DD' text. */
import { INVISIBLE, halfwidth, trimInvisible } from './halfwidth.js';

const RUNS = new RegExp(`${INVISIBLE}+`, 'gu');
const SERIAL = /^[0-9]{1,5}(?:\.[0-9]*)?$/;
const YEAR_DOT_MONTH = /^(?:1[89]|20)[0-9]{2}\.[0-9]{1,2}$/;
/** Same pattern as xc__date_ymd: Y sep M [sep D [time]] | YYYYMM[DD[hhmmss]] | anything (→ '--'). */
const YMD =
  /^(?:([1-9][0-9]{3}) ?[-/.年] ?([0-9]{1,2}) ?(?:[-/.月] ?(?:([0-9]{1,2}) ?[日号]?(?:(?: |T) ?[0-9]{1,2}(?::[0-9]{1,2}){1,2}(?:\.[0-9]+)? ?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?)?)?|([1-9][0-9]{3})([0-9]{2})(?:([0-9]{2})(?:[0-9]{6})?)?|[^]*)$/;
const Y_M_D = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$/;

/** Words meaning "no date" (open-ended), compared after trimming and half-width conversion. */
export const OPEN_DATE_WORDS = ['至今', '长期', '长期有效', '永久', '永久有效', '无', '空', '无期限', '-', '--', '—', '——', '/', '至 今'];
const OPEN = new Set(OPEN_DATE_WORDS);

/** Half-width, runs of whitespace/invisible characters → one space, trimmed. */
export function dateClean(s: string): string {
  return trimInvisible(halfwidth(s).replace(RUNS, ' '));
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 'YYYY-MM-DD' when y-m-d is a real calendar date, else null. */
export function ymd(y: number, m: number, d: number): string | null {
  if (!(m >= 1 && m <= 12 && d >= 1)) return null;
  const dim = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= dim ? `${pad(y, 4)}-${pad(m)}-${pad(d)}` : null;
}

/**
 * Excel serial day number → 'YYYY-MM-DD'. Excel treats 1900 as a leap year: serial 60 is the non-existent
 * 1900-02-29 (→ null); 1..59 are 1900-01-01..1900-02-28; from 61 on, day 0 is 1899-12-30. Fractions (times) dropped.
 */
export function excelSerialToDate(serial: number): string | null {
  const n = Math.floor(serial);
  let days: number;
  if (n >= 61 && n <= 2958465) days = n;
  else if (n >= 1 && n < 60) days = n + 1;
  else return null;
  return new Date(Date.UTC(1899, 11, 30) + days * 86_400_000).toISOString().slice(0, 10);
}

/** parseDate on text already passed through dateClean. */
export function parseDateClean(c: string): string | null {
  if (SERIAL.test(c) && !YEAR_DOT_MONTH.test(c)) return excelSerialToDate(Number(c));
  let y = c.replace(YMD, '$1$4-$2$5-$3$6');
  if (y.endsWith('-')) y += '1';
  const m = Y_M_D.exec(y);
  return m ? ymd(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/**
 * 'YYYY-MM-DD' from 2023-03-05, 2023/3/5, 2023.3.5, 20230305, 2023年3月5日, 2023年3月 / 2023-03 / 2023.3 / 202303
 * (→ first day), Excel serials (≤ 5 integer digits, e.g. 44927 or 44927.5), datetimes (2023-03-05 12:34:56,
 * 2023/3/5 8:00, ISO with T and zone), full-width digits. null when blank, unparseable or impossible (2023-02-30).
 */
export function parseDate(s: string | null | undefined): string | null {
  if (s == null) return null;
  return parseDateClean(dateClean(s));
}

/** true for words meaning "no date": 至今, 长期, 永久, 无, 空, -, —, / … (see OPEN_DATE_WORDS). */
export function isOpenDate(s: string | null | undefined): boolean {
  return s != null && OPEN.has(dateClean(s));
}
