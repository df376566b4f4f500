/**
 * Value-based column recognition (SPEC §3.2, issue 10): a sample of a column's values (the rows below the header in
 * the preview) tells what the column can be, whatever its header says.
 *
 * - confirm / reject a header mapping: a column mapped by its header to an id, date, money or number field whose
 *   values are clearly not of that type (5+ values, under 20% fit; a loose `weak` header word needs half) is not
 *   mapped: `ID` holding 1, 2, 3 is a row number, not an id_number;
 * - recognise a required field no header named, only on a clear signature and only when exactly one unmapped column
 *   has it: ids (18 characters with a right check character, or masked ids with a known region code), dates written
 *   as dates (not bare numbers; not under a 出生/生日 header), amounts (decimals or separators, under a header with a
 *   money word: 金, 额, 元, 费 …, or the field's own hint: 借 for debit), person names (2–4 Han characters, mostly
 *   common surnames). Free text (unit, summary, village …) is never recognised by values: an unnamed required text
 *   field stays an error;
 * - make suggestions plausible: a field is suggested for an unmapped column only when the values fit its type.
 * Needs at least MIN_VALUES non-blank values; every decision is reported (stderr, manifest).
 */
import { isBlank } from '../normalize/halfwidth.js';
import { idCheckDigit, idForm, idInfo, loadRegionCodeSet, cleanIdText } from '../normalize/id-number.js';
import { dateClean, isOpenDate, parseDate } from '../normalize/date.js';
import { parseNumber } from '../normalize/money.js';
import type { FieldSpec, FieldType } from '../schema/canonical-tables.js';

/** fewest non-blank values a decision is made on */
export const MIN_VALUES = 5;
/** share of values that must fit to recognise a field by values alone */
export const RECOGNISE_SHARE = 0.9;
/** below this share a header mapping is rejected */
export const REJECT_SHARE = 0.2;
/** a weak header word needs at least this share */
export const WEAK_SHARE = 0.5;

export interface ColumnProfile {
  /** non-blank values in the sample */
  n: number;
  /** up to 3 distinct values, for messages */
  samples: string[];
  distinct: number;
  /** 18-character ids with a right check character and real birth date (a 1–2 digit member suffix allowed), valid 15-digit ids */
  idValid: number;
  /** masked ids (3209221965****1234) whose first 6 digits are a known region code */
  idMasked: number;
  /** id-shaped: 15–20 characters of digits, X and mask characters (valid or not) */
  idShape: number;
  /** dates written as dates: separators or 年月日, or 8-digit yyyymmdd within 1900–2100 */
  dateText: number;
  /** anything the date parser accepts (incl. Excel serials) or an open-date word (至今) */
  dateAny: number;
  /** parses as a number */
  num: number;
  /** numbers that look like amounts: decimals, thousands separators or a currency mark */
  money: number;
  /** numbers that are long digit strings (phone, account, id: 9+ digits, no decimals) */
  longDigits: number;
  /** 2–4 Han characters (a middle dot allowed), not a place or organisation word */
  hanName: number;
  /** of hanName, starting with a common surname */
  surname: number;
  /** values are 1, 2, 3 … in order (a 序号 column) */
  sequence: boolean;
}

// the ~120 most frequent surnames (about 90% of the population)
const SURNAMES = new Set(
  ('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤' +
    '常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝')
    .split(''),
);
const PLACE_OR_ORG = /(村|镇|乡|街道|社区|组|局|委|县|市|区|队|站|所|院|校|司|厂|店|部|办|室|会|中心|合作社|公司|银行|费|金|款|补贴|津贴|保险|项目)$/;
const HAN_NAME = /^\p{Script=Han}{1,2}(?:·?\p{Script=Han}){1,3}$/u;
const DATE_TEXT = /^(?:[12][0-9]{3}\s*[-/.年]\s*[0-9]{1,2}(?:\s*[-/.月]\s*[0-9]{1,2}\s*[日号]?)?(?:\s*月)?(?:[ T][0-9:.]+.*)?|(?:19|20)[0-9]{6})$/;

function maskForMessage(v: string): string {
  // ID-shaped sample values are shown masked in messages (personal data): first 6, last 4
  const c = v.replace(/\s/g, '');
  return /^[0-9X*●]{15,20}$/i.test(c) ? `${c.slice(0, 6)}${'*'.repeat(c.length - 10)}${c.slice(-4)}` : v.length > 24 ? v.slice(0, 23) + '…' : v;
}

export function profileColumn(values: string[]): ColumnProfile {
  const codes = loadRegionCodeSet();
  const p: ColumnProfile = {
    n: 0, samples: [], distinct: 0, idValid: 0, idMasked: 0, idShape: 0, dateText: 0, dateAny: 0, num: 0, money: 0,
    longDigits: 0, hanName: 0, surname: 0, sequence: false,
  };
  const seen = new Set<string>();
  let seq = true;
  for (const raw of values) {
    if (raw == null || isBlank(raw)) continue;
    const v = raw.trim();
    p.n++;
    if (!seen.has(v)) {
      seen.add(v);
      if (p.samples.length < 3) p.samples.push(maskForMessage(v));
    }
    if (seq && v !== String(p.n)) seq = false;
    // ids
    const c = cleanIdText(v);
    if (/^[0-9X*●]{14,20}$/.test(c) && /^[0-9*●]/.test(c)) p.idShape++;
    const form = idForm(v);
    if (form === 'masked') {
      if (codes.has(c.slice(0, 6))) p.idMasked++;
    } else {
      const id = form === 'suffix' ? c.slice(0, 18) : /^[0-9]{15}$/.test(c) ? c.slice(0, 6) + '19' + c.slice(6) + idCheckDigit(c.slice(0, 6) + '19' + c.slice(6)) : c;
      if (/^[0-9]{17}[0-9X]$/.test(id) && idCheckDigit(id.slice(0, 17)) === id[17] && idInfo(id, codes).birthDate) p.idValid++;
    }
    // dates
    const dc = dateClean(v);
    if (DATE_TEXT.test(dc) && parseDate(dc)) p.dateText++;
    if (parseDate(v) || isOpenDate(v)) p.dateAny++;
    // numbers
    const num = parseNumber(v);
    if (num != null) {
      p.num++;
      if (/^[0-9]{9,}$/.test(v.replace(/[\s-]/g, ''))) p.longDigits++;
      else if (/\.[0-9]{1,2}\s*元?$|[0-9],[0-9]{3}|[¥￥元]/.test(v)) p.money++;
    }
    // person names
    const name = v.replace(/[\s\u3000]/g, '').replace(/[•・‧･]/g, '·');
    if (HAN_NAME.test(name) && !PLACE_OR_ORG.test(name)) {
      p.hanName++;
      if (SURNAMES.has(name[0])) p.surname++;
    }
  }
  p.distinct = seen.size;
  p.sequence = seq && p.n >= 3;
  return p;
}

/**
 * Share of the sample that fits a field type (1 when the type has no value signature, e.g. free text). `strict`
 * (for suggestions): a person name must look like one (2–4 Han characters), not merely be text — an owner or
 * account holder may be a company, so a mapping is not refused on that.
 */
export function fitShare(type: FieldType, p: ColumnProfile, strict = false): number {
  if (p.n === 0) return 1;
  switch (type) {
    case 'id':
      return p.idShape / p.n;
    case 'date':
      return p.dateAny / p.n;
    case 'money':
    case 'number':
      return p.num / p.n;
    case 'name':
      // a person-name column holds text, not numbers or ids
      return strict ? p.hanName / p.n : (p.n - Math.max(p.num, p.idShape)) / p.n;
    case 'account':
      return strict ? p.num / p.n : 1;
    default:
      return 1;
  }
}

/** Why a header mapping is refused by its values, or null when it stands. `weak`: the header word was a loose one. */
export function rejectReason(field: FieldSpec, p: ColumnProfile, weak: boolean): { zh: string; en: string } | null {
  if (p.n < (weak ? 1 : MIN_VALUES)) return null;
  const share = fitShare(field.type, p);
  if (share >= (weak ? WEAK_SHARE : REJECT_SHARE)) return null;
  const what = TYPE_WORD[field.type];
  return {
    zh: `${p.n} 个样本值中只有 ${Math.round(share * p.n)} 个像${what.zh}（样本：${p.samples.join('、')}）`,
    en: `only ${Math.round(share * p.n)} of ${p.n} sample values look like ${what.en} (e.g. ${p.samples.join(', ')})`,
  };
}

const TYPE_WORD: Record<FieldType, { zh: string; en: string }> = {
  id: { zh: '身份证号', en: 'ID numbers' },
  date: { zh: '日期', en: 'dates' },
  money: { zh: '金额', en: 'amounts' },
  number: { zh: '数字', en: 'numbers' },
  name: { zh: '人名', en: 'names' },
  text: { zh: '文字', en: 'text' },
  account: { zh: '账号', en: 'account numbers' },
  month: { zh: '月份', en: 'months' },
};

/** money words a header must contain for an amount to be recognised by values (unless the field has its own hint) */
const MONEY_HINT = /金|额|元|费|款|资|补|薪|酬|钱|付|支|发|价|计/;
const BIRTH = /出生|生日|年龄/;

/**
 * Whether the column's values alone show it is `field` (a required field no header named). Returns the evidence
 * (Chinese, English) or null. Uniqueness among candidates is the caller's job.
 */
export function recogniseByValues(field: FieldSpec, header: string, p: ColumnProfile): { zh: string; en: string } | null {
  if (p.n < MIN_VALUES) return null;
  const share = (k: number) => k / p.n;
  switch (field.type) {
    case 'id': {
      const k = p.idValid + p.idMasked;
      if (share(k) < RECOGNISE_SHARE || p.idValid === 0) return null;
      return { zh: `${p.n} 个样本值中 ${k} 个是校验正确的身份证号`, en: `${k} of ${p.n} sample values are ID numbers with a right check digit` };
    }
    case 'date': {
      if (BIRTH.test(header) || share(p.dateText) < RECOGNISE_SHARE) return null;
      return { zh: `${p.n} 个样本值中 ${p.dateText} 个是日期`, en: `${p.dateText} of ${p.n} sample values are dates` };
    }
    case 'money':
    case 'number': {
      const hint = field.valueHint ?? (field.type === 'money' ? MONEY_HINT : null);
      if (!hint || !hint.test(header) || p.sequence || p.longDigits > 0 || p.idShape > 0) return null;
      if (share(p.num) < RECOGNISE_SHARE || (field.type === 'money' && p.money === 0)) return null;
      return {
        zh: `表头含“${header.match(hint)?.[0]}”，${p.n} 个样本值中 ${p.num} 个是${field.type === 'money' ? '金额' : '数字'}`,
        en: `the header says "${header.match(hint)?.[0]}" and ${p.num} of ${p.n} sample values are ${field.type === 'money' ? 'amounts' : 'numbers'}`,
      };
    }
    case 'name': {
      if (share(p.hanName) < RECOGNISE_SHARE || p.surname < 0.7 * p.hanName || p.distinct < 0.3 * p.n) return null;
      return { zh: `${p.n} 个样本值中 ${p.hanName} 个是人名`, en: `${p.hanName} of ${p.n} sample values are person names` };
    }
    default:
      return null;
  }
}
