/**
 * The canonical tables of SPEC §3 as data: the one place fields, types, required-ness and Chinese header
 * aliases live. Ingest maps headers with it, normalization types columns with it, the rule test harness
 * creates empty typed tables from it.
 *
 * Field type `month` is a pay month stored as 'YYYY-MM' text (xc_parse_month); a cell that is no month rejects the row
 * when the field is a key.
 *
 * Column layout of every canonical table in DuckDB (see `canonicalColumns`):
 *   the fields in the order below (types per FIELD_SQL_TYPE)
 *   + for tables with an `id_number` field: id_valid BOOLEAN, birth_date DATE, sex VARCHAR ('男'|'女'), region_code VARCHAR
 *   + _source_file VARCHAR (path as given in the pipeline, relative to the pipeline file)
 *   + _source_row INTEGER (1-based row in the original file/sheet, counting title and header rows)
 *   + _extra JSON (object of unmapped original columns: header → raw text)
 */

export type FieldType = 'id' | 'text' | 'name' | 'date' | 'money' | 'number' | 'account' | 'month';

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Chinese label for XLSX/report headers */
  zh: string;
  /** must be mapped (a header must exist) */
  required?: boolean;
  /** a row whose value is empty (or unparseable) is rejected */
  key?: boolean;
  /** required as a group: at least one field of the group must be mapped */
  oneOf?: string;
  /** Chinese headers it is recognised by (case, spaces, full-width forms and `*` marks are ignored when matching) */
  aliases: string[];
}

export interface TableSpec {
  name: CanonicalTableName;
  zh: string;
  fields: FieldSpec[];
  /** ingest-time alternative columns that are folded into canonical fields and not stored (voucher amount+direction) */
  alternates?: FieldSpec[];
}

export const CANONICAL_TABLE_NAMES = [
  'person',
  'dibao',
  'subsidy',
  'property',
  'vehicle',
  'employee',
  'cadre',
  'death',
  'business',
  'land',
  'voucher',
  'procurement',
  'relation',
  'kin_filing',
  'payroll',
] as const;
export type CanonicalTableName = (typeof CANONICAL_TABLE_NAMES)[number];

const ID_ALIASES = ['身份证号', '身份证号码', '公民身份号码', '证件号码', '身份证', '公民身份证号', '身份证件号码'];
const NAME_ALIASES = ['姓名', '人员姓名'];
const TOWN = (): FieldSpec => ({ name: 'town', type: 'text', zh: '乡镇(街道)', aliases: ['乡镇(街道)', '乡镇（街道）', '乡镇', '街道', '镇街', '乡镇街道'] });
const VILLAGE = (required = false): FieldSpec => ({
  name: 'village',
  type: 'text',
  zh: '村(社区)',
  required,
  aliases: ['村(社区)', '村（社区）', '村居', '行政村', '社区', '村', '村社区', '村(居)'],
});
const HOUSEHOLD = (): FieldSpec => ({ name: 'household_id', type: 'text', zh: '户号', aliases: ['户号', '户编号', '家庭编号'] });
const RELATION = (): FieldSpec => ({ name: 'relation', type: 'text', zh: '与户主关系', aliases: ['与户主关系', '家庭关系', '关系'] });
const ADDRESS = (): FieldSpec => ({ name: 'address', type: 'text', zh: '住址', aliases: ['住址', '户籍地址', '家庭住址', '家庭地址', '现住址'] });
const PERSON_ID = (extra: string[] = []): FieldSpec => ({
  name: 'id_number',
  type: 'id',
  zh: '身份证号',
  required: true,
  key: true,
  aliases: [...extra, ...ID_ALIASES],
});
const PERSON_NAME = (extra: string[] = [], required = true): FieldSpec => ({
  name: 'name',
  type: 'name',
  zh: '姓名',
  required,
  aliases: [...extra, ...NAME_ALIASES],
});

export const TABLES: Record<CanonicalTableName, TableSpec> = {
  person: {
    name: 'person',
    zh: '户籍人口',
    fields: [PERSON_ID(), PERSON_NAME(), HOUSEHOLD(), RELATION(), ADDRESS(), TOWN(), VILLAGE()],
  },
  dibao: {
    name: 'dibao',
    zh: '低保/特困名册',
    fields: [
      PERSON_ID(['成员身份证号', '家庭成员身份证号']),
      PERSON_NAME(['成员姓名', '家庭成员姓名']),
      HOUSEHOLD(),
      RELATION(),
      ADDRESS(),
      TOWN(),
      VILLAGE(),
      { name: 'head_id_number', type: 'id', zh: '户主身份证号', aliases: ['户主身份证号', '户主证件号码', '户主身份证号码'] },
      { name: 'head_name', type: 'name', zh: '户主姓名', aliases: ['户主姓名', '户主'] },
      { name: 'category', type: 'text', zh: '保障类别', aliases: ['保障类别', '救助类别', '类别', '保障类型'] },
      { name: 'monthly_amount', type: 'money', zh: '月保障金', aliases: ['月保障金', '月保障金额', '保障金额', '月救助金'] },
      { name: 'start_date', type: 'date', zh: '纳入时间', aliases: ['纳入时间', '批准日期', '享受起始时间', '纳入日期'] },
      { name: 'end_date', type: 'date', zh: '退出时间', aliases: ['退出时间', '终止日期', '退出日期'] },
    ],
  },
  subsidy: {
    name: 'subsidy',
    zh: '补贴发放明细',
    fields: [
      PERSON_ID(),
      PERSON_NAME(),
      HOUSEHOLD(),
      TOWN(),
      VILLAGE(),
      { name: 'subsidy_type', type: 'text', zh: '补贴项目', required: true, aliases: ['补贴项目', '补贴类型', '项目名称', '资金项目'] },
      { name: 'amount', type: 'money', zh: '发放金额', required: true, key: true, aliases: ['发放金额', '金额', '补贴金额', '实发金额'] },
      { name: 'pay_date', type: 'date', zh: '发放日期', required: true, key: true, aliases: ['发放日期', '发放时间', '入账日期'] },
      { name: 'period', type: 'text', zh: '发放期间', aliases: ['发放期间', '所属期', '年月', '所属期间'] },
      { name: 'bank_account', type: 'account', zh: '银行账号', aliases: ['银行账号', '账号', '卡号', '一卡通账号', '银行卡号'] },
      { name: 'account_name', type: 'name', zh: '账户名', aliases: ['账户名', '户名', '开户人', '领款人', '账户名称'] },
      { name: 'area', type: 'number', zh: '面积', aliases: ['面积', '补贴面积', '种植面积', '亩数'] },
    ],
  },
  property: {
    name: 'property',
    zh: '不动产登记',
    fields: [
      PERSON_ID(['权利人证件号', '权利人身份证号', '产权人证件号码', '权利人证件号码', '产权人身份证号']),
      PERSON_NAME(['权利人', '产权人', '权利人姓名']),
      { name: 'address', type: 'text', zh: '坐落', aliases: ['坐落', '房屋坐落', '不动产坐落'] },
      { name: 'area', type: 'number', zh: '建筑面积', aliases: ['建筑面积', '面积'] },
      { name: 'usage', type: 'text', zh: '用途', aliases: ['用途', '规划用途', '房屋用途'] },
      { name: 'register_date', type: 'date', zh: '登记日期', aliases: ['登记日期', '登簿日期', '登记时间'] },
      { name: 'certificate_no', type: 'text', zh: '不动产权证号', aliases: ['不动产权证号', '产权证号', '不动产权证书号', '证书号'] },
    ],
  },
  vehicle: {
    name: 'vehicle',
    zh: '机动车登记',
    fields: [
      PERSON_ID(['所有人证件号码', '车主身份证号', '所有人身份证号', '车主证件号码']),
      PERSON_NAME(['所有人', '车主', '机动车所有人']),
      { name: 'plate', type: 'text', zh: '号牌号码', aliases: ['号牌号码', '车牌号', '车牌号码', '号牌'] },
      { name: 'vehicle_type', type: 'text', zh: '车辆类型', aliases: ['车辆类型', '车型'] },
      { name: 'brand', type: 'text', zh: '品牌型号', aliases: ['品牌型号', '品牌'] },
      { name: 'register_date', type: 'date', zh: '初次登记日期', aliases: ['初次登记日期', '注册日期', '登记日期'] },
      { name: 'status', type: 'text', zh: '状态', aliases: ['状态', '机动车状态', '车辆状态'] },
      { name: 'deregister_date', type: 'date', zh: '注销日期', aliases: ['注销日期', '报废日期'] },
    ],
  },
  employee: {
    name: 'employee',
    zh: '财政供养人员',
    fields: [
      PERSON_ID(),
      PERSON_NAME(),
      { name: 'employer', type: 'text', zh: '工作单位', aliases: ['工作单位', '单位名称', '单位'] },
      { name: 'position', type: 'text', zh: '职务', aliases: ['职务', '岗位'] },
      { name: 'start_date', type: 'date', zh: '参加工作时间', aliases: ['参加工作时间', '入职日期', '入职时间'] },
      { name: 'end_date', type: 'date', zh: '离职日期', aliases: ['离职日期', '离职时间', '退休日期'] },
    ],
  },
  cadre: {
    name: 'cadre',
    zh: '村(社区)干部',
    fields: [
      PERSON_ID(),
      PERSON_NAME(),
      TOWN(),
      VILLAGE(true),
      { name: 'position', type: 'text', zh: '职务', aliases: ['职务', '岗位'] },
      { name: 'term_start', type: 'date', zh: '任职开始', aliases: ['任职开始', '任职时间', '任职开始时间', '任职日期'] },
      { name: 'term_end', type: 'date', zh: '任职结束', aliases: ['任职结束', '离任时间', '任职结束时间', '离任日期'] },
      ADDRESS(),
    ],
  },
  death: {
    name: 'death',
    zh: '死亡/火化',
    fields: [
      PERSON_ID(['死者身份证号']),
      PERSON_NAME(['死者姓名']),
      { name: 'death_date', type: 'date', zh: '死亡日期', required: true, key: true, aliases: ['死亡日期', '火化日期', '死亡时间', '火化时间'] },
    ],
  },
  business: {
    name: 'business',
    zh: '工商登记',
    fields: [
      PERSON_ID(['法定代表人证件号', '投资人证件号', '法定代表人身份证号', '投资人身份证号', '证照号码']),
      PERSON_NAME(['法定代表人', '投资人', '人员姓名'], false),
      { name: 'company_name', type: 'text', zh: '企业名称', required: true, aliases: ['企业名称', '市场主体名称', '名称'] },
      { name: 'role', type: 'text', zh: '身份', aliases: ['身份', '人员类型', '职务'] },
      { name: 'credit_code', type: 'text', zh: '统一社会信用代码', aliases: ['统一社会信用代码', '信用代码'] },
      { name: 'register_date', type: 'date', zh: '成立日期', aliases: ['成立日期', '注册日期'] },
      { name: 'capital', type: 'money', zh: '注册资本', aliases: ['注册资本', '注册资金'] },
      { name: 'status', type: 'text', zh: '登记状态', aliases: ['登记状态', '经营状态', '状态'] },
      { name: 'deregister_date', type: 'date', zh: '注销日期', aliases: ['注销日期', '吊销日期', '注吊销日期'] },
    ],
  },
  land: {
    name: 'land',
    zh: '土地承包',
    fields: [
      PERSON_ID(['承包方证件号', '承包方代表证件号', '承包方代表身份证号', '承包方身份证号']),
      PERSON_NAME(['承包方代表', '承包方', '承包方代表姓名'], false),
      { name: 'contract_area', type: 'number', zh: '承包面积', required: true, key: true, aliases: ['承包面积', '合同面积', '确权面积', '实测面积'] },
      HOUSEHOLD(),
      TOWN(),
      VILLAGE(),
    ],
  },
  voucher: {
    name: 'voucher',
    zh: '会计凭证分录',
    fields: [
      { name: 'unit', type: 'text', zh: '单位', required: true, aliases: ['单位', '单位名称', '核算单位', '账套', '账套名称'] },
      { name: 'voucher_date', type: 'date', zh: '凭证日期', required: true, key: true, aliases: ['凭证日期', '制单日期', '日期', '记账日期'] },
      { name: 'voucher_no', type: 'text', zh: '凭证号', required: true, key: true, aliases: ['凭证号', '凭证编号', '凭证字号'] },
      { name: 'line_no', type: 'number', zh: '分录号', aliases: ['分录号', '行号', '分录序号'] },
      { name: 'summary', type: 'text', zh: '摘要', required: true, aliases: ['摘要'] },
      { name: 'account_code', type: 'text', zh: '科目编码', oneOf: 'account', aliases: ['科目编码', '科目代码', '会计科目编码'] },
      { name: 'account_name', type: 'text', zh: '科目名称', oneOf: 'account', aliases: ['科目名称', '会计科目', '科目', '会计科目名称'] },
      { name: 'debit', type: 'money', zh: '借方金额', required: true, aliases: ['借方金额', '借方', '借方发生额'] },
      { name: 'credit', type: 'money', zh: '贷方金额', required: true, aliases: ['贷方金额', '贷方', '贷方发生额'] },
      { name: 'counterparty', type: 'text', zh: '往来单位', aliases: ['往来单位', '对方单位', '供应商', '收款单位', '辅助核算', '辅助项'] },
      { name: 'settlement', type: 'text', zh: '结算方式', aliases: ['结算方式', '支付方式'] },
      { name: 'fund_source', type: 'text', zh: '资金来源', aliases: ['资金来源', '项目', '经费来源', '指标来源'] },
      { name: 'invoice_no', type: 'text', zh: '发票号', aliases: ['发票号', '发票号码'] },
    ],
    // Some systems export one amount column plus a 借/贷 direction column instead of debit/credit.
    // When both are mapped (and debit/credit are not), ingest folds them into debit/credit.
    alternates: [
      { name: 'amount', type: 'money', zh: '金额', aliases: ['金额', '发生额', '本币金额'] },
      { name: 'direction', type: 'text', zh: '方向', aliases: ['方向', '借贷方向', '借贷', '借/贷'] },
    ],
  },
  procurement: {
    name: 'procurement',
    zh: '政府采购',
    fields: [
      { name: 'unit', type: 'text', zh: '采购单位', required: true, aliases: ['采购单位', '采购人', '单位', '单位名称'] },
      { name: 'project_name', type: 'text', zh: '项目名称', aliases: ['项目名称', '采购项目名称'] },
      { name: 'category', type: 'text', zh: '品目', aliases: ['品目', '采购品目', '品目名称'] },
      { name: 'vendor', type: 'text', zh: '供应商', required: true, aliases: ['供应商', '中标供应商', '成交供应商', '中标(成交)供应商'] },
      { name: 'amount', type: 'money', zh: '合同金额', required: true, key: true, aliases: ['合同金额', '中标金额', '成交金额', '中标(成交)金额'] },
      { name: 'contract_date', type: 'date', zh: '签订日期', aliases: ['签订日期', '合同签订日期', '签约日期'] },
      { name: 'method', type: 'text', zh: '采购方式', aliases: ['采购方式'] },
      { name: 'contract_no', type: 'text', zh: '合同编号', aliases: ['合同编号', '合同号'] },
    ],
  },
  relation: {
    name: 'relation',
    zh: '亲属关系',
    fields: [
      { name: 'id_number_a', type: 'id', zh: '身份证号A', required: true, key: true, aliases: ['身份证号A', '身份证号码A', '证件号码A'] },
      { name: 'id_number_b', type: 'id', zh: '身份证号B', required: true, key: true, aliases: ['身份证号B', '身份证号码B', '证件号码B'] },
      { name: 'relation', type: 'text', zh: '关系', required: true, aliases: ['关系', '亲属关系', '与A关系'] },
    ],
  },
  kin_filing: {
    name: 'kin_filing',
    zh: '近亲属享受低保备案',
    fields: [
      PERSON_ID(['备案人员身份证号']),
      PERSON_NAME(['备案人员姓名'], false),
      { name: 'cadre_id_number', type: 'id', zh: '干部身份证号', aliases: ['干部身份证号', '干部证件号码'] },
      { name: 'relation', type: 'text', zh: '与干部关系', aliases: ['与干部关系', '关系'] },
      { name: 'filing_date', type: 'date', zh: '备案日期', aliases: ['备案日期', '备案时间'] },
    ],
  },
  // 工资发放明细: 财政统发 exports (one row per person and month, 应发合计/实发合计) and units' own salary sheets
  // (one row per person, month and 工资项目). Pension payouts from 社保 (养老金, 离退休费) load into `subsidy`.
  payroll: {
    name: 'payroll',
    zh: '工资发放明细',
    fields: [
      { name: 'unit', type: 'text', zh: '发放单位', required: true, aliases: ['单位', '发放单位', '单位名称', '工作单位', '预算单位', '所在单位', '发放单位名称', '预算单位名称'] },
      PERSON_ID(),
      PERSON_NAME(['职工姓名']),
      {
        name: 'pay_month',
        type: 'month',
        zh: '工资月份',
        required: true,
        key: true,
        aliases: ['工资月份', '所属月份', '发放月份', '月份', '工资所属期', '所属期', '年月', '发放年月', '工资年月', '工资所属月份', '所属年月'],
      },
      { name: 'gross', type: 'money', zh: '应发合计', oneOf: 'pay', aliases: ['应发合计', '应发工资', '应发金额', '应发数', '应发合计金额', '应发工资合计', '应发总额', '应发金额合计'] },
      { name: 'net', type: 'money', zh: '实发合计', oneOf: 'pay', aliases: ['实发合计', '实发工资', '实发金额', '实发数', '实发合计金额', '实发工资合计', '实发总额', '实发金额合计'] },
      { name: 'item', type: 'text', zh: '工资项目', aliases: ['工资项目', '发放类型', '发放项目', '人员类别', '人员身份', '工资类别'] },
    ],
  },
};

export const FIELD_SQL_TYPE: Record<FieldType, string> = {
  id: 'VARCHAR',
  text: 'VARCHAR',
  name: 'VARCHAR',
  account: 'VARCHAR',
  date: 'DATE',
  money: 'DECIMAL(18,2)',
  number: 'DOUBLE',
  month: 'VARCHAR',
};

export interface ColumnDef {
  name: string;
  sqlType: string;
}

export function hasPersonId(table: CanonicalTableName): boolean {
  return TABLES[table].fields.some((f) => f.name === 'id_number');
}

/** All columns of a canonical table, in storage order. */
export function canonicalColumns(table: CanonicalTableName): ColumnDef[] {
  const cols: ColumnDef[] = TABLES[table].fields.map((f) => ({ name: f.name, sqlType: FIELD_SQL_TYPE[f.type] }));
  if (hasPersonId(table)) {
    cols.push(
      { name: 'id_valid', sqlType: 'BOOLEAN' },
      { name: 'birth_date', sqlType: 'DATE' },
      { name: 'sex', sqlType: 'VARCHAR' },
      { name: 'region_code', sqlType: 'VARCHAR' },
    );
  }
  cols.push({ name: '_source_file', sqlType: 'VARCHAR' }, { name: '_source_row', sqlType: 'INTEGER' }, { name: '_extra', sqlType: 'JSON' });
  return cols;
}

export function isCanonicalTable(name: string): name is CanonicalTableName {
  return (CANONICAL_TABLE_NAMES as readonly string[]).includes(name);
}

/** `CREATE TABLE` statement for an empty canonical table. */
export function createTableSql(table: CanonicalTableName, options: { orReplace?: boolean; ifNotExists?: boolean } = {}): string {
  const cols = canonicalColumns(table)
    .map((c) => `"${c.name}" ${c.sqlType}`)
    .join(', ');
  const head = options.orReplace ? 'CREATE OR REPLACE TABLE' : options.ifNotExists ? 'CREATE TABLE IF NOT EXISTS' : 'CREATE TABLE';
  return `${head} "${table}" (${cols})`;
}

/** Normalizes a header cell for alias matching: case, spaces, full-width forms and `*` marks ignored. */
export function normalizeHeader(h: string): string {
  return String(h ?? '')
    .replace(/^\uFEFF/, '')
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/[\s*＊※]/g, '')
    .toLowerCase();
}
