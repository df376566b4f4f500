/**
 * Issue 10, cause by cause (SPEC §3.2): files shaped like the real exports that failed, and look-alikes that must not
 * be mistaken. Each test goes through the pipeline file and ingest as an analyst's run does.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePipeline } from '../../src/config/load-pipeline.js';
import { Db } from '../../src/db/connection.js';
import { UserError, type Diagnostic } from '../../src/errors.js';
import { ingest, type IngestSummary } from '../../src/ingest/ingest.js';
import { detectHeader } from '../../src/ingest/map-headers.js';
import { runRules } from '../../src/rules/run-rules.js';
import { loadCatalog } from '../../src/rules/index.js';
import { mkId, person } from './layouts/make-layouts.js';

const dbs: Db[] = [];
afterAll(() => dbs.forEach((d) => d.close()));

async function run(files: Record<string, string | Buffer>, yaml: string, notes?: string[]): Promise<{ db: Db; s: IngestSummary }> {
  const d = mkdtempSync(join(tmpdir(), 'xc-real-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(d, p, '..'), { recursive: true });
    writeFileSync(join(d, p), c);
  }
  const config = parsePipeline(yaml, join(d, 'p.yaml'));
  const db = await Db.open();
  dbs.push(db);
  const progress = { info: (m: string) => notes?.push(m), tick() {}, done() {} };
  const s = await ingest(db, config, progress);
  return { db, s };
}

async function fails(files: Record<string, string | Buffer>, yaml: string): Promise<Diagnostic[]> {
  try {
    await run(files, yaml);
  } catch (e) {
    if (e instanceof UserError) return e.diagnostics;
    throw e;
  }
  throw new Error('expected a UserError');
}

function configFails(yaml: string, files: Record<string, string> = {}): Diagnostic[] {
  const d = mkdtempSync(join(tmpdir(), 'xc-cfg-'));
  for (const [p, c] of Object.entries(files)) writeFileSync(join(d, p), c);
  try {
    parsePipeline(yaml, join(d, 'p.yaml'));
  } catch (e) {
    if (e instanceof UserError) return e.diagnostics;
    throw e;
  }
  throw new Error('expected a UserError');
}

async function workbook(sheets: { name: string; rows: (string | number | Date | null)[][]; merges?: string[] }[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const r of s.rows) ws.addRow(r);
    for (const m of s.merges ?? []) ws.mergeCells(m);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const P = Array.from({ length: 12 }, (_, i) => person(200 + i));
const csv = (rows: (string | number)[][]) => rows.map((r) => r.join(',')).join('\n') + '\n';

describe('cause 1: header words of the usual systems', () => {
  const map = (table: Parameters<typeof detectHeader>[1]['table'], headers: string[], data: string[][] = []) =>
    detectHeader([headers, ...data], { table, file: 'f.csv' }).mapping;

  it('maps the words seen in real exports', () => {
    expect(map('voucher', ['业务单元－名称', '总账日期', '凭证号码', '摘要', '科目编码', '借方金额', '贷方金额'])).toMatchObject({
      unit: '业务单元－名称',
      voucher_date: '总账日期',
      voucher_no: '凭证号码',
    });
    expect(map('voucher', ['公司名称', '记账日期', '凭证字号', '摘要', '科目代码', '借方本币', '贷方本币'])).toMatchObject({ unit: '公司名称', voucher_date: '记账日期', debit: '借方本币' });
    expect(map('dibao', ['村名', '成员姓名', '公民身份号码', '所在乡镇'])).toMatchObject({ village: '村名', town: '所在乡镇' });
    expect(map('cadre', ['所在村', '姓名', '身份证号'])).toMatchObject({ village: '所在村' });
    expect(map('vehicle', ['机动车所有人', '身份证明号码', '号牌号码', '中文品牌'])).toMatchObject({ id_number: '身份证明号码', brand: '中文品牌' });
    expect(map('property', ['权利人名称', '证件号', '登簿时间', '不动产权证号'])).toMatchObject({ name: '权利人名称', id_number: '证件号', register_date: '登簿时间' });
  });

  it('takes an alias over a weak word for the same field, and leaves a tie between weak words unmapped', () => {
    // 制单日期 (alias) and 总账日期 (weak) both in the file: 制单日期 is the voucher date, no duplicate error
    expect(map('voucher', ['单位', '制单日期', '总账日期', '凭证号', '摘要', '科目', '借方', '贷方'])).toMatchObject({ voucher_date: '制单日期' });
    // 客户 and 供应商: 供应商 comes first among the weak words for counterparty
    expect(map('voucher', ['单位', '日期', '凭证号', '摘要', '科目', '借方', '贷方', '客户', '供应商'])).toMatchObject({ counterparty: '供应商' });
    // 记账日期 and 总账日期 are both weak: the first in the list order (记账日期) wins
    expect(map('voucher', ['单位', '总账日期', '记账日期', '凭证号', '摘要', '科目', '借方', '贷方'])).toMatchObject({ voucher_date: '记账日期' });
  });
});

describe('cause 2: facts that are not in any column (constants)', () => {
  const ledger = (title: string) =>
    csv([[title], ['日期', '凭证号', '摘要', '科目名称', '借方', '贷方'], ['2023-03-01', '1', '购办公用品', '办公费', '100.00', ''], ['2023-03-01', '1', '购办公用品', '银行存款', '', '100.00']]);

  it('fills a required field from {file} for a folder of per-unit ledgers', async () => {
    const { db, s } = await run(
      { 'v/县水务局.csv': ledger('序时账'), 'v/县教育局.csv': ledger('序时账') },
      'sources:\n  voucher: { path: "v/*.csv", constants: { unit: "{file}" } }\n',
    );
    expect(s.inputs.map((i) => i.constants)).toEqual([{ unit: '县教育局' }, { unit: '县水务局' }]);
    expect(await db.all(`select unit, count(*) as n from voucher group by 1 order by 1`)).toEqual([
      { unit: '县教育局', n: '2' },
      { unit: '县水务局', n: '2' },
    ]);
  });

  it('{title}: the title row text, and a date found inside it for a date field', async () => {
    const file = csv([
      ['滨海县2023年5月高龄津贴发放明细'],
      ['姓名', '身份证号', '补贴项目', '发放金额'],
      [P[0].name, P[0].id, '高龄津贴', '100.00'],
    ]);
    const { db, s } = await run({ 'g.csv': file }, 'sources:\n  subsidy: { path: g.csv, constants: { pay_date: "{title}", period: "{title}" } }\n');
    expect(s.inputs[0].constants).toEqual({ pay_date: '2023年5月', period: '2023年5月' });
    expect(await db.all(`select pay_date, period from subsidy`)).toEqual([{ pay_date: '2023-05-01', period: '2023年5月' }]);
  });

  it('{sheet} per stacked sheet; a constant wins over a column naming the same field (kept in _extra)', async () => {
    const sheet = (v: string, k: number) => ({ name: v, rows: [['姓名', '身份证号', '村'], [P[k].name, P[k].id, '写错的村名']] });
    const notes: string[] = [];
    const { db } = await run(
      { 'r.xlsx': await workbook([sheet('东村', 1), sheet('西村', 2)]) },
      'sources:\n  person: { path: r.xlsx, sheet: all, constants: { village: "{sheet}" } }\n',
      notes,
    );
    expect(await db.all(`select village, json_extract_string(_extra, '村') as col, _source_file from person order by 1`)).toEqual([
      { village: '东村', col: '写错的村名', _source_file: 'r.xlsx[东村]' },
      { village: '西村', col: '写错的村名', _source_file: 'r.xlsx[西村]' },
    ]);
    expect(notes.join('\n')).toContain('village 取自 constants');
  });

  it('refuses a constant that is not of its field type, {title} without a title row, unknown placeholders and fields', async () => {
    const file = csv([['姓名', '身份证号', '补贴项目', '发放金额'], [P[0].name, P[0].id, '高龄津贴', '100.00']]);
    const d1 = await fails({ 'g.csv': file }, 'sources:\n  subsidy: { path: g.csv, constants: { pay_date: "上月" } }\n');
    expect(d1[0]).toMatchObject({ code: 'ingest.bad_constant' });
    const d2 = await fails({ 'g.csv': file }, 'sources:\n  subsidy: { path: g.csv, constants: { pay_date: "{title}" } }\n');
    expect(d2[0]).toMatchObject({ code: 'ingest.no_title' });
    const d3 = configFails('sources:\n  subsidy: { path: g.csv, constants: { pay_date: "{date}", amout: 1 } }\n');
    expect(d3.map((d) => d.code).sort()).toEqual(expect.arrayContaining(['pipeline.bad_placeholder', 'pipeline.unknown_field']));
    expect(d3.find((d) => d.code === 'pipeline.unknown_field')!.zh).toContain('amount');
  });
});

describe('cause 3: columns recognised by their values', () => {
  const ids = P.slice(0, 8);

  it('maps an ID column whatever its header says, and says so (stderr, manifest)', async () => {
    const rows = [['姓名', '号码', '死亡日期'], ...ids.map((p) => [p.name, p.id, '2023-01-02'])];
    const notes: string[] = [];
    const { s } = await run({ 'd.csv': csv(rows) }, 'sources:\n  death: { path: d.csv }\n', notes);
    expect(s.inputs[0].mapping.id_number).toBe('号码');
    expect(s.inputs[0].mapped_by_values).toEqual({ id_number: { header: '号码', evidence: expect.stringContaining('校验正确的身份证号') } });
    expect(notes.join('\n')).toContain('按值识别');
  });

  it('does not guess between two ID columns: the error names both, with sample values masked', async () => {
    const rows = [['号码一', '号码二', '姓名', '死亡日期'], ...ids.map((p) => [ids[0].id, p.id, p.name, '2023-01-02'])];
    const d = await fails({ 'd.csv': csv(rows) }, 'sources:\n  death: { path: d.csv }\n');
    expect(d[0].code).toBe('ingest.missing_required_column');
    expect(d[0].zh).toContain('「号码一」、「号码二」都像身份证号');
    expect(d[0].zh).not.toContain(ids[1].id); // sample IDs are shown masked
    expect(d[0].zh).toContain(ids[1].id.slice(0, 6) + '********' + ids[1].id.slice(14));
    // a column whose header names another person (户主) is not a candidate: the member's column is taken
    const named = [['户主号码', '成员号码', '姓名', '死亡日期'], ...ids.map((p) => [ids[0].id, p.id, p.name, '2023-01-02'])];
    expect((await run({ 'd.csv': csv(named) }, 'sources:\n  death: { path: d.csv }\n')).s.inputs[0].mapping.id_number).toBe('成员号码');
  });

  it('refuses `ID` holding row numbers, and a 身份证号 column holding names (swapped columns)', async () => {
    const rowNos = [['ID', '姓名', '死亡日期'], ...ids.map((p, k) => [String(k + 1), p.name, '2023-01-02'])];
    const d1 = await fails({ 'd.csv': csv(rowNos) }, 'sources:\n  death: { path: d.csv }\n');
    expect(d1[0]).toMatchObject({ code: 'ingest.missing_required_column' });
    expect(d1[0].zh).toContain('ID（1、2、3）');
    const swapped = [['身份证号', '姓名', '死亡日期'], ...ids.map((p) => [p.name, p.id, '2023-01-02'])];
    const notes: string[] = [];
    const { s } = await run({ 'd.csv': csv(swapped) }, 'sources:\n  death: { path: d.csv }\n', notes);
    // the 身份证号 header is refused by its values, and the 姓名 column is recognised as the ID by its values
    expect(s.inputs[0].rejected_by_values).toMatchObject({ 身份证号: { field: 'id_number' } });
    expect(s.inputs[0].mapping.id_number).toBe('姓名');
  });

  it('recognises the only date column as a required date; refuses 出生日期 and two date columns', async () => {
    const one = [['姓名', '身份证号', '补贴项目', '发放金额', '处理时间'], ...ids.map((p, k) => [p.name, p.id, '高龄津贴', '100.00', `2023/3/${k + 1}`])];
    const { s } = await run({ 's.csv': csv(one) }, 'sources:\n  subsidy: { path: s.csv }\n');
    expect(s.inputs[0].mapping.pay_date).toBe('处理时间');
    const birth = [['姓名', '身份证号', '补贴项目', '发放金额', '出生日期'], ...ids.map((p) => [p.name, p.id, '高龄津贴', '100.00', '1950-01-01'])];
    expect((await fails({ 's.csv': csv(birth) }, 'sources:\n  subsidy: { path: s.csv }\n'))[0].code).toBe('ingest.missing_required_column');
    const two = [['姓名', '身份证号', '补贴项目', '发放金额', '申请时间', '处理时间'], ...ids.map((p) => [p.name, p.id, '高龄津贴', '100.00', '2023-01-05', '2023-03-01'])];
    const d = await fails({ 's.csv': csv(two) }, 'sources:\n  subsidy: { path: s.csv }\n');
    expect(d[0].zh).toContain('「申请时间」、「处理时间」都像发放日期');
  });

  it('recognises an amount only under a money word and written as amounts', async () => {
    const base = (h: string, v: (k: number) => string) => [['姓名', '身份证号', '补贴项目', '发放日期', h], ...ids.map((p, k) => [p.name, p.id, '高龄津贴', '2023-03-01', v(k)])];
    const { s } = await run({ 's.csv': csv(base('应领款', (k) => `${100 + k}.50`)) }, 'sources:\n  subsidy: { path: s.csv }\n');
    expect(s.inputs[0].mapped_by_values?.amount?.header).toBe('应领款');
    // 人数 holds numbers but is no amount; 标题 holds text
    for (const [h, v] of [['人数', (k: number) => String(k + 1)], ['标题', () => '说明文字']] as const) {
      expect((await fails({ 's.csv': csv(base(h, v)) }, 'sources:\n  subsidy: { path: s.csv }\n'))[0].code).toBe('ingest.missing_required_column');
    }
  });

  it('recognises person names by their values, not village names or amounts', async () => {
    const rows = [['称呼', '身份证号', '死亡日期'], ...ids.map((p) => [p.name, p.id, '2023-01-02'])];
    expect((await run({ 'd.csv': csv(rows) }, 'sources:\n  death: { path: d.csv }\n')).s.inputs[0].mapping.name).toBe('称呼');
    const villages = [['地点', '身份证号', '死亡日期'], ...ids.map((p, k) => [['塘墩村', '北湾社区', '八巨镇'][k % 3], p.id, '2023-01-02'])];
    expect((await fails({ 'd.csv': csv(villages) }, 'sources:\n  death: { path: d.csv }\n'))[0].zh).toContain('缺少必需的列「姓名」');
  });

  it('makes suggestions plausible: no amount for a text column, no head-of-household ID for the member ID', () => {
    const preview = [['户主身份证号', '户主姓名', '标题', '发放金额', '发放日期', '补贴项目', '姓名'], ...ids.map((p) => [p.id, p.name, '说明', '1.00', '2023-01-01', '低保', p.name])];
    const err = (() => {
      try {
        detectHeader(preview, { table: 'subsidy', file: 's.csv' });
      } catch (e) {
        return (e as UserError).diagnostics[0];
      }
    })()!;
    expect(err.zh).toContain('缺少必需的列「身份证号」');
    // the head's ID column is mapped to nothing in subsidy, but it reads as 户主 (another role): not offered as the member's ID
    expect(err.zh).not.toMatch(/最接近的列：「户主身份证号」/);
    const h = detectHeader([['姓名', '身份证号', '补贴项目', '金额', '发放日期', '标题'], ...ids.map((p) => [p.name, p.id, '低保', '1.00', '2023-01-01', '说明'])], { table: 'subsidy', file: 's.csv' });
    expect(h.suggestions).toEqual({});
    // a ledger without a unit column: 科目名称 (the account) is not offered as the unit; constants are
    const v = (() => {
      try {
        detectHeader([['日期', '凭证号', '摘要', '科目名称', '借方', '贷方'], ['2023-01-01', '1', '购', '办公费', '1.00', '']], { table: 'voucher', file: 'v.csv' });
      } catch (e) {
        return (e as UserError).diagnostics[0];
      }
    })()!;
    expect(v.zh).toContain('缺少必需的列「单位」');
    expect(v.zh).not.toContain('最接近的列：「科目名称」');
    expect(v.zh).toContain('constants: { unit: "{file}" }');
  });
});

describe('cause 4: ID forms', () => {
  it('member suffix → the ID, raw text in _extra; masked → id_masked, never joined, no invalid_id lead; 市辖区 codes valid', async () => {
    const city = mkId('320101', '19800101', 123); // 南京市市辖区
    const head = P[0];
    const rows = [
      ['姓名', '身份证号码', '补贴项目', '发放金额', '发放日期'],
      [P[1].name, P[1].id + '01', '低保金', '300.00', '2023-01-10'],
      [P[2].name, P[2].id.slice(0, 10) + '****' + P[2].id.slice(14), '低保金', '300.00', '2023-01-10'],
      [P[3].name, P[3].id.slice(0, 10) + '****' + P[3].id.slice(14), '低保金', '300.00', '2023-01-10'],
      [P[4].name, city, '低保金', '300.00', '2023-01-10'],
      [head.name, head.id.slice(0, 17) + (head.id[17] === '1' ? '2' : '1'), '低保金', '300.00', '2023-01-10'],
    ];
    const { db, s } = await run({ 's.csv': csv(rows) }, 'sources:\n  subsidy: { path: s.csv }\n');
    expect(s.inputs[0]).toMatchObject({ rows_loaded: 5, rows_rejected: 0, id_forms: { suffix: 1, masked: 2 } });
    expect(await db.all(`select id_number, id_valid, id_masked, json_extract_string(_extra, '身份证号码') as raw from subsidy order by _source_row`)).toEqual([
      { id_number: P[1].id, id_valid: true, id_masked: false, raw: P[1].id + '01' },
      { id_number: null, id_valid: null, id_masked: true, raw: P[2].id.slice(0, 10) + '****' + P[2].id.slice(14) },
      { id_number: null, id_valid: null, id_masked: true, raw: P[3].id.slice(0, 10) + '****' + P[3].id.slice(14) },
      { id_number: city, id_valid: true, id_masked: false, raw: null },
      { id_number: rows[5][1], id_valid: false, id_masked: false, raw: null },
    ]);
    // invalid_id: only the wrong check digit is a lead; masked IDs are not, and two masked IDs never join
    await runRules(db, loadCatalog(), { include: ['invalid_id', 'duplicate_payment'], exclude: [], params: {}, custom: [] });
    expect(await db.all(`select rule_id, subject_key from findings order by 1`)).toEqual([{ rule_id: 'invalid_id', subject_key: rows[5][1] }]);
  });
});

describe('cause 4: other ID fields', () => {
  it('a masked head-of-household ID is no ID either: NULL, its text in _extra; a member suffix on the head ID is cut', async () => {
    const rows = [
      ['户主身份证号', '成员姓名', '成员身份证号', '与户主关系'],
      [P[0].id.slice(0, 6) + '********' + P[0].id.slice(14), P[1].name, P[1].id, '配偶'],
      [P[0].id + '01', P[2].name, P[2].id, '子女'],
    ];
    const { db } = await run({ 'd.csv': csv(rows) }, 'sources:\n  dibao: { path: d.csv }\n');
    expect(await db.all(`select head_id_number, json_extract_string(_extra, '户主身份证号') as raw from dibao order by _source_row`)).toEqual([
      { head_id_number: null, raw: rows[1][0] },
      { head_id_number: P[0].id, raw: rows[2][0] },
    ]);
  });
});

describe('cause 5: sheets', () => {
  const roster = (k: number, n = 3) => [['姓名', '身份证号', '死亡日期'], ...P.slice(k, k + n).map((p) => [p.name, p.id, '2023-01-02'])];

  it('no sheet: passes over an empty first sheet and a cover sheet; the manifest says which sheet was taken', async () => {
    const notes: string[] = [];
    const { s } = await run(
      { 'd.xlsx': await workbook([{ name: 'Sheet1', rows: [] }, { name: '封面', rows: [['滨海县死亡人员名单'], ['2023年']] }, { name: '名单', rows: roster(0, 5) }]) },
      'sources:\n  death: { path: d.xlsx }\n',
      notes,
    );
    expect(s.inputs[0]).toMatchObject({ sheet: '名单', rows_loaded: 5, sheets_passed_over: [{ sheet: 'Sheet1' }, { sheet: '封面' }] });
    expect(notes.join('\n')).toContain('读取 「名单」');
    expect(s.inputs[0].source_file).toBeUndefined(); // one sheet taken: rows carry the plain file name
  });

  it('no sheet: takes the sheet that matches best, not the first', async () => {
    const { s } = await run(
      { 'd.xlsx': await workbook([{ name: '说明', rows: [['姓名', '备注'], ['填表人', '无']] }, { name: '数据', rows: roster(0) }]) },
      'sources:\n  death: { path: d.xlsx }\n',
    );
    expect(s.inputs[0].sheet).toBe('数据');
  });

  it('sheet: all stacks sheets with file[sheet]; a sheet like the others but missing a column is an error, not a skip', async () => {
    const { db } = await run(
      { 'd.xlsx': await workbook([{ name: '一村', rows: roster(0) }, { name: '二村', rows: roster(3) }]) },
      'sources:\n  death: { path: d.xlsx, sheet: all }\n',
    );
    expect(await db.all(`select _source_file, count(*) as n from death group by 1 order by 1`)).toEqual([
      { _source_file: 'd.xlsx[一村]', n: '3' },
      { _source_file: 'd.xlsx[二村]', n: '3' },
    ]);
    const broken = [['姓名', '身份证号', '死亡时日'], ...P.slice(6, 8).map((p) => [p.name, p.id, '不详'])];
    const d = await fails({ 'd.xlsx': await workbook([{ name: '一村', rows: roster(0) }, { name: '三村', rows: broken }]) }, 'sources:\n  death: { path: d.xlsx, sheet: all }\n');
    expect(d[0]).toMatchObject({ code: 'ingest.missing_required_column', at: { sheet: '三村' } });
  });

  it('a list of sheets loads exactly those; sheet: all on a CSV is refused', async () => {
    const { s } = await run(
      { 'd.xlsx': await workbook([{ name: 'A', rows: roster(0) }, { name: 'B', rows: roster(3) }, { name: 'C', rows: roster(6) }]) },
      'sources:\n  death: { path: d.xlsx, sheet: [C, 1] }\n',
    );
    expect(s.inputs.map((i) => [i.source_file, i.rows_loaded])).toEqual([
      ['d.xlsx[C]', 3],
      ['d.xlsx[A]', 3],
    ]);
    expect(configFails('sources:\n  death: { path: d.csv, sheet: all }\n', { 'd.csv': 'x' }).map((d) => d.code)).toContain('pipeline.sheet_not_excel');
  });

  it('when no sheet has the columns, the error of the closest sheet says every sheet was looked at', async () => {
    const d = await fails(
      { 'd.xlsx': await workbook([{ name: 'Sheet1', rows: [] }, { name: '名单', rows: [['姓名', '死亡日期'], ['张三', '2023-01-01']] }]) },
      'sources:\n  death: { path: d.xlsx }\n',
    );
    expect(d.map((x) => x.code)).toEqual(['ingest.missing_required_column', 'ingest.sheets_tried']);
    expect(d[0].at?.sheet).toBe('名单');
  });
});

describe('cause 6: two-row headers', () => {
  it('CSV: a group label over blank cells; 单位 repeated under three groups is no duplicate; columns: on group/sub', async () => {
    const rows = [
      ['序号', '姓名', '身份证号', '大病', '生育', '公积金', '', '备注'],
      ['', '', '', '单位', '单位', '单位', '个人', ''],
      ...P.slice(0, 3).map((p, k) => [String(k + 1), p.name, p.id, '30', '20', '600', '600', '']),
      // a printed page repeats both header rows
      ['序号', '姓名', '身份证号', '大病', '生育', '公积金', '', '备注'],
      ['', '', '', '单位', '单位', '单位', '个人', ''],
      ...P.slice(3, 5).map((p, k) => [String(k + 4), p.name, p.id, '30', '20', '600', '600', '']),
    ];
    const { db, s } = await run({ 'e.csv': csv(rows) }, 'sources:\n  employee: { path: e.csv }\n');
    expect(s.inputs[0]).toMatchObject({ rows_loaded: 5, rows_rejected: 0, skipped: { header: 4 } });
    expect(s.inputs[0].unmapped).toEqual(['序号', '大病/单位', '生育/单位', '公积金/单位', '公积金/个人', '备注']);
    expect(await db.scalar(`select json_extract_string(_extra, '公积金/个人') from employee limit 1`)).toBe('600');
    // the combination can be mapped explicitly
    const { s: s2 } = await run({ 'e.csv': csv(rows) }, 'sources:\n  employee: { path: e.csv, columns: { 公积金/单位: employer } }\n');
    expect(s2.inputs[0].mapping.employer).toBe('公积金/单位');
  });

  it('maps on the combination: 户主信息/身份证号 is the head, 成员信息/身份证号 the member', () => {
    const h = detectHeader(
      [
        ['户主信息', '户主信息', '成员信息', '成员信息', '保障类别'],
        ['姓名', '身份证号', '姓名', '身份证号', '保障类别'],
        [P[0].name, P[0].id, P[1].name, P[1].id, 'A类'],
      ],
      { table: 'dibao', file: 'd.xlsx' },
    );
    expect(h.mapping).toMatchObject({ head_name: '户主信息/姓名', head_id_number: '户主信息/身份证号', name: '成员信息/姓名', id_number: '成员信息/身份证号', category: '保障类别' });
    expect(h.headerRows).toBe(2);
  });

  it('a row of notes and units under the header belongs to it', () => {
    const h = detectHeader([['姓名', '身份证号', '死亡日期', '备注'], ['（必填）', '（必填）', '（年月日）', '（选填）'], [P[0].name, P[0].id, '2023-01-01', '']], { table: 'death', file: 'd.csv' });
    expect(h).toMatchObject({ headerRows: 2, headerRow: 2, mapping: { name: '姓名/（必填）', id_number: '身份证号/（必填）', death_date: '死亡日期/（年月日）' } });
  });

  it('a data row of text under a header is not taken for a sub-header', () => {
    const h = detectHeader([['姓名', '与户主关系', '住址', '身份证号'], ['张三', '户主', '塘墩村', ''], ['李四', '配偶', '塘墩村', '']], { table: 'person', file: 'p.csv' });
    expect(h.headerRows).toBe(1);
    expect(h.mapping).toEqual({ name: '姓名', relation: '与户主关系', address: '住址', id_number: '身份证号' });
  });
});

describe('cause 7: messages', () => {
  const file = csv([['身份证号', '姓名', '死亡日期'], [P[0].id, P[0].name, '2023-01-01']]);

  it('accepts the usual spellings of encodings in any case, and names the accepted ones otherwise', async () => {
    for (const enc of ['GBK', 'UTF-8', 'utf8', 'cp936', 'gb2312', 'GB18030', 'Utf-8']) {
      const bytes = /gb|cp/i.test(enc) ? iconv.encode(file, 'gb18030') : Buffer.from(file);
      const { s } = await run({ 'd.csv': bytes }, `sources:\n  death: { path: d.csv, encoding: ${enc} }\n`);
      expect(s.inputs[0].rows_loaded, enc).toBe(1);
    }
    const d = configFails('sources:\n  death: { path: d.csv, encoding: big5 }\n');
    expect(d[0]).toMatchObject({ code: 'pipeline.bad_encoding', at: { line: 2 } });
    expect(d[0].zh).toContain('GB18030');
  });

  it('a columns: key that matches no header is an error naming the nearest header', async () => {
    const d = await fails({ 'd.csv': file }, 'sources:\n  death: { path: d.csv, columns: { 身份证号: id_number, 死亡时间: death_date } }\n');
    expect(d.map((x) => x.code)).toEqual(['ingest.column_not_found']);
    expect(d[0].zh).toContain('「死亡时间」');
    expect(d[0].zh).toContain('最接近的表头：「死亡日期」');
  });

  it('explains YAML syntax errors in Chinese: a full-width colon, a tab', () => {
    const colon = configFails('sources：\n  death: { path: d.csv }\n');
    expect(colon[0]).toMatchObject({ code: 'pipeline.fullwidth_colon', at: { line: 1 } });
    expect(colon[0].zh).toContain('全角冒号');
    const inner = configFails('sources:\n  death： { path: d.csv }\n');
    expect(inner[0]).toMatchObject({ code: 'pipeline.fullwidth_colon', at: { line: 2 } });
    const tab = configFails('sources:\n\tdeath: { path: d.csv }\n');
    expect(tab[0]).toMatchObject({ code: 'pipeline.yaml_syntax', at: { line: 2 } });
    expect(tab[0].zh).toContain('Tab');
    // a colon inside a value is not a key
    const dir = mkdtempSync(join(tmpdir(), 'xc-cfg-'));
    writeFileSync(join(dir, 'd.csv'), file);
    expect(parsePipeline('name: 报告：上篇\nsources: { death: { path: d.csv } }\n', join(dir, 'p.yaml')).name).toBe('报告：上篇');
  });

  it('prints a header with a line break escaped; the voucher amount/direction alternative only for debit/credit', async () => {
    const d = await fails({ 'd.csv': csv([['"死亡\n时间"', '姓名', '备注'], ['不详', '张三', '']]) }, 'sources:\n  death: { path: d.csv }\n');
    expect(d[0].zh).toContain('死亡\\n时间');
    expect(d[0].zh).not.toContain('死亡\n时间');
    const v = await fails({ 'v.csv': csv([['单位', '凭证日期', '凭证号', '科目', '借方', '贷方'], ['局', '2023-01-01', '1', '办公费', '1.00', '']]) }, 'sources:\n  voucher: { path: v.csv }\n');
    expect(v).toHaveLength(1);
    expect(v[0].en).toContain('needs column summary');
    expect(v[0].en).not.toContain('direction');
    const v2 = await fails({ 'v.csv': csv([['单位', '凭证日期', '凭证号', '摘要', '科目', '借方'], ['局', '2023-01-01', '1', '购', '办公费', '1.00']]) }, 'sources:\n  voucher: { path: v.csv }\n');
    expect(v2[0].en).toContain('needs column credit (or an amount column plus a direction column)');
  });
});
