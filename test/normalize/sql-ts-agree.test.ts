/**
 * The DuckDB macros (sql/macros/normalize.sql) and the TypeScript mirrors (src/normalize/*.ts) must give the same
 * answer for the same text: a hand-made list of awkward inputs plus a seeded fuzz of random strings built from
 * the characters the parsers care about.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { halfwidth, isBlank } from '../../src/normalize/halfwidth.js';
import { idCheckDigit, idForm, idInfo, normIdNumber } from '../../src/normalize/id-number.js';
import { normName } from '../../src/normalize/name.js';
import { isOpenDate, parseDate } from '../../src/normalize/date.js';
import { parseMoney, parseNumber } from '../../src/normalize/money.js';
import { normAccount } from '../../src/normalize/bank-account.js';
import { normPeriod, parseMonth } from '../../src/normalize/period.js';
import { openMacroDb, runMacros, type SqlRow } from './sql-helpers.js';

const HAND: (string | null)[] = [
  null, '', ' ', '\u3000', '\u200b', '\t\n', 'abc',
  // ids
  '110101199003078670', '11010119900307867x', ' 1101 0119 9003 0786 7X ', '１１０１０１１９９００３０７８６７０',
  "'110101199003078670", '110101900307867', '610104620932690', '440308199902301512', '111111199901101512',
  '110101188001010018', '110101187912310015', '520323297806058856', '33010219200403064x', '830000199201300022',
  'T60426199101010078', '3301022011022000D6', '12345678901234567', '1234567890123456789', '110101000000000',
  // SPEC §3.2 forms: member suffix (valid id + 1-2 digits; an invalid id + digits stays as written), masked ids
  '11010119900307867044', '1101011990030786704', '11010119900307867X4', '11010119900307867144', '110101199003078670123',
  '3209221965****1234', '320922********1234', '32092219650101123*', '3209221965＊＊＊＊1234', '320922●●●●●●●●1234',
  '320922XXXXXXXX1234', '**************1234', '****', '3209****', '320101199001010015',
  // names
  '张 三', ' 李四 ', '王\u3000五', '买买提•艾力', '买买提.艾力', '买买提。艾力', 'A・B', '阿·卜', '赵\u200b六', '\ufeff钱七',
  '孙\u00ad八', '周\u00a0九', 'ＡＢＣ', 'A.B', '迪丽‧热巴', '迪丽･热巴', '迪丽∙热巴',
  // dates
  '2023-03-05', '2023/3/5', '2023.3.5', '20230305', '2023年3月5日', '2023年3月', '2023-03', '2023/03', '44927', '44927.5',
  '45000', '60', '59', '61', '1', '0', '2958465', '99999', '100000', '2023-03-05 12:34:56', '2023/3/5 8:00',
  '2023-03-05T12:34:56Z', '2023-03-05T12:34:56.123+08:00', '２０２３－０３－０５', '2023-02-30', '2023-13-01', '2023.3',
  '2023.13', '2023.10', '202303', '202313', '20230305123456', ' 2023 年 3 月 5 日 ', '2023年3月5号', '2024-02-29',
  '1900-02-29', '9999-12-31', '0999-01-01', '2023-3-5x', '2023-03-00', '2023', '1999.5', '44927.', '3/5/2023',
  '至今', ' 长期 ', '—', '——', '-', '/', '无', '空', '永久', '长期有效',
  // money / numbers
  '1,234.50', '1234.5元', '￥1,234.50', '¥12', 'RMB 12.5', 'rmb12', '１２３４．５６', '(12.00)', '（12.00）', '-12', '12-',
  ' 1 234 ', '1.005', '-1.005', '2.675', '0.005', '-0.004', '12亩', '35.5㎡', '120平方米', '1.5万元', '1.5万', '1e3', '1.5E+2',
  '1.005e0', '.5', '5.', '+5', '-.5', '99999999999999999', '9999999999999999.99', '9999999999999999.995', '−5', '﹣5',
  '1,2,3', '--5', '(-5)', '12元整', 'inf', 'nan', '1e400', '0e5', '1.2.3', '12 元', '(12)元', '人民币100元',
  // accounts / periods
  '6222 0212-3456 7890', '６２２８４８', 'No.123', '2023年第一季度', '2023年03月', '2023-01至2023-03', '2023.03',
  // pay months (工资月份)
  '2023年03月份', '2023年3月工资', '2023-3', '2023/3', '2023年12月', '2023-00', '0999-01',
];

// seeded PRNG (mulberry32) so failures are reproducible
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const ALPHABET = [
  ...'0123456789012345678901234567890123456789', ...'０１２３４５６７８９', ...'-/.:,()+eEXx T', ...'年月日号元亩万',
  '\u3000', '\u200b', '\ufeff', '\u00a0', '•', '・', '张', '王', '￥', '¥', '（', '）', "'", '\t',
];
function fuzz(n: number, seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const len = 1 + Math.floor(r() * 20);
    let s = '';
    for (let j = 0; j < len; j++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
    out.push(s);
  }
  // date-shaped and id-shaped strings hit the interesting branches far more often than uniform noise
  for (let k = 0; k < n; k++) {
    const y = 1850 + Math.floor(r() * 200);
    const m = Math.floor(r() * 14);
    const d = Math.floor(r() * 33);
    const sep = ['-', '/', '.', '年'][Math.floor(r() * 4)];
    out.push(`${y}${sep}${m}${sep === '年' ? '月' : sep}${d}${sep === '年' ? '日' : ''}`);
    out.push(`${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`);
    out.push(String(Math.floor(r() * 120000)) + (r() < 0.3 ? '.5' : ''));
    const first17 = String(110000 + Math.floor(r() * 600000)) + `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}` + String(Math.floor(r() * 1000)).padStart(3, '0');
    out.push(r() < 0.7 ? first17 + idCheckDigit(first17) : first17 + 'X');
    out.push(first17 + idCheckDigit(first17) + String(Math.floor(r() * 100)));
    out.push(first17.slice(0, 6 + Math.floor(r() * 6)) + '****' + first17.slice(14, 17) + idCheckDigit(first17));
    out.push(first17.slice(0, 6) + first17.slice(8, 17));
    out.push((r() < 0.5 ? '-' : '') + (r() * 10 ** Math.floor(r() * 12)).toFixed(Math.floor(r() * 5)));
  }
  return out;
}

let db: Db;
beforeAll(async () => {
  db = await openMacroDb();
});
afterAll(() => db?.close());

function tsRow(s: string | null): Omit<SqlRow, 'i'> {
  const id = normIdNumber(s);
  const info = idInfo(id);
  return {
    blank: isBlank(s),
    hw: s == null ? null : halfwidth(s),
    norm_id: id,
    id_form: idForm(s),
    id_masked: idForm(s) === 'masked',
    id_valid: info.valid,
    id_birth: info.birthDate,
    id_sex: info.sex,
    name: normName(s),
    date: parseDate(s),
    open: isOpenDate(s),
    money: parseMoney(s),
    number: parseNumber(s),
    account: normAccount(s),
    period: normPeriod(s),
    month: parseMonth(s),
  };
}

async function compare(inputs: (string | null)[]) {
  const rows = await runMacros(db, inputs);
  expect(rows.length).toBe(inputs.length);
  const diffs: unknown[] = [];
  for (const row of rows) {
    const { i, ...sql } = row;
    const s = inputs[Number(i)];
    const ts = tsRow(s);
    for (const k of Object.keys(ts) as (keyof typeof ts)[]) {
      // @duckdb/node-api decodes VARCHARs with a TextDecoder that drops a leading U+FEFF: compare without it
      const want = typeof ts[k] === 'string' ? (ts[k] as string).replace(/^\uFEFF/, '') : ts[k];
      if (sql[k] !== want) diffs.push({ input: s, field: k, sql: sql[k], ts: ts[k] });
    }
  }
  expect(diffs.slice(0, 20)).toEqual([]);
}

describe('SQL macros and TS mirrors agree', () => {
  it('on hand-made edge cases', async () => {
    await compare(HAND);
  });
  it('on seeded random strings (7 × XC_FUZZ, default 300)', async () => {
    await compare(fuzz(Number(process.env.XC_FUZZ ?? 300), Number(process.env.XC_SEED ?? 20240601)));
  });
});
