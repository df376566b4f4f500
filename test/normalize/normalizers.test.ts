/** Table-driven edge cases of every TypeScript normalizer (the SQL macros are held to the same answers by sql-ts-agree). */
import { describe, expect, it } from 'vitest';
import { halfwidth, isBlank, trimInvisible } from '../../src/normalize/halfwidth.js';
import { idCheckDigit, idForm, idInfo, normIdNumber, to18 } from '../../src/normalize/id-number.js';
import { normName } from '../../src/normalize/name.js';
import { excelSerialToDate, isOpenDate, parseDate } from '../../src/normalize/date.js';
import { parseMoney, parseNumber } from '../../src/normalize/money.js';
import { normAccount } from '../../src/normalize/bank-account.js';
import { normPeriod } from '../../src/normalize/period.js';

type Case<T> = [input: string | null, expected: T];
const table = <T>(name: string, fn: (s: string | null) => T, cases: Case<T>[]) =>
  describe(name, () => {
    it.each(cases)('%j → %j', (input, expected) => {
      expect(fn(input)).toEqual(expected);
    });
  });

table('isBlank', isBlank, [
  [null, true], ['', true], [' ', true], ['\u3000\t\n', true], ['\u200b\ufeff\u00a0', true], ['a', false], [' 0 ', false],
]);

table('halfwidth', (s) => halfwidth(s!), [
  ['１２３ＡＢＣａｂｃ', '123ABCabc'], ['（１２．５０）', '(12.50)'], ['a\u3000b', 'a b'], ['张三', '张三'], ['～！＠', '~!@'],
  ['￥', '￥'], ['･', '･'],
]);

table('trimInvisible', (s) => trimInvisible(s!), [['\u3000 a b \u200b', 'a b'], ['\ufeffx', 'x'], ['x', 'x']]);

table('normIdNumber', normIdNumber, [
  [null, null], ['', null], ['\u3000 ', null],
  ['110101199003078670', '110101199003078670'],
  [' 11010119900307867x ', '11010119900307867X'],
  ['１１０１０１ １９９００３０７８６７ｘ', '11010119900307867X'],
  ['1101 0119 9003 0786 70', '110101199003078670'],
  ["'110101199003078670", '110101199003078670'],
  [" '110101199003078670\t", '110101199003078670'],
  ['\u200b110101199003078670\ufeff', '110101199003078670'],
  ['150102880730303', '150102198807303035'], // 15 → 18
  ['330102200403064', '33010219200403064X'],
  ['610104620932690', '610104620932690'], // 15 digits, 1962-09-32 is no date: kept as written
  ['12345678A', '12345678A'],
  ['abc-123', 'ABC-123'],
]);

describe('to18 / idCheckDigit', () => {
  it.each([
    ['150102880730303', '150102198807303035'],
    ['330102200403064', '33010219200403064X'],
    ['610104620927690', '610104196209276908'],
    ['110101491001001', '11010119491001001X'],
  ])('%s → %s', (id15, id18) => {
    expect(to18(id15)).toBe(id18);
    expect(idCheckDigit(id18.slice(0, 17))).toBe(id18[17]);
  });
});

table('idInfo', (s) => idInfo(s), [
  [null, { valid: false, birthDate: null, sex: null, region: null }],
  ['110101199003078670', { valid: true, birthDate: '1990-03-07', sex: '男', region: '110101' }],
  ['11010119900307867X', { valid: false, birthDate: '1990-03-07', sex: '男', region: '110101' }], // wrong check
  ['33010219200403064X', { valid: true, birthDate: '1920-04-03', sex: '女', region: '330102' }],
  ['440308199902301512', { valid: false, birthDate: null, sex: '男', region: '440308' }], // Feb 30
  ['111111199901101512', { valid: false, birthDate: '1999-01-10', sex: '男', region: '111111' }], // no such region
  ['520323297806058856', { valid: false, birthDate: null, sex: '男', region: '520323' }], // born in the future
  ['110101187912310015', { valid: false, birthDate: null, sex: '男', region: '110101' }], // before 1880
  ['11010119900307867x', { valid: false, birthDate: null, sex: null, region: null }], // not normalized: lower x
  ['110101900307867', { valid: false, birthDate: null, sex: null, region: null }], // 15 digits: normalize first
]);

it('idInfo accepts a custom region set', () => {
  const id = '111111199901101512';
  const fixed = id.slice(0, 17) + idCheckDigit(id);
  expect(idInfo(fixed).valid).toBe(false);
  expect(idInfo(fixed, new Set(['111111'])).valid).toBe(true);
});

table('normName', normName, [
  [null, null], ['', null], [' \u3000', null],
  ['张 三', '张三'], [' 李四 ', '李四'], ['王\u3000五', '王五'], ['赵\u200b六', '赵六'], ['\ufeff钱七', '钱七'], ['孙\u00ad八', '孙八'],
  ['周\u00a0九', '周九'], ['ＡＢＣ', 'ABC'],
  ['买买提•艾力', '买买提·艾力'], ['买买提・艾力', '买买提·艾力'], ['买买提‧艾力', '买买提·艾力'], ['买买提･艾力', '买买提·艾力'],
  ['买买提∙艾力', '买买提·艾力'], ['买买提·艾力', '买买提·艾力'], ['买买提.艾力', '买买提·艾力'], ['买买提。艾力', '买买提·艾力'],
  ['买买提．艾力', '买买提·艾力'], ['A.B', 'A.B'],
]);

table('parseDate', parseDate, [
  [null, null], ['', null], ['  ', null], ['abc', null],
  ['2023-03-05', '2023-03-05'], ['2023/3/5', '2023-03-05'], ['2023.3.5', '2023-03-05'], ['20230305', '2023-03-05'],
  ['2023年3月5日', '2023-03-05'], ['2023年3月5号', '2023-03-05'], [' 2023 年 3 月 5 日 ', '2023-03-05'],
  ['2023年3月', '2023-03-01'], ['2023-03', '2023-03-01'], ['2023/03', '2023-03-01'], ['2023.3', '2023-03-01'],
  ['202303', '2023-03-01'],
  ['2023-03-05 12:34:56', '2023-03-05'], ['2023/3/5 8:00', '2023-03-05'], ['2023-03-05T12:34:56Z', '2023-03-05'],
  ['2023-03-05T12:34:56.123+08:00', '2023-03-05'], ['20230305123456', '2023-03-05'],
  ['２０２３－０３－０５', '2023-03-05'], ['２０２３年３月５日', '2023-03-05'],
  ['2023-02-30', null], ['2023-13-01', null], ['2023-03-00', null], ['2023.13', null], ['202313', null],
  ['2024-02-29', '2024-02-29'], ['2023-02-29', null], ['1900-02-29', null], ['2000-02-29', '2000-02-29'],
  ['2023-3-5x', null], ['3/5/2023', null], ['0999-01-01', null], ['9999-12-31', '9999-12-31'],
  // Excel serials: ≤ 5 integer digits
  ['44927', '2023-01-01'], ['44927.5', '2023-01-01'], ['45000', '2023-03-15'], ['45000.999', '2023-03-15'],
  ['1', '1900-01-01'], ['59', '1900-02-28'], ['60', null], ['61', '1900-03-01'], ['0', null], ['99999', '2173-10-13'],
  ['100000', null], ['４４９２７', '2023-01-01'],
]);

describe('excelSerialToDate', () => {
  it.each([
    [45000, '2023-03-15'], [44927.75, '2023-01-01'], [1, '1900-01-01'], [59, '1900-02-28'], [60, null], [61, '1900-03-01'],
    [0, null], [-1, null], [2958465, '9999-12-31'], [2958466, null],
  ])('%d → %s', (n, d) => expect(excelSerialToDate(n)).toBe(d));
});

table('isOpenDate', isOpenDate, [
  ['至今', true], [' 长期 ', true], ['长期有效', true], ['永久', true], ['无', true], ['空', true], ['-', true], ['－', true],
  ['—', true], ['——', true], ['/', true], ['／', true], ['\u3000至今\u3000', true],
  [null, false], ['', false], ['2023-03-05', false], ['至今为止', false],
]);

table('parseMoney', parseMoney, [
  [null, null], ['', null], ['　', null], ['abc', null],
  ['1,234.50', '1234.50'], ['1234.5元', '1234.50'], ['￥1,234.50', '1234.50'], ['¥12', '12.00'], ['RMB 12.5', '12.50'],
  ['rmb12', '12.00'], ['人民币100元', '100.00'], ['12元整', '12.00'], ['１２３４．５６', '1234.56'], ['￥１，２３４．５０', '1234.50'],
  ['(12.00)', '-12.00'], ['（12.00）', '-12.00'], ['(12)元', '-12.00'], ['-12', '-12.00'], ['−5', '-5.00'], ['+5', '5.00'],
  ['12-', null], ['--5', null], ['(-5)', null], ['1.2.3', null], ['1.5万', null], ['1.5万元', null],
  [' 1 234 ', '1234.00'], ['12 元', '12.00'], ['.5', '0.50'], ['5.', '5.00'], ['-.5', '-0.50'], ['0', '0.00'],
  // rounding: half away from zero, exact on the text
  ['1.005', '1.01'], ['-1.005', '-1.01'], ['2.675', '2.68'], ['1.0049999', '1.00'], ['0.005', '0.01'], ['-0.004', '0.00'],
  // Excel's E+nn for big numbers
  ['1.5E+2', '150.00'], ['1.23456789E+07', '12345678.90'], ['1e-3', null],
  // DECIMAL(18,2) range
  ['9999999999999999.99', '9999999999999999.99'], ['9999999999999999.995', null], ['99999999999999999', null],
]);

table('parseNumber', parseNumber, [
  [null, null], ['', null], ['abc', null], ['1,234.5', 1234.5], ['12亩', 12], ['35.5㎡', 35.5], ['120平方米', 120],
  ['80 平米', 80], ['2公顷', 2], ['1.5万元', 1.5], ['1.5万', null], ['(3.5)', -3.5], ['1e3', 1000], ['1e-3', 0.001],
  ['1e400', null], ['inf', null], ['nan', null], ['１２．５', 12.5],
]);

table('normAccount', normAccount, [
  [null, null], ['', null], ['abc', null], ['6222 0212-3456 7890', '6222021234567890'], ['６２２８ ４８', '622848'],
  ['No.123', '123'], ["'6217000000000000000", '6217000000000000000'],
]);

table('normPeriod', normPeriod, [
  [null, null], ['', null], ['\u3000', null],
  ['2023-03', '2023-03'], ['2023年3月', '2023-03'], ['2023年03月', '2023-03'], ['202303', '2023-03'], ['2023.3', '2023-03'],
  ['2023.03', '2023-03'], ['2023/03', '2023-03'], ['2023-03-05', '2023-03'], ['2023年3月5日', '2023-03'], ['44986', '2023-03'],
  ['２０２３－０３', '2023-03'],
  ['2023', '2023'], [' 2023 ', '2023'], ['12', '12'], ['2023年第一季度', '2023年第一季度'], [' 2023-13 ', '2023-13'],
  ['2023-01至2023-03', '2023-01至2023-03'],
]);

describe('ID forms seen in real files (SPEC §3.2)', () => {
  const id = (first17: string) => first17 + idCheckDigit(first17);
  const VALID = id('32092219650101123'); // 320922 滨海县

  it('an 18-character ID with a 1–2 digit member suffix is the ID', () => {
    expect(normIdNumber(VALID + '44')).toBe(VALID);
    expect(normIdNumber(VALID + '7')).toBe(VALID);
    expect(idForm(VALID + '44')).toBe('suffix');
    expect(idInfo(normIdNumber(VALID + '44')).valid).toBe(true);
  });

  it('does not cut a suffix from an invalid ID or a longer run of digits', () => {
    const wrong = VALID.slice(0, 17) + (VALID[17] === '1' ? '2' : '1');
    expect(normIdNumber(wrong + '44')).toBe(wrong + '44');
    expect(normIdNumber(VALID + '123')).toBe(VALID + '123');
    expect(idForm(wrong + '44')).toBeNull();
  });

  it('a masked ID is not an ID: no number, marked masked', () => {
    for (const m of ['3209221965****1234', '320922********1234', '３２０９２２１９６５＊＊＊＊１２３４', '320922●●●●●●●●1234', '32092219650101123*']) {
      expect(normIdNumber(m), m).toBeNull();
      expect(idForm(m), m).toBe('masked');
    }
    expect(idForm(VALID)).toBeNull();
    expect(idForm('11010119900307867X')).toBeNull(); // a check character X is not a mask
    expect(idForm('****')).toBeNull(); // too short to be an ID
  });

  it('city-level 市辖区 codes xxxx01 are plausible regions', () => {
    for (const region of ['320101', '411401', '370101', '440401']) {
      expect(idInfo(id(region + '19900101123')).valid, region).toBe(true);
    }
    // a code that never existed stays implausible
    expect(idInfo(id('320199' + '19900101123')).valid).toBe(false);
  });
});
