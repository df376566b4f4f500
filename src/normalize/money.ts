/** Money and numbers (mirrors of xc_parse_money / xc_parse_number). */
import { INVISIBLE, halfwidth } from './halfwidth.js';

const MONEY_JUNK = new RegExp(`[${INVISIBLE.slice(1, -1)},]+|RMB|CNY|人民币|元整|[¥￥元]`, 'giu');
const NUMBER_JUNK = new RegExp(
  `[${INVISIBLE.slice(1, -1)},]+|RMB|CNY|人民币|[¥￥]|(?:亩|㎡|m²|m2|平方米|平米|公顷|万元|元)${INVISIBLE}*$`,
  'giu',
);
const NUM = /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;
/** Money accepts an exponent only as Excel writes big numbers (1.23E+07). */
const MONEY_NUM = /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]\+?[0-9]{1,2})?$/;

function finish(t: string): string {
  return t.replace(/−/g, '-').replace(/﹣/g, '-').replace(/^\((.*)\)$/su, '-$1');
}

/** Cleaned text a money value is parsed from (half-width, separators/currency removed, (x) → -x). */
export function moneyText(s: string): string {
  return finish(halfwidth(s).replace(MONEY_JUNK, ''));
}

/** As moneyText, and a trailing unit (亩 ㎡ m² 平方米 平米 公顷 万元 元) removed; never scaled. */
export function numberText(s: string): string {
  return finish(halfwidth(s).replace(NUMBER_JUNK, ''));
}

const DECIMAL_18_2_LIMIT = 10n ** 18n; // in cents

/** Exact decimal text → cents, rounded half away from zero; null when out of DECIMAL(18,2) range. */
function toCents(t: string): bigint | null {
  const m = /^([-+]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([-+]?[0-9]+))?$/.exec(t);
  if (!m) return null;
  const neg = m[1] === '-';
  const int = m[2];
  const all = int + (m[3] ?? '');
  const digits = all.replace(/^0+/, '');
  if (digits === '') return 0n;
  const exp = Number(m[4] ?? 0);
  // the value is 0.<digits> × 10^point
  const point = int.length + exp - (all.length - digits.length);
  const keep = point + 2; // digits kept to the left of the rounding position
  let cents: bigint;
  if (keep >= digits.length) {
    if (keep > 40) return null;
    cents = BigInt(digits + '0'.repeat(keep - digits.length));
  } else if (keep < 0) {
    cents = 0n;
  } else {
    cents = BigInt(digits.slice(0, keep) || '0') + (digits[keep] >= '5' ? 1n : 0n);
  }
  if (cents >= DECIMAL_18_2_LIMIT) return null;
  return neg ? -cents : cents;
}

/**
 * Amount as a fixed 2-decimal string (DECIMAL(18,2) semantics, rounded half away from zero) from 1,234.50,
 * 1234.5元, ￥1,234.50, ¥, RMB, full-width digits, (12.00) / （12.00） and leading '-' negatives. null when blank,
 * not a number ('12-', '1.5万') or too large.
 */
export function parseMoney(s: string | null | undefined): string | null {
  if (s == null) return null;
  const t = moneyText(s);
  if (!MONEY_NUM.test(t)) return null;
  const c = toCents(t);
  if (c == null) return null;
  const a = c < 0n ? -c : c;
  const str = a.toString().padStart(3, '0');
  return `${c < 0n ? '-' : ''}${str.slice(0, -2)}.${str.slice(-2)}`;
}

/** Number (DOUBLE) with the same cleaning as parseMoney, plus a trailing unit removed (亩, ㎡, 平方米, 万元 — not scaled). */
export function parseNumber(s: string | null | undefined): number | null {
  if (s == null) return null;
  const t = numberText(s);
  if (!NUM.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}
