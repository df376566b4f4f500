/**
 * fixtures/layouts/: exports of the usual systems (用友, 金蝶, 浪潮, 财政一体化, 民政, 一卡通, 不动产, 车管, 市场监管,
 * 人社, 公安, 政府采购) load into the right tables with no `columns:` — the accounting holds for every file, and the
 * values that are special to each layout are checked.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipeline } from '../../src/config/load-pipeline.js';
import { Db } from '../../src/db/connection.js';
import { ingest, type IngestSummary } from '../../src/ingest/ingest.js';
import { LAYOUT_DIR, person } from './layouts/make-layouts.js';

const PIPELINE = join(LAYOUT_DIR, 'pipeline.yaml');
let db: Db;
let s: IngestSummary;

beforeAll(async () => {
  db = await Db.open();
  s = await ingest(db, loadPipeline(PIPELINE));
});
afterAll(() => db?.close());

const rows = <T = Record<string, unknown>>(sql: string) => db.all<T>(sql);
const input = (path: string, sheet?: string) => {
  const i = s.inputs.find((x) => x.path === path && (sheet === undefined || x.sheet === sheet));
  if (!i) throw new Error(`no input ${path}`);
  return i;
};

describe('export layouts load with no columns:', () => {
  it('the pipeline names no columns, and every file loads whole into its table', () => {
    expect(loadPipeline(PIPELINE).sources.filter((x) => x.columns)).toEqual([]);
    const want: Record<string, [string, number]> = {
      '用友U8序时账/滨海县民政局.xlsx': ['voucher', 6],
      '用友NC_凭证查询.csv': ['voucher', 4],
      '金蝶KIS凭证/滨海县卫生健康委员会.xls': ['voucher', 6],
      '用友YonSuite_凭证列表.xlsx': ['voucher', 4],
      '浪潮GS_凭证明细.csv': ['voucher', 4],
      '财政一体化_会计核算序时账.xlsx': ['voucher', 4],
      '民政_低保家庭成员名册.xls': ['dibao', 9],
      '民政_特困供养人员名册.xlsx': ['dibao', 6],
      '低保名册_按村分表.xlsx': ['dibao', 8],
      '一卡通_补贴发放明细_公示.csv': ['subsidy', 6],
      '一卡通平台_发放明细.xlsx': ['subsidy', 6],
      '不动产登记_查询结果.xlsx': ['property', 4],
      '车管_机动车登记信息.csv': ['vehicle', 5],
      '市场监管_企业登记信息.xlsx': ['business', 3],
      '人社_在编人员花名册.xlsx': ['employee', 5],
      '社保_单位缴费明细.xlsx': ['employee', 5],
      '组织部_村社区干部花名册.xlsx': ['cadre', 4],
      '公安_死亡注销人员.csv': ['death', 3],
      '政府采购_合同公告汇总.xlsx': ['procurement', 2],
    };
    const got: Record<string, [string, number]> = {};
    for (const i of s.inputs) {
      got[i.path] = [i.table, (got[i.path]?.[1] ?? 0) + i.rows_loaded];
      expect(i.rows_rejected, i.path).toBe(0);
      expect(i.rows_read, i.path).toBe(i.rows_loaded + i.rows_rejected + i.rows_skipped);
    }
    expect(got).toEqual(want);
    expect(Object.keys(want).length).toBeGreaterThanOrEqual(12);
  });

  it('用友 U8 序时账: unit from the file name, 方向 + 金额 folded into debit/credit, 本月合计 skipped', async () => {
    const i = input('用友U8序时账/滨海县民政局.xlsx');
    expect(i.constants).toEqual({ unit: '滨海县民政局' });
    expect(i.skipped).toMatchObject({ title: 1, total: 1 });
    expect(await rows(`select unit, voucher_date, voucher_no, debit, credit from voucher where _source_file = '用友U8序时账/滨海县民政局.xlsx' order by _source_row limit 2`)).toEqual([
      { unit: '滨海县民政局', voucher_date: '2023-01-05', voucher_no: '记-0001', debit: '1280.50', credit: '0.00' },
      { unit: '滨海县民政局', voucher_date: '2023-01-05', voucher_no: '记-0001', debit: '0.00', credit: '1280.50' },
    ]);
  });

  it('用友 NC: 核算账簿 is the unit, 借方本币/贷方本币 the amounts, 辅助核算 the counterparty (GBK)', async () => {
    expect(input('用友NC_凭证查询.csv')).toMatchObject({ encoding: 'gb18030', mapping: { unit: '核算账簿', voucher_date: '制单日期', debit: '借方本币', credit: '贷方本币', counterparty: '辅助核算' } });
    expect(await rows(`select sum(debit) as d, sum(credit) as c from voucher where _source_file = '用友NC_凭证查询.csv'`)).toEqual([{ d: '89550.00', c: '89550.00' }]);
  });

  it('金蝶 KIS (.xls): 凭证字 + 凭证号 keep 收-1, 付-1 and 转-1 apart; 供应商 is the counterparty beside an empty 客户', async () => {
    const v = await rows<{ voucher_no: string; counterparty: string | null }>(
      `select voucher_no, counterparty from voucher where _source_file like '金蝶KIS凭证/%' order by _source_row`,
    );
    expect([...new Set(v.map((r) => r.voucher_no))]).toEqual(['收-1', '付-1', '转-1']);
    expect(v[2].counterparty).toBe('滨海县印务有限公司');
    expect(input('金蝶KIS凭证/滨海县卫生健康委员会.xls').mapping).toMatchObject({ voucher_date: '日期', voucher_word: '凭证字', counterparty: '供应商', fund_source: '项目' });
  });

  it('用友 YonSuite: 业务单元－名称 is the unit, 制单日期 wins over 总账日期 (kept in _extra), 凭证号码', async () => {
    expect(input('用友YonSuite_凭证列表.xlsx').mapping).toMatchObject({ unit: '业务单元－名称', voucher_date: '制单日期', voucher_no: '凭证号码' });
    expect(await rows(`select voucher_date, json_extract_string(_extra, '总账日期') as gl from voucher where voucher_no = '记-1'`)).toEqual([
      { voucher_date: '2023-06-01', gl: '2023-06-02' },
      { voucher_date: '2023-06-01', gl: '2023-06-02' },
    ]);
  });

  it('浪潮 GS: 凭证类型 numbers 收 and 付 apart, 借贷方向 + 金额', async () => {
    expect(await rows(`select voucher_no, sum(debit) as d from voucher where unit = '滨海县水务局' group by 1 order by 1`)).toEqual([
      { voucher_no: '付-0005', d: '12000.00' },
      { voucher_no: '收-0005', d: '880.00' },
    ]);
  });

  it('财政一体化: the 财务会计 side of a two-row header is taken, the 预算会计 side stays in _extra under group/sub names', async () => {
    const i = input('财政一体化_会计核算序时账.xlsx');
    expect(i.mapping).toMatchObject({ account_code: '财务会计/科目编码', debit: '财务会计/借方金额', credit: '财务会计/贷方金额' });
    expect(i.unmapped).toEqual(['预算会计/科目编码', '预算会计/科目名称', '预算会计/借方金额', '预算会计/贷方金额']);
    expect(await rows(`select account_code, debit, json_extract_string(_extra, '预算会计/科目编码') as b from voucher where voucher_no = '记-21' order by _source_row`)).toEqual([
      { account_code: '1611', debit: '96000.00', b: '7201' },
      { account_code: '1011', debit: '0.00', b: '8101' },
    ]);
  });

  it('民政 低保 (HTML .xls in GBK): member IDs with a two-digit suffix are the IDs, the written text kept', async () => {
    expect(input('民政_低保家庭成员名册.xls')).toMatchObject({ id_forms: { suffix: 6, masked: 0 } });
    const p1 = person(1);
    expect(await rows(`select id_number, id_valid, head_id_number, json_extract_string(_extra, '成员身份证号码') as raw from dibao where name = '${p1.name}' and starts_with(_source_file, '民政_低保')`)).toEqual([
      { id_number: p1.id, id_valid: true, head_id_number: person(0).id, raw: p1.id + '01' },
    ]);
  });

  it('特困 名册: sheet: all stacks the two sheets, the cover is passed over, rows carry file[sheet]', async () => {
    const i = input('民政_特困供养人员名册.xlsx', '分散供养');
    expect(i.sheets_passed_over).toEqual([{ sheet: '封面', reason: expect.stringContaining('没有找到表头') }]);
    expect(await rows(`select _source_file, count(*) as n, any_value(category) as c from dibao where starts_with(_source_file, '民政_特困') group by 1 order by 1`)).toEqual([
      { _source_file: '民政_特困供养人员名册.xlsx[分散供养]', n: '3', c: '分散供养' },
      { _source_file: '民政_特困供养人员名册.xlsx[集中供养]', n: '3', c: '集中供养' },
    ]);
  });

  it('低保名册 one sheet per village: village from {sheet}; the empty first sheet and the 汇总 sheet are passed over', async () => {
    expect(input('低保名册_按村分表.xlsx', '塘墩村').sheets_passed_over?.map((p) => p.sheet)).toEqual(['Sheet1', '汇总']);
    expect(await rows(`select village, count(*) as n from dibao where starts_with(_source_file, '低保名册_按村分表') group by 1 order by 1`)).toEqual([
      { village: '北湾社区', n: '4' },
      { village: '塘墩村', n: '4' },
    ]);
  });

  it('一卡通 公示: masked IDs are id_masked (no number, neither valid nor invalid); the pay month comes from the title', async () => {
    expect(input('一卡通_补贴发放明细_公示.csv')).toMatchObject({ id_forms: { suffix: 0, masked: 4 }, constants: { pay_date: '2023年3月', period: '2023年3月' } });
    expect(await rows(`select id_masked, count(*) as n, count(id_number) as ids, count(id_valid) as judged, min(pay_date) as d from subsidy where _source_file = '一卡通_补贴发放明细_公示.csv' group by 1 order by 1`)).toEqual([
      { id_masked: false, n: '2', ids: '2', judged: '2', d: '2023-03-01' },
      { id_masked: true, n: '4', ids: '0', judged: '0', d: '2023-03-01' },
    ]);
  });

  it('一卡通 平台: the empty first sheet is passed over, `ID` confirmed by its values, the pay date recognised by values', async () => {
    const i = input('一卡通平台_发放明细.xlsx');
    expect(i).toMatchObject({ sheet: '发放明细', mapping: { id_number: 'ID', pay_date: '处理完成时间' }, mapped_by_values: { pay_date: { header: '处理完成时间' } } });
    expect(await rows(`select min(pay_date) as a, max(pay_date) as b, bool_and(id_valid) as v from subsidy where _source_file = '一卡通平台_发放明细.xlsx'`)).toEqual([{ a: '2024-03-10', b: '2024-03-15', v: true }]);
  });

  it('不动产 (TD/T 1066 words), 车管, 市场监管 (万元), 公安, 政府采购 (万元)', async () => {
    expect(input('不动产登记_查询结果.xlsx').mapping).toMatchObject({ name: '权利人名称', id_number: '证件号', certificate_no: '不动产权证号', register_date: '登簿时间', area: '建筑面积(㎡)' });
    expect(input('车管_机动车登记信息.csv').mapping).toMatchObject({ id_number: '身份证明号码', name: '机动车所有人', brand: '中文品牌', status: '机动车状态' });
    expect(await rows(`select capital from business order by _source_row`)).toEqual([{ capital: '500000.00' }, { capital: '750000.00' }, { capital: '1000000.00' }]);
    expect(input('公安_死亡注销人员.csv').mapping).toMatchObject({ death_date: '注销日期' });
    expect(await rows(`select vendor, amount from procurement order by _source_row`)).toEqual([
      { vendor: '滨海县恒通商贸有限公司', amount: '960000.00' },
      { vendor: '滨海县洁城环境服务有限公司', amount: '1536000.00' },
    ]);
  });

  it('人社 花名册: headers written on two lines map (身份证\\n号码), under a merged group row', async () => {
    const i = input('人社_在编人员花名册.xlsx');
    expect(i.mapping).toMatchObject({ name: '基本信息/姓名', id_number: '基本信息/身份证号码', employer: '工作信息/工作单位', start_date: '工作信息/参加工作时间' });
    expect(await rows(`select count(*) as n, count(start_date) as d from employee where _source_file = '人社_在编人员花名册.xlsx'`)).toEqual([{ n: '5', d: '5' }]);
  });

  it('社保 缴费明细: 单位 repeated under 养老/医疗/大病 is no duplicate and no employer; sub-columns keep group/sub names', async () => {
    const i = input('社保_单位缴费明细.xlsx');
    expect(i.mapping).toMatchObject({ employer: '单位名称', name: '姓名', id_number: '证件号码' });
    expect(i.unmapped).toEqual(expect.arrayContaining(['养老/单位', '养老/个人', '养老/起缴时间', '医疗/单位', '大病/单位']));
    expect(i.skipped).toMatchObject({ title: 1, header: 2 });
  });

  it('村干部 花名册: 村名 and 所属乡镇, 任现职时间', async () => {
    expect(input('组织部_村社区干部花名册.xlsx').mapping).toMatchObject({ town: '所属乡镇', village: '村名', term_start: '任现职时间', position: '现任职务' });
  });
});
