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
 *   + for tables with an `id_number` field: id_valid BOOLEAN, birth_date DATE, sex VARCHAR ('男'|'女'), region_code VARCHAR,
 *     id_masked BOOLEAN (SPEC §3.2: the cell was a masked ID such as 3209221965****1234; id_number is then NULL so it
 *     is never joined on, id_valid is NULL, and the written text is kept in _extra under the column's header)
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
  /**
   * looser header words: used only when no column carries one of `aliases`, the first in list order wins, and the
   * column's values must fit the field's type (a column headed `ID` holding 1, 2, 3 is not an id_number)
   */
  weak?: string[];
  /**
   * money/number fields: a header must contain this for the field to be recognised by its values alone (a column of
   * amounts is only `debit` when its header says 借)
   */
  valueHint?: RegExp;
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

/*
 * Header words. `aliases` are exact header texts (after normalizeHeader) that name the field; `weak` are looser
 * words used only when no column carries one of the aliases, taken in list order, and confirmed by the column's
 * values (src/ingest/value-profile.ts). Where a word comes from a particular exporting system, the comment says
 * which. Sources: the systems' export/import templates and data dictionaries as published in their manuals and
 * public integration code (用友 U8 gl_accvouch / 凭证引入格式, 金蝶 KIS/K3 凭证引入引出接口 and Excel 模板, 浪潮 GS 凭证
 * 接口, 财政预算管理一体化 会计核算 exports, 民政 社会救助信息系统 低保/特困 名册, 惠民惠农补贴 一卡通 发放平台,
 * TD/T 1066 不动产登记数据库 (QLRMC 权利人名称, ZJH 证件号, ZL 坐落, BDCQZH 不动产权证号, DBSJ 登簿时间),
 * 公安交管 机动车登记 (SFZMHM 身份证明号码, SYR 机动车所有人, CLPP1 中文品牌, CCDJRQ 初次登记日期, ZT 机动车状态),
 * 市场监管 企业登记 exports).
 */
/** every usual spelling of a resident ID number column */
const ID_ALIASES = [
  '身份证号', '身份证号码', '公民身份号码', '证件号码', '身份证', '公民身份证号', '身份证件号码',
  '公民身份证号码', '居民身份证号', '居民身份证号码', '身份证件号', '身份号码', '证件号', // 公安/人社/民政 exports
];
/** loose words for an ID column, confirmed by its values (`ID` is also a row number in many exports) */
const ID_WEAK = ['ID', '证件编号', '证照号码', '身份证明号码'];
const NAME_ALIASES = ['姓名', '人员姓名'];
const TOWN = (): FieldSpec => ({
  name: 'town',
  type: 'text',
  zh: '乡镇(街道)',
  aliases: [
    '乡镇(街道)', '乡镇（街道）', '乡镇', '街道', '镇街', '乡镇街道',
    '所属乡镇', '所在乡镇', '乡镇名称', '街道(乡镇)', '所属街道', '所属乡镇(街道)', '乡(镇)', '乡镇(场)', // 民政/一卡通
  ],
  weak: ['镇', '乡', '镇(街道)', '所属镇街'],
});
const VILLAGE = (required = false): FieldSpec => ({
  name: 'village',
  type: 'text',
  zh: '村(社区)',
  required,
  aliases: [
    '村(社区)', '村（社区）', '村居', '行政村', '社区', '村', '村社区', '村(居)',
    '村名', '所在村', '所属村', '村委会', '村(居)委会', '居(村)委会', '社区(村)', '所属村(社区)', '所在村(社区)', // 民政 低保/特困 名册, 扶贫 roster
    '村居委会', '村民委员会', '村(社区)名称', '村居名称', '行政村名称', '所属社区', '所在社区', // 一卡通, 村干部花名册
  ],
  weak: ['村组', '村(组)', '居委会'],
});
const HOUSEHOLD = (extra: string[] = []): FieldSpec => ({
  name: 'household_id',
  type: 'text',
  zh: '户号',
  aliases: [...extra, '户号', '户编号', '家庭编号', '户编码', '家庭编码', '户主编号'],
  // 民政 低保/特困: the household's certificate number identifies the household when no 户号 is exported
  weak: ['救助证号', '保障证号', '低保证号', '救助证编号', '低保证编号', '户口簿编号'],
});
const RELATION = (): FieldSpec => ({
  name: 'relation',
  type: 'text',
  zh: '与户主关系',
  aliases: ['与户主关系', '家庭关系', '关系', '与户主的关系', '成员关系', '家庭成员关系', '与申请人关系'],
});
const ADDRESS = (): FieldSpec => ({
  name: 'address',
  type: 'text',
  zh: '住址',
  aliases: ['住址', '户籍地址', '家庭住址', '家庭地址', '现住址', '户籍地详址', '住址详址', '居住地址', '现居住地址'],
  weak: ['户籍所在地', '地址', '详细地址'],
});
const PERSON_ID = (extra: string[] = [], weak: string[] = []): FieldSpec => ({
  name: 'id_number',
  type: 'id',
  zh: '身份证号',
  required: true,
  key: true,
  aliases: [...extra, ...ID_ALIASES],
  weak: [...weak, ...ID_WEAK],
});
const PERSON_NAME = (extra: string[] = [], required = true, weak: string[] = []): FieldSpec => ({
  name: 'name',
  type: 'name',
  zh: '姓名',
  required,
  aliases: [...extra, ...NAME_ALIASES],
  weak,
});

export const TABLES: Record<CanonicalTableName, TableSpec> = {
  person: {
    name: 'person',
    zh: '户籍人口',
    // 公安 户籍 人口 exports: 公民身份号码, 户号, 与户主关系, 住址, 派出所, 居(村)委会
    fields: [PERSON_ID(), PERSON_NAME(), HOUSEHOLD(), RELATION(), ADDRESS(), TOWN(), VILLAGE()],
  },
  dibao: {
    name: 'dibao',
    zh: '低保/特困名册',
    // 民政 社会救助信息系统 低保/特困 名册 (one row per member; head-of-household columns beside member columns)
    fields: [
      PERSON_ID(
        ['成员身份证号', '家庭成员身份证号', '成员身份证号码', '家庭成员身份证号码', '成员证件号码', '保障对象身份证号', '救助对象身份证号',
          '保障对象身份证号码', '救助对象身份证号码', '供养对象身份证号', '特困人员身份证号', '对象身份证号'],
      ),
      PERSON_NAME(['成员姓名', '家庭成员姓名', '保障对象姓名', '救助对象姓名', '供养对象姓名', '特困人员姓名', '对象姓名', '保障对象', '救助对象']),
      HOUSEHOLD(),
      RELATION(),
      ADDRESS(),
      TOWN(),
      VILLAGE(),
      {
        name: 'head_id_number',
        type: 'id',
        zh: '户主身份证号',
        aliases: ['户主身份证号', '户主证件号码', '户主身份证号码', '户主身份证', '户主公民身份号码', '户主证件号', '申请人身份证号', '申请人身份证号码', '申请人证件号码'],
      },
      { name: 'head_name', type: 'name', zh: '户主姓名', aliases: ['户主姓名', '户主', '申请人姓名', '申请人'] },
      {
        name: 'category',
        type: 'text',
        zh: '保障类别',
        aliases: ['保障类别', '救助类别', '类别', '保障类型', '救助类型', '对象类别', '保障对象类别', '低保类别', '人员类别'],
        weak: ['供养方式', '类型'],
      },
      {
        name: 'monthly_amount',
        type: 'money',
        zh: '月保障金',
        aliases: ['月保障金', '月保障金额', '保障金额', '月救助金', '月救助金额', '月发放金额', '月低保金', '家庭月保障金', '月保障金总额'],
        weak: ['救助金额', '保障金', '低保金', '发放金额', '基本生活费', '金额'], // 特困: 基本生活费
      },
      {
        name: 'start_date',
        type: 'date',
        zh: '纳入时间',
        aliases: ['纳入时间', '批准日期', '享受起始时间', '纳入日期', '救助开始日期', '保障起始日期', '享受日期', '开始享受时间', '批准时间', '认定时间', '认定日期', '救助起始日期'],
        weak: ['审批日期', '审批时间', '起始发放年月', '开始时间', '起始日期'],
      },
      {
        name: 'end_date',
        type: 'date',
        zh: '退出时间',
        aliases: ['退出时间', '终止日期', '退出日期', '停保日期', '停保时间', '停发日期', '救助结束日期', '保障终止日期', '终止时间'],
        weak: ['注销日期', '注销时间', '结束时间', '结束日期'],
      },
    ],
  },
  subsidy: {
    name: 'subsidy',
    zh: '补贴发放明细',
    // 惠民惠农财政补贴资金 一卡通 发放平台 (财政/农业农村/民政 payout details)
    fields: [
      PERSON_ID(['补贴对象身份证号', '补贴对象身份证号码', '享受对象身份证号', '发放对象身份证号', '享受人员身份证号', '享受人身份证号', '补助对象身份证号']),
      PERSON_NAME(['补贴对象', '补贴对象姓名', '享受人姓名', '享受对象姓名', '发放对象', '发放对象姓名', '补助对象', '补助对象姓名', '享受人员姓名']),
      HOUSEHOLD(),
      TOWN(),
      VILLAGE(),
      {
        name: 'subsidy_type',
        type: 'text',
        zh: '补贴项目',
        required: true,
        aliases: ['补贴项目', '补贴类型', '项目名称', '资金项目', '补贴项目名称', '补贴名称', '补助项目', '发放项目', '资金名称', '补贴种类', '补贴政策', '政策名称', '补贴政策名称', '资金项目名称'],
        weak: ['项目', '补贴类别', '发放类型'],
      },
      {
        name: 'amount',
        type: 'money',
        zh: '发放金额',
        required: true,
        key: true,
        aliases: ['发放金额', '金额', '补贴金额', '实发金额', '补助金额', '补贴发放金额', '本次发放金额', '到账金额', '发放金额合计', '实发补贴金额'],
        weak: ['应发金额', '合计金额', '合计', '补贴标准金额'],
      },
      {
        name: 'pay_date',
        type: 'date',
        zh: '发放日期',
        required: true,
        key: true,
        aliases: ['发放日期', '发放时间', '入账日期', '到账日期', '到账时间', '支付日期', '入账时间', '代发日期', '打卡日期', '发放到户日期', '拨付日期'],
        weak: ['交易日期', '交易时间', '支付时间', '处理日期', '日期'],
      },
      {
        name: 'period',
        type: 'text',
        zh: '发放期间',
        aliases: ['发放期间', '所属期', '年月', '所属期间', '发放月份', '所属月份', '发放年月', '所属年月', '补贴年度', '发放年度'],
      },
      {
        name: 'bank_account',
        type: 'account',
        zh: '银行账号',
        aliases: ['银行账号', '账号', '卡号', '一卡通账号', '银行卡号', '一卡通卡号', '收款账号', '银行账户', '惠农卡号', '存折号', '存折账号', '银行卡(折)号', '代发账号'],
        weak: ['社保卡号', '社会保障卡号', '社保卡银行账号', '账户'],
      },
      {
        name: 'account_name',
        type: 'name',
        zh: '账户名',
        aliases: ['账户名', '户名', '开户人', '领款人', '账户名称', '收款人', '收款人姓名', '持卡人', '持卡人姓名', '开户人姓名', '账户户名', '领款人姓名'],
      },
      {
        name: 'area',
        type: 'number',
        zh: '面积',
        aliases: ['面积', '补贴面积', '种植面积', '亩数', '计税面积', '实际种植面积', '补贴面积(亩)', '补贴亩数'],
        weak: ['承包面积', '确权面积', '合同面积'],
        valueHint: /面积|亩/,
      },
    ],
  },
  property: {
    name: 'property',
    zh: '不动产登记',
    // 不动产登记 信息平台 查询/导出 (TD/T 1066 field names); 房管 产权 exports
    fields: [
      PERSON_ID(['权利人证件号', '权利人身份证号', '产权人证件号码', '权利人证件号码', '产权人身份证号', '所有权人证件号码', '房屋所有权人证件号', '权利人证件号(码)', '权利人身份证号码']),
      PERSON_NAME(['权利人', '产权人', '权利人姓名', '权利人名称', '产权人姓名', '所有权人', '房屋所有权人', '所有权人姓名']),
      { name: 'address', type: 'text', zh: '坐落', aliases: ['坐落', '房屋坐落', '不动产坐落', '房地坐落', '坐落地址', '坐落位置', '房屋地址', '不动产坐落地址'] },
      { name: 'area', type: 'number', zh: '建筑面积', aliases: ['建筑面积', '面积', '房屋建筑面积'], weak: ['套内建筑面积', '实测建筑面积'], valueHint: /面积/ },
      { name: 'usage', type: 'text', zh: '用途', aliases: ['用途', '规划用途', '房屋用途', '设计用途', '实际用途'], weak: ['土地用途', '房屋性质'] },
      { name: 'register_date', type: 'date', zh: '登记日期', aliases: ['登记日期', '登簿日期', '登记时间', '登簿时间'], weak: ['发证日期', '发证时间', '核准日期'] },
      {
        name: 'certificate_no',
        type: 'text',
        zh: '不动产权证号',
        aliases: ['不动产权证号', '产权证号', '不动产权证书号', '证书号', '不动产权证书号码', '房产证号', '房屋所有权证号', '不动产证号', '权证号', '不动产权证号码'],
        weak: ['证号'],
      },
    ],
  },
  vehicle: {
    name: 'vehicle',
    zh: '机动车登记',
    // 公安交管 机动车登记 exports (SFZMHM 身份证明号码, SYR 机动车所有人, CLPP1 中文品牌, CCDJRQ 初次登记日期, ZT 机动车状态)
    fields: [
      PERSON_ID(['所有人证件号码', '车主身份证号', '所有人身份证号', '车主证件号码', '身份证明号码', '所有人身份证明号码', '车主身份证号码', '所有人身份证号码']),
      PERSON_NAME(['所有人', '车主', '机动车所有人', '车主姓名', '所有人姓名', '机动车所有人姓名']),
      { name: 'plate', type: 'text', zh: '号牌号码', aliases: ['号牌号码', '车牌号', '车牌号码', '号牌', '车牌'] },
      { name: 'vehicle_type', type: 'text', zh: '车辆类型', aliases: ['车辆类型', '车型', '车辆类型名称'], weak: ['号牌种类'] },
      { name: 'brand', type: 'text', zh: '品牌型号', aliases: ['品牌型号', '品牌', '中文品牌', '车辆品牌', '厂牌型号'], weak: ['车辆型号'] },
      { name: 'register_date', type: 'date', zh: '初次登记日期', aliases: ['初次登记日期', '注册日期', '登记日期', '初登日期', '注册登记日期', '初次登记时间'] },
      { name: 'status', type: 'text', zh: '状态', aliases: ['状态', '机动车状态', '车辆状态', '机动车状态名称'] },
      { name: 'deregister_date', type: 'date', zh: '注销日期', aliases: ['注销日期', '报废日期', '注销时间'] },
    ],
  },
  employee: {
    name: 'employee',
    zh: '财政供养人员',
    // 财政供养/编制 实名制 rosters, 人社 HR exports
    fields: [
      PERSON_ID(),
      PERSON_NAME(),
      {
        name: 'employer',
        type: 'text',
        zh: '工作单位',
        aliases: ['工作单位', '单位名称', '单位', '所在单位', '任职单位', '工作单位名称', '供养单位', '编制单位', '用人单位'],
        weak: ['部门', '所在部门'],
      },
      { name: 'position', type: 'text', zh: '职务', aliases: ['职务', '岗位', '现任职务', '职务名称', '岗位名称'], weak: ['职级', '职称'] },
      { name: 'start_date', type: 'date', zh: '参加工作时间', aliases: ['参加工作时间', '入职日期', '入职时间', '参加工作日期'], weak: ['进入本单位时间', '入编时间', '参保日期'] },
      { name: 'end_date', type: 'date', zh: '离职日期', aliases: ['离职日期', '离职时间', '退休日期', '退休时间', '离退休日期'], weak: ['调出时间', '减员日期'] },
    ],
  },
  cadre: {
    name: 'cadre',
    zh: '村(社区)干部',
    // 组织部门/乡镇 村(社区)干部花名册
    fields: [
      PERSON_ID(),
      PERSON_NAME(),
      TOWN(),
      VILLAGE(true),
      { name: 'position', type: 'text', zh: '职务', aliases: ['职务', '岗位', '现任职务', '担任职务', '村(社区)职务'] },
      { name: 'term_start', type: 'date', zh: '任职开始', aliases: ['任职开始', '任职时间', '任职开始时间', '任职日期', '任现职时间', '任职起始时间', '任职起始日期'] },
      { name: 'term_end', type: 'date', zh: '任职结束', aliases: ['任职结束', '离任时间', '任职结束时间', '离任日期', '免职时间', '任职结束日期'] },
      ADDRESS(),
    ],
  },
  death: {
    name: 'death',
    zh: '死亡/火化',
    // 殡葬 火化 登记, 公安 死亡注销, 卫健 死亡医学证明
    fields: [
      PERSON_ID(['死者身份证号', '逝者身份证号', '死者身份证号码', '逝者身份证号码', '死亡人员身份证号']),
      PERSON_NAME(['死者姓名', '逝者姓名', '死亡人员姓名']),
      {
        name: 'death_date',
        type: 'date',
        zh: '死亡日期',
        required: true,
        key: true,
        aliases: ['死亡日期', '火化日期', '死亡时间', '火化时间', '逝世日期', '死亡注销日期'],
        weak: ['注销日期', '注销时间'],
      },
    ],
  },
  business: {
    name: 'business',
    zh: '工商登记',
    // 市场监管 企业/个体工商户 登记 exports (法定代表人, 投资人/股东, 经营者)
    fields: [
      PERSON_ID(
        ['法定代表人证件号', '投资人证件号', '法定代表人身份证号', '投资人身份证号', '证照号码', '法定代表人证件号码', '法定代表人身份证件号码',
          '负责人证件号码', '经营者证件号码', '经营者身份证号', '股东证件号码', '出资人证件号码', '投资人证件号码'],
      ),
      PERSON_NAME(['法定代表人', '投资人', '人员姓名', '法定代表人姓名', '经营者', '经营者姓名', '负责人', '出资人'], false, ['股东', '股东名称', '投资人名称']),
      {
        name: 'company_name',
        type: 'text',
        zh: '企业名称',
        required: true,
        aliases: ['企业名称', '市场主体名称', '名称', '主体名称', '企业(机构)名称', '个体工商户名称', '企业名称(字号)'],
        weak: ['单位名称', '字号名称'],
      },
      { name: 'role', type: 'text', zh: '身份', aliases: ['身份', '人员类型', '职务', '人员身份'], weak: ['投资人类型'] },
      { name: 'credit_code', type: 'text', zh: '统一社会信用代码', aliases: ['统一社会信用代码', '信用代码', '统一代码'], weak: ['注册号'] },
      { name: 'register_date', type: 'date', zh: '成立日期', aliases: ['成立日期', '注册日期', '设立日期', '开业日期'], weak: ['核准日期', '登记日期'] },
      { name: 'capital', type: 'money', zh: '注册资本', aliases: ['注册资本', '注册资金'], weak: ['认缴出资额', '出资额'] },
      { name: 'status', type: 'text', zh: '登记状态', aliases: ['登记状态', '经营状态', '状态', '企业状态', '主体状态'] },
      { name: 'deregister_date', type: 'date', zh: '注销日期', aliases: ['注销日期', '吊销日期', '注吊销日期', '核准注销日期'] },
    ],
  },
  land: {
    name: 'land',
    zh: '土地承包',
    // 农村土地承包经营权 确权登记 台账
    fields: [
      PERSON_ID(['承包方证件号', '承包方代表证件号', '承包方代表身份证号', '承包方身份证号', '承包方代表证件号码', '承包方证件号码']),
      PERSON_NAME(['承包方代表', '承包方', '承包方代表姓名', '承包方名称'], false, ['户主姓名']),
      {
        name: 'contract_area',
        type: 'number',
        zh: '承包面积',
        required: true,
        key: true,
        aliases: ['承包面积', '合同面积', '确权面积', '实测面积', '承包地面积', '确权(合同)面积', '承包合同面积'],
        weak: ['面积', '地块面积'],
        valueHint: /面积|亩/,
      },
      HOUSEHOLD(['承包方编码']),
      TOWN(),
      VILLAGE(),
    ],
  },
  voucher: {
    name: 'voucher',
    zh: '会计凭证分录',
    // 用友 U8/NC/YonSuite, 金蝶 KIS/K3/EAS/云星空, 浪潮 GS, 财政一体化 会计核算 凭证/序时账 exports
    fields: [
      {
        name: 'unit',
        type: 'text',
        zh: '单位',
        required: true,
        aliases: [
          '单位', '单位名称', '核算单位', '账套', '账套名称',
          '公司名称', '公司', '核算账簿', '主体账簿', '财务组织', '业务单元', '业务单元-名称', '业务单元名称', // 用友 NC / 金蝶 EAS, 云星空
          '会计主体', '核算主体', '预算单位', '单位名称(账套)', '核算单位名称', '账簿', '账簿名称', // 浪潮 GS, 财政一体化
        ],
        weak: ['组织', '组织名称', '账套号'],
      },
      {
        name: 'voucher_date',
        type: 'date',
        zh: '凭证日期',
        required: true,
        key: true,
        aliases: ['凭证日期', '制单日期'],
        // U8 序时账 日期, NC 记账/业务日期, 金蝶 EAS 总账日期 (often beside 制单日期: taken only when no alias column)
        weak: ['日期', '记账日期', '总账日期', '业务日期', '会计日期', '入账日期', '过账日期', '凭证时间', '制单时间'],
      },
      {
        name: 'voucher_no',
        type: 'text',
        zh: '凭证号',
        required: true,
        key: true,
        // 用友 U8 凭证号数, 金蝶 凭证字号 (记-5), NC 凭证编码, 一体化 凭证编号
        aliases: ['凭证号', '凭证编号', '凭证字号', '凭证号码', '凭证号数', '凭证编码', '凭证字号码'],
      },
      { name: 'line_no', type: 'number', zh: '分录号', aliases: ['分录号', '行号', '分录序号', '分录行号', '分录编号'] },
      { name: 'summary', type: 'text', zh: '摘要', required: true, aliases: ['摘要', '凭证摘要', '分录摘要', '摘要内容'], weak: ['说明', '业务说明'] },
      {
        name: 'account_code',
        type: 'text',
        zh: '科目编码',
        oneOf: 'account',
        aliases: ['科目编码', '科目代码', '会计科目编码', '科目编号', '会计科目代码', '科目号', '财务会计科目编码', '财务会计科目代码'],
      },
      {
        name: 'account_name',
        type: 'text',
        zh: '科目名称',
        oneOf: 'account',
        aliases: ['科目名称', '会计科目', '科目', '会计科目名称', '科目全称', '科目全名', '会计科目全称', '财务会计科目', '财务会计科目名称'],
        weak: ['末级科目', '科目名'],
      },
      {
        name: 'debit',
        type: 'money',
        zh: '借方金额',
        required: true,
        // 本币 (local currency) before 原币; 政府会计 平行记账: the 财务会计 side (预算会计 columns stay in _extra)
        aliases: ['借方金额', '借方', '借方发生额', '借方本币', '本币借方', '借方金额(本币)', '借方(本币)', '借方本币金额', '财务会计借方', '财务会计借方金额'],
        weak: ['借方原币', '原币借方', '借方原币金额'],
        valueHint: /借/,
      },
      {
        name: 'credit',
        type: 'money',
        zh: '贷方金额',
        required: true,
        aliases: ['贷方金额', '贷方', '贷方发生额', '贷方本币', '本币贷方', '贷方金额(本币)', '贷方(本币)', '贷方本币金额', '财务会计贷方', '财务会计贷方金额'],
        weak: ['贷方原币', '原币贷方', '贷方原币金额'],
        valueHint: /贷/,
      },
      {
        name: 'counterparty',
        type: 'text',
        zh: '往来单位',
        aliases: ['往来单位', '对方单位', '收款单位', '往来单位名称', '客商', '客商名称', '对方户名', '收款人', '收款人名称', '收款方', '对方单位名称'],
        // 金蝶 KIS exports 客户 and 供应商 side by side: 供应商 first; 辅助核算 text (供应商:某公司) last
        weak: ['供应商', '供应商名称', '客户', '客户名称', '辅助核算', '辅助项', '核算项目', '辅助核算项', '辅助核算内容'],
      },
      { name: 'settlement', type: 'text', zh: '结算方式', aliases: ['结算方式', '支付方式', '结算方式名称', '付款方式'] },
      {
        name: 'fund_source',
        type: 'text',
        zh: '资金来源',
        aliases: ['资金来源', '项目', '经费来源', '指标来源', '资金性质', '经费类型', '资金来源名称'],
        weak: ['项目名称', '预算项目', '功能分类'],
      },
      { name: 'invoice_no', type: 'text', zh: '发票号', aliases: ['发票号', '发票号码'] },
    ],
    // Some systems export one amount column plus a 借/贷 direction column instead of debit/credit.
    // When both are mapped (and debit/credit are not), ingest folds them into debit/credit.
    // 金蝶 KIS/K3 and 用友 U8 number vouchers per 凭证字/类别 (收, 付, 转, 记): with the number in a column of its own,
    // ingest writes voucher_no as `字-号` (收-5), so 收5 and 付5 of one month stay two vouchers.
    alternates: [
      { name: 'amount', type: 'money', zh: '金额', aliases: ['金额', '发生额', '本币金额', '金额(本币)'], weak: ['原币金额'] },
      { name: 'direction', type: 'text', zh: '方向', aliases: ['方向', '借贷方向', '借贷', '借/贷', '借贷标志', '余额方向'] },
      { name: 'voucher_word', type: 'text', zh: '凭证字', aliases: ['凭证字', '凭证类别', '凭证类别字', '凭证类型', '凭证种类'] },
    ],
  },
  procurement: {
    name: 'procurement',
    zh: '政府采购',
    // 政府采购 合同公告/电子卖场/采购管理 exports
    fields: [
      { name: 'unit', type: 'text', zh: '采购单位', required: true, aliases: ['采购单位', '采购人', '单位', '单位名称', '采购人名称', '采购单位名称', '预算单位'] },
      { name: 'project_name', type: 'text', zh: '项目名称', aliases: ['项目名称', '采购项目名称'], weak: ['合同名称'] },
      { name: 'category', type: 'text', zh: '品目', aliases: ['品目', '采购品目', '品目名称', '采购品目名称', '采购目录'] },
      {
        name: 'vendor',
        type: 'text',
        zh: '供应商',
        required: true,
        aliases: ['供应商', '中标供应商', '成交供应商', '中标(成交)供应商', '供应商名称', '中标人', '成交人', '中标(成交)供应商名称', '中标供应商名称', '成交供应商名称'],
      },
      {
        name: 'amount',
        type: 'money',
        zh: '合同金额',
        required: true,
        key: true,
        aliases: ['合同金额', '中标金额', '成交金额', '中标(成交)金额', '合同总金额', '合同总价'],
        weak: ['中标价', '成交价', '成交价格'],
      },
      { name: 'contract_date', type: 'date', zh: '签订日期', aliases: ['签订日期', '合同签订日期', '签约日期'], weak: ['合同日期', '签订时间'] },
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

/** Columns derived from id_number on every table that has one (see canonicalColumns). */
export const ID_DERIVED_COLUMNS = ['id_valid', 'birth_date', 'sex', 'region_code', 'id_masked'] as const;

/** Every field and ingest-time alternate of a table: what headers can map to. */
export function mappableFields(table: CanonicalTableName): FieldSpec[] {
  return [...TABLES[table].fields, ...(TABLES[table].alternates ?? [])];
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
      { name: 'id_masked', sqlType: 'BOOLEAN' },
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
