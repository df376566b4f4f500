/**
 * Chinese resident ID numbers (GB 11643): ISO 7064 MOD 11-2 check digit, 15 → 18 digit conversion, validity and
 * derived birth date / sex / region. The same logic exists as DuckDB macros in sql/macros/normalize.sql
 * (xc_norm_id, xc_id_valid, xc_id_birth, xc_id_sex; set-based); test/normalize checks both agree.
 */
import { readFileSync } from 'node:fs';
import { INVISIBLE, halfwidth } from './halfwidth.js';
import { REGION_CSV } from './macros.js';
import { ymd } from './date.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Check character for the first 17 digits. */
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/** 'YYYY-MM-DD' from 8 digits yyyymmdd when it is a real calendar date. */
function yyyymmdd(s: string): string | null {
  if (!/^[0-9]{8}$/.test(s)) return null;
  return ymd(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8)));
}

/** A legacy 15-digit id → 18 digits: '19' inserted after the 6-digit region code, check character appended. */
export function to18(id15: string): string {
  const first17 = id15.slice(0, 6) + '19' + id15.slice(6, 15);
  return first17 + idCheckDigit(first17);
}

const CLEAN = new RegExp(`^[${INVISIBLE.slice(1, -1)}']+|${INVISIBLE}+`, 'gu');

/** Cleaned id text (mirror of xc__id_clean): half-width, whitespace/invisible and leading ' removed, upper case. */
export function cleanIdText(s: string): string {
  return halfwidth(s).replace(CLEAN, '').toUpperCase();
}

/** A valid 18-character id followed by a 1–2 digit member number (…181X44); c already cleaned. */
function isSuffixed(c: string): boolean {
  return /^[0-9]{17}[0-9X][0-9]{1,2}$/.test(c) && idCheckDigit(c.slice(0, 17)) === c[17];
}

/** A masked id (3209221965****1234, 320922********1234); c already cleaned. Mirror of xc__id_masked_clean. */
function isMaskedClean(c: string): boolean {
  return (
    /^[0-9X*●]{14,18}$/.test(c) && (/[*●]/.test(c) || c.slice(0, -1).includes('X')) && c.replace(/[^0-9]/g, '').length >= 4
  );
}

/**
 * How a written id departs from an id (SPEC §3.2, mirror of xc_id_form): 'suffix' for a valid 18-character id plus
 * a 1–2 digit member number (normIdNumber gives the id), 'masked' (normIdNumber gives null), else null.
 */
export function idForm(s: string | null | undefined): 'suffix' | 'masked' | null {
  if (s == null || /^[0-9]{17}[0-9X]$/.test(s)) return null;
  const c = cleanIdText(s);
  if (isSuffixed(c)) return 'suffix';
  if (isMaskedClean(c)) return 'masked';
  return null;
}

/**
 * Normalized id text: half-width, every whitespace/invisible character removed, leading Excel text marks (')
 * removed, upper case; a 15-digit id whose 19yymmdd is a real date becomes 18 digits; a valid 18-character id with
 * a 1–2 digit member suffix becomes the id. A masked id is not an id: null. Anything else stays as written
 * (cleaned). null when blank.
 */
export function normIdNumber(s: string | null | undefined): string | null {
  if (s == null) return null;
  const c = cleanIdText(s);
  if (c === '') return null;
  if (/^[0-9]{15}$/.test(c) && yyyymmdd('19' + c.slice(6, 12))) return to18(c);
  if (isSuffixed(c)) return c.slice(0, 18);
  if (isMaskedClean(c)) return null;
  return c;
}

export interface IdInfo {
  valid: boolean;
  birthDate: string | null;
  sex: '男' | '女' | null;
  region: string | null;
}

let regionCodes: Set<string> | undefined;

/**
 * GB/T 2260 codes ever in use (1980–2024), from the same CSV as the DuckDB table _ref_region, plus the city-level
 * 市辖区 code xxxx01 of every prefecture-level 市 (320101 南京市市辖区, 411401 商丘市市辖区): county lists omit them,
 * but IDs were issued under them (SPEC §3.2). Cached.
 */
export function loadRegionCodeSet(): Set<string> {
  if (!regionCodes) {
    const set = new Set<string>();
    for (const line of readFileSync(REGION_CSV, 'utf8').split(/\r?\n/)) {
      const cells = line.replace(/^\uFEFF/, '').split(',');
      const code = cells[0];
      if (!/^[0-9]{6}$/.test(code)) continue;
      set.add(code);
      if (cells[4] === '地级' && cells[3]?.endsWith('市')) set.add(code.slice(0, 4) + '01');
    }
    regionCodes = set;
  }
  return regionCodes;
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * Facts of a normalized id (as xc_norm_id returns it; mirror of xc_id_valid / xc_id_birth / xc_id_sex):
 * - birthDate: for 17 digits + digit or X, the yyyymmdd at positions 7–14 when it is a real date in 1880-01-01..today
 * - sex: 17th digit odd → 男, even → 女 (same format condition)
 * - region: the first 6 digits (same format condition), whether or not the code is known
 * - valid: format, MOD 11-2 check character, birthDate present, region in `codes` (default: loadRegionCodeSet()).
 *   The region policy is lenient: a code in use at any time counts, not necessarily in the birth year.
 */
export function idInfo(id: string | null | undefined, codes: Set<string> = loadRegionCodeSet()): IdInfo {
  if (id == null || !/^[0-9]{17}[0-9X]$/.test(id)) return { valid: false, birthDate: null, sex: null, region: null };
  let birthDate = yyyymmdd(id.slice(6, 14));
  if (birthDate && (birthDate < '1880-01-01' || birthDate > today())) birthDate = null;
  const sex = (id.charCodeAt(16) - 48) % 2 === 1 ? '男' : '女';
  const region = id.slice(0, 6);
  const valid = idCheckDigit(id) === id[17] && birthDate != null && codes.has(region);
  return { valid, birthDate, sex, region };
}
