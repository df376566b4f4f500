/** Periods such as 发放期间 / 所属期 (mirror of xc_norm_period). */
import { dateClean, parseDateClean } from './date.js';
import { trimInvisible } from './halfwidth.js';

/**
 * 'YYYY-MM' when the text is a month or a date (2023-03, 2023年3月, 202303, 2023.3, 2023/03, 2023-03-05, a 5-digit
 * Excel serial); otherwise the trimmed text (a bare number of up to 4 digits stays text); null if blank.
 */
export function normPeriod(s: string | null | undefined): string | null {
  if (s == null) return null;
  const c = dateClean(s);
  if (c === '') return null;
  if (/^[0-9]{1,4}$/.test(c)) return trimInvisible(s);
  const d = parseDateClean(c);
  return d ? d.slice(0, 7) : trimInvisible(s);
}

/** A pay month (工资月份) as 'YYYY-MM' from the forms normPeriod knows; null when blank or not a month (mirror of xc_parse_month). */
export function parseMonth(s: string | null | undefined): string | null {
  const p = normPeriod(s);
  return p != null && /^[1-9][0-9]{3}-(?:0[1-9]|1[0-2])$/.test(p) ? p : null;
}
