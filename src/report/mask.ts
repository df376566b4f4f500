/**
 * Masking of ID numbers and account numbers in every text a page shows (report.html, notebooks, dossiers): one
 * function, `maskIdsInText`, for all of them; `maskField` adds what a field's name tells (an account column).
 *
 * What counts: a run of digits — ASCII or full-width (０-９) — that may be broken by single spaces, U+3000, hyphens
 * or dashes of any width (- ‐ ‑ ‒ – — ― − －), or invisible characters (zero-width space/joiner, soft hyphen, BOM),
 * and may end in an ID check character X (x, Ｘ, ｘ). Letters or `.0` after it, or Chinese text before it, do not
 * shield it: `付张斌320922196808269379`, `3209 2219 6808 2693 79`, `３２０９２２…`, `3209-2219-…`, `…9379abc`,
 * `…9379.0` are all IDs. A run of 15 or more digits — resident IDs (15 and 18), bank cards (16–19), long accounts —
 * is masked; shorter runs (phone numbers, dates, amounts, voucher numbers) are left alone, except in account fields
 * (maskField), where 8 or more digits are masked keeping the last 4.
 *
 * The mask keeps the first 6 and the last 4 characters — `320922********9379` — like every ID and bank-card mask
 * in China (first six = region or bank, last four = what a 核查 call confirms); the separators and full-width forms
 * are dropped, so the same number always masks to the same text wherever and however it was written.
 * Not masked: the digits after a decimal point (`0.0291666666666666667`, a ratio, not an ID).
 */

const DIGIT = '[0-9\\uFF10-\\uFF19]';
const SEP = '(?:[ \\u00A0\\u3000\\-\\u2010-\\u2015\\u2212\\uFE58\\uFE63\\uFF0D]|[\\u200B-\\u200D\\u2060\\uFEFF\\u00AD])';
const CHECK = '[Xx\\uFF38\\uFF58]';
/** a digit run with single separators between digits, optionally ending in an X check character */
const RUN = new RegExp(`(?<![0-9\\uFF10-\\uFF19])${DIGIT}(?:${SEP}?${DIGIT})*(?:${SEP}?${CHECK})?`, 'g');
const QUICK = /[0-9\uFF10-\uFF19]{4}|[0-9\uFF10-\uFF19][^0-9\uFF10-\uFF19]?[0-9\uFF10-\uFF19][^0-9\uFF10-\uFF19]?[0-9\uFF10-\uFF19]/;

/** minimum digits (X included) of a masked run in free text */
export const MASK_MIN_DIGITS = 15;
/** minimum digits of a masked run in an account field */
export const ACCOUNT_MIN_DIGITS = 8;

function plain(run: string): string {
  let out = '';
  for (const ch of run) {
    const c = ch.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39) out += ch;
    else if (c >= 0xff10 && c <= 0xff19) out += String.fromCharCode(c - 0xff10 + 0x30);
    else if (ch === 'X' || ch === 'x' || ch === 'Ｘ' || ch === 'ｘ') out += 'X';
  }
  return out;
}

/** The mask of one number (digits only, X allowed last): first 6 and last 4 kept when at least 15 long. */
export function maskNumber(digits: string): string {
  const n = digits.length;
  if (n >= MASK_MIN_DIGITS) return digits.slice(0, 6) + '*'.repeat(n - 10) + digits.slice(-4);
  return '*'.repeat(Math.max(n - 4, 0)) + digits.slice(-4);
}

function maskRuns(text: string, minDigits: number): string {
  if (text.length < minDigits || !QUICK.test(text)) return text;
  return text.replace(RUN, (run: string, offset: number) => {
    const digits = plain(run);
    if (digits.length < minDigits) return run;
    // the fraction of a decimal number (0.0291666666666666667) is not an ID
    if (offset >= 2 && text[offset - 1] === '.' && /[0-9\uFF10-\uFF19]/.test(text[offset - 2])) return run;
    return maskNumber(digits);
  });
}

/** Every ID- or account-like number in a text masked (see the file header); other text unchanged. */
export function maskIdsInText(text: string): string {
  return maskRuns(text, MASK_MIN_DIGITS);
}

const ACCOUNT_FIELD = /account|card|账号|帐号|卡号|账户|帐户/i;

/** A field value masked with what its name tells: account fields mask 8 or more digits. */
export function maskField(name: string, text: string): string {
  return ACCOUNT_FIELD.test(name) && !/name|户名|名称/i.test(name) ? maskRuns(text, ACCOUNT_MIN_DIGITS) : maskIdsInText(text);
}

/** Deep copy of a JSON-like value with every string masked (object keys name their fields: see maskField). */
export function maskDeep<T>(value: T, key = ''): T {
  if (typeof value === 'string') return (key ? maskField(key, value) : maskIdsInText(value)) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, key)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, k);
    return out as T;
  }
  return value;
}
