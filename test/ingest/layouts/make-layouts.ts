/**
 * Writes fixtures/layouts/: export layouts of the systems analysts receive files from (用友, 金蝶, 浪潮, 财政一体化,
 * 民政 低保/特困, 一卡通, 不动产, 车管, 市场监管, 人社, 公安, 政府采购), with the systems' header wording, title rows,
 * sheets and ID forms, and synthetic values (made-up names and ID numbers with valid check digits).
 * Run: `npx tsx test/ingest/layouts/make-layouts.ts` (deterministic; the files are committed, the test reads them).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import XLSX from 'xlsx';
import { idCheckDigit } from '../../../src/normalize/id-number.js';

export const LAYOUT_DIR = resolve(import.meta.dirname, '..', '..', '..', 'fixtures', 'layouts');

/** A valid ID: region (6) + birth (8) + sequence (3) + check character. */
export function mkId(region: string, birth: string, seq: number): string {
  const first17 = region + birth + String(seq).padStart(3, '0');
  return first17 + idCheckDigit(first17);
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹';
const GIVEN = ['建国', '秀英', '桂兰', '志强', '海燕', '玉梅', '国华', '丽娟', '德明', '春花', '文杰', '小红', '永福', '淑芬', '正刚'];
export function person(i: number): { name: string; id: string } {
  const name = SURNAMES[(i * 7) % SURNAMES.length] + GIVEN[(i * 5) % GIVEN.length];
  const year = 1940 + ((i * 13) % 60);
  const birth = `${year}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + ((i * 3) % 28)).padStart(2, '0')}`;
  return { name, id: mkId('320922', birth, 100 + i) };
}

const masked = (id: string) => id.slice(0, 10) + '****' + id.slice(14);

type Cell = string | number | Date | null;

async function xlsx(file: string, sheets: { name: string; rows: Cell[][]; merges?: string[] }[]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'xuncha layouts';
  wb.created = new Date(Date.UTC(2024, 0, 1));
  wb.modified = new Date(Date.UTC(2024, 0, 1));
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const r of s.rows) ws.addRow(r);
    for (const m of s.merges ?? []) ws.mergeCells(m);
  }
  writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
}

function csv(rows: Cell[][]): string {
  return rows
    .map((r) => r.map((c) => (c == null ? '' : /[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(','))
    .join('\r\n') + '\r\n';
}

const d = (s: string) => new Date(`${s}T00:00:00Z`);

export async function makeLayouts(dir = LAYOUT_DIR): Promise<void> {
  for (const sub of ['用友U8序时账', '金蝶KIS凭证']) rmSync(join(dir, sub), { recursive: true, force: true });
  mkdirSync(join(dir, '用友U8序时账'), { recursive: true });
  mkdirSync(join(dir, '金蝶KIS凭证'), { recursive: true });

  // 1. 用友 U8 总账 序时账: a single unit's ledger (no unit column: the file name is the unit), 方向 + 金额, 本月合计
  await xlsx(join(dir, '用友U8序时账', '滨海县民政局.xlsx'), [
    {
      name: '序时账',
      merges: ['A1:G1'],
      rows: [
        ['序时账'],
        ['日期', '凭证号数', '科目编码', '科目名称', '摘要', '方向', '金额'],
        [d('2023-01-05'), '记-0001', '5010201', '业务活动费用/商品和服务费用/办公费', '购办公用品', '借', 1280.5],
        [d('2023-01-05'), '记-0001', '1011', '零余额账户用款额度', '购办公用品', '贷', 1280.5],
        [d('2023-01-18'), '记-0002', '5010213', '业务活动费用/商品和服务费用/维修(护)费', '办公楼维修', '借', 35600],
        [d('2023-01-18'), '记-0002', '1011', '零余额账户用款额度', '办公楼维修', '贷', 35600],
        [d('2023-02-03'), '记-0001', '5010217', '业务活动费用/商品和服务费用/公务接待费', '接待上级检查组', '借', 2360],
        [d('2023-02-03'), '记-0001', '1011', '零余额账户用款额度', '接待上级检查组', '贷', 2360],
        [null, null, null, null, '本月合计', null, 39240.5],
      ],
    },
  ]);

  // 2. 用友 NC 凭证查询 (GBK CSV): 核算账簿, 制单日期, 分录号, 借方本币/贷方本币, 辅助核算 as 客商:name
  writeFileSync(
    join(dir, '用友NC_凭证查询.csv'),
    iconv.encode(
      csv([
        ['核算账簿', '会计期间', '制单日期', '凭证号', '分录号', '摘要', '科目编码', '科目名称', '辅助核算', '币种', '借方本币', '贷方本币', '制单人'],
        ['滨海县交通运输局-基本账簿', '2023-03', '2023-03-02', '12', '1', '支付道路养护费', '5010213', '维修(护)费', '客商:滨海县顺达公路养护有限公司', '人民币', '86,400.00', '', '张会计'],
        ['滨海县交通运输局-基本账簿', '2023-03', '2023-03-02', '12', '2', '支付道路养护费', '1011', '零余额账户用款额度', '', '人民币', '', '86,400.00', '张会计'],
        ['滨海县交通运输局-基本账簿', '2023-03', '2023-03-15', '13', '1', '购车辆燃油', '5010231', '公务用车运行维护费', '客商:中石化滨海分公司', '人民币', '3,150.00', '', '张会计'],
        ['滨海县交通运输局-基本账簿', '2023-03', '2023-03-15', '13', '2', '购车辆燃油', '1011', '零余额账户用款额度', '', '人民币', '', '3,150.00', '张会计'],
      ]),
      'gb18030',
    ),
  );

  // 3. 金蝶 KIS 凭证引出 (BIFF8 .xls): 凭证字 + 凭证号 numbered per word, 客户 and 供应商 columns, no unit column
  {
    const rows: Cell[][] = [
      ['日期', '会计期间', '凭证字', '凭证号', '附件数', '分录序号', '摘要', '科目代码', '科目名称', '借方金额', '贷方金额', '客户', '供应商', '职员', '项目', '部门', '制单', '审核', '过账'],
      ['2023-04-06', 4, '收', 1, 1, 1, '收到业务收入', '1002', '银行存款', 5000, 0, '', '', '', '', '', '李会计', '王审核', 'Y'],
      ['2023-04-06', 4, '收', 1, 1, 2, '收到业务收入', '4401', '事业收入', 0, 5000, '', '', '', '', '', '李会计', '王审核', 'Y'],
      ['2023-04-06', 4, '付', 1, 2, 1, '支付印刷费', '5010202', '印刷费', 1800, 0, '', '滨海县印务有限公司', '', '卫生专项', '', '李会计', '王审核', 'Y'],
      ['2023-04-06', 4, '付', 1, 2, 2, '支付印刷费', '1002', '银行存款', 0, 1800, '', '滨海县印务有限公司', '', '卫生专项', '', '李会计', '王审核', 'Y'],
      ['2023-04-20', 4, '转', 1, 0, 1, '计提工资', '5010101', '基本工资', 42000, 0, '', '', '', '', '办公室', '李会计', '王审核', 'Y'],
      ['2023-04-20', 4, '转', 1, 0, 2, '计提工资', '2201', '应付职工薪酬', 0, 42000, '', '', '', '', '办公室', '李会计', '王审核', 'Y'],
    ];
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), '凭证');
    writeFileSync(join(dir, '金蝶KIS凭证', '滨海县卫生健康委员会.xls'), XLSX.write(wb, { type: 'buffer', bookType: 'biff8' }) as Buffer);
  }

  // 4. 用友 YonSuite / NC Cloud 凭证列表: 业务单元－名称, 总账日期 beside 制单日期, 凭证号码
  await xlsx(join(dir, '用友YonSuite_凭证列表.xlsx'), [
    {
      name: '凭证列表',
      rows: [
        ['业务单元－名称', '制单日期', '总账日期', '凭证号码', '摘要', '科目编码', '科目名称', '借方金额', '贷方金额', '辅助核算'],
        ['滨海县城市管理局', d('2023-05-31'), d('2023-05-31'), '记-88', '支付环卫保洁服务费', '5010227', '委托业务费', 128000, null, '供应商:滨海县洁城环境服务有限公司'],
        ['滨海县城市管理局', d('2023-05-31'), d('2023-05-31'), '记-88', '支付环卫保洁服务费', '1011', '零余额账户用款额度', null, 128000, ''],
        ['滨海县城市管理局', d('2023-06-01'), d('2023-06-02'), '记-1', '报销差旅费', '5010211', '差旅费', 1560, null, '职员:赵科员'],
        ['滨海县城市管理局', d('2023-06-01'), d('2023-06-02'), '记-1', '报销差旅费', '1001', '库存现金', null, 1560, ''],
      ],
    },
  ]);

  // 5. 浪潮 GS 凭证明细 (UTF-8 CSV): 核算单位, 凭证类型 (收/付/转 numbered apart), 借贷方向 + 金额
  writeFileSync(
    join(dir, '浪潮GS_凭证明细.csv'),
    '\uFEFF' +
      csv([
        ['核算单位', '会计年度', '会计期间', '凭证日期', '凭证类型', '凭证编号', '分录号', '摘要', '科目编号', '科目名称', '借贷方向', '金额', '往来单位', '结算方式'],
        ['滨海县水务局', '2023', '07', '2023-07-10', '付', '0005', '1', '支付水质检测费', '5010226', '劳务费', '借', '12,000.00', '滨海县检测中心', '转账'],
        ['滨海县水务局', '2023', '07', '2023-07-10', '付', '0005', '2', '支付水质检测费', '1002', '银行存款', '贷', '12,000.00', '', '转账'],
        ['滨海县水务局', '2023', '07', '2023-07-11', '收', '0005', '1', '收到水费', '1002', '银行存款', '借', '880.00', '', '转账'],
        ['滨海县水务局', '2023', '07', '2023-07-11', '收', '0005', '2', '收到水费', '4603', '其他收入', '贷', '880.00', '', '转账'],
      ]),
  );

  // 6. 财政一体化 会计核算 序时账: 政府会计 平行记账, a two-row header with 科目编码/科目名称/借方金额/贷方金额 under
  // both 财务会计 and 预算会计 (the 财务会计 side is taken; the 预算会计 columns stay in _extra)
  await xlsx(join(dir, '财政一体化_会计核算序时账.xlsx'), [
    {
      name: '序时账',
      merges: ['A1:L1', 'A2:A3', 'B2:B3', 'C2:C3', 'D2:D3', 'E2:H2', 'I2:L2'],
      rows: [
        ['滨海县教育局2023年会计凭证序时账'],
        ['单位名称', '凭证日期', '凭证号', '摘要', '财务会计', null, null, null, '预算会计', null, null, null],
        [null, null, null, null, '科目编码', '科目名称', '借方金额', '贷方金额', '科目编码', '科目名称', '借方金额', '贷方金额'],
        ['滨海县教育局', d('2023-08-08'), '记-21', '购置教学设备', '1611', '固定资产', 96000, null, '7201', '事业支出', 96000, null],
        ['滨海县教育局', d('2023-08-08'), '记-21', '购置教学设备', '1011', '零余额账户用款额度', null, 96000, '8101', '资金结存', null, 96000],
        ['滨海县教育局', d('2023-08-20'), '记-22', '支付物业费', '5010209', '物业管理费', 15800, null, '7201', '事业支出', 15800, null],
        ['滨海县教育局', d('2023-08-20'), '记-22', '支付物业费', '1011', '零余额账户用款额度', null, 15800, '8101', '资金结存', null, 15800],
      ],
    },
  ]);

  // 7. 民政 低保 家庭成员名册: an HTML table saved as .xls in GBK (as many 民政 web systems export), member IDs with a
  // two-digit member suffix, 户主身份证号 beside the member's ID, 月保障金额(元), 审批日期
  {
    const head = ['序号', '区县', '乡镇(街道)', '村(社区)', '户主姓名', '户主身份证号', '家庭人口', '成员姓名', '成员身份证号码', '与户主关系', '保障类别', '月保障金额(元)', '审批日期'];
    const rows: Cell[][] = [];
    for (let h = 0; h < 3; h++) {
      const head_ = person(h * 3);
      for (let m = 0; m < 3; m++) {
        const p = person(h * 3 + m);
        rows.push([rows.length + 1, '滨海县', '八巨镇', '塘墩村', head_.name, head_.id, 3, p.name, m === 0 ? p.id : p.id + String(m).padStart(2, '0'), m === 0 ? '户主' : m === 1 ? '配偶' : '子女', 'A类', '810.00', '2022-06-15']);
      }
    }
    const tr = (cells: Cell[], tag = 'td') => `<tr>${cells.map((c) => `<${tag}${tag === 'td' ? ' style="mso-number-format:\\@"' : ''}>${c ?? ''}</${tag}>`).join('')}</tr>`;
    const html =
      `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><table border="1">` +
      `<tr><td colspan="${head.length}">滨海县城乡低保家庭成员花名册（2023年12月）</td></tr>` +
      tr(head, 'th') +
      rows.map((r) => tr(r)).join('') +
      `</table></body></html>`;
    writeFileSync(join(dir, '民政_低保家庭成员名册.xls'), iconv.encode(html, 'gb18030'));
  }

  // 8. 民政 特困供养人员名册: a cover sheet, then one sheet per 供养方式 (stacked with sheet: all); 认定时间, 基本生活费
  {
    const head = ['序号', '乡镇', '村(居)', '姓名', '公民身份号码', '性别', '供养方式', '认定时间', '基本生活费', '照料护理费', '备注'];
    const sheet = (kind: string, from: number) => [
      [`滨海县特困供养人员名册（${kind}）`],
      head,
      ...[0, 1, 2].map((k) => {
        const p = person(40 + from + k);
        return [k + 1, '东坎街道', '北湾社区', p.name, p.id, k % 2 ? '女' : '男', kind, d('2021-03-01'), 1120, 300, ''];
      }),
    ];
    await xlsx(join(dir, '民政_特困供养人员名册.xlsx'), [
      { name: '封面', rows: [['滨海县特困供养人员名册'], ['填报单位：滨海县民政局'], ['填报日期：2024年1月']] },
      { name: '分散供养', rows: sheet('分散供养', 0), merges: ['A1:K1'] },
      { name: '集中供养', rows: sheet('集中供养', 10), merges: ['A1:K1'] },
    ]);
  }

  // 9. 低保名册 kept as one sheet per village (no village column: the sheet name is the village), an empty first
  // sheet and a 汇总 sheet; stacked with sheet: all
  {
    const head = ['户编号', '户主姓名', '姓名', '身份证号码', '与户主关系', '保障人数', '月保障金', '纳入时间'];
    const village = (v: number) => [
      head,
      ...[0, 1, 2, 3].map((k) => {
        const p = person(60 + v * 10 + k);
        const hh = `HB${v}${k < 2 ? 1 : 2}`;
        return [hh, person(60 + v * 10 + (k < 2 ? 0 : 2)).name, p.name, p.id, k % 2 ? '配偶' : '户主', 2, 1240, '2020年5月'];
      }),
    ];
    await xlsx(join(dir, '低保名册_按村分表.xlsx'), [
      { name: 'Sheet1', rows: [] },
      { name: '塘墩村', rows: village(0) },
      { name: '北湾社区', rows: village(1) },
      { name: '汇总', rows: [['村名', '户数', '人数', '金额'], ['塘墩村', 2, 4, 4960], ['北湾社区', 2, 4, 4960], ['合计', 4, 8, 9920]] },
    ]);
  }

  // 10. 一卡通 惠民惠农补贴 发放明细 (GBK CSV, 公示 form): masked IDs, the month only in the title, 社会保障卡号
  {
    const rows: Cell[][] = [
      ['滨海县2023年3月惠民惠农财政补贴资金“一卡通”发放明细表'],
      ['填报单位：八巨镇财政所', '', '', '', '', '', '', '', '单位：元'],
      ['序号', '乡镇', '村组', '补贴对象', '身份证号码', '社会保障卡号', '补贴项目名称', '补贴金额', '备注'],
    ];
    for (let k = 0; k < 6; k++) {
      const p = person(80 + k);
      rows.push([k + 1, '八巨镇', `塘墩村${1 + (k % 3)}组`, p.name, k < 4 ? masked(p.id) : p.id, `62316600100${String(3000 + k).padStart(8, '0')}`, k % 2 ? '高龄津贴' : '耕地地力保护补贴', k % 2 ? '100.00' : '1,036.80', '']);
    }
    rows.push(['合计', '', '', '', '', '', '', '3,310.40', '']);
    writeFileSync(join(dir, '一卡通_补贴发放明细_公示.csv'), iconv.encode(csv(rows), 'gb18030'));
  }

  // 11. 一卡通 平台 发放明细 (xlsx): an empty first sheet, `ID` for the ID number, the pay date under a header no
  // alias names (处理完成时间: recognised by its values), 补贴政策名称, 发放对象姓名
  {
    const rows: Cell[][] = [['发放批次', '补贴政策名称', '发放对象姓名', 'ID', '银行账号', '开户行', '发放金额（元）', '处理完成时间', '发放状态']];
    for (let k = 0; k < 6; k++) {
      const p = person(90 + k);
      rows.push([`PC20240300${k < 3 ? '1' : '2'}`, '城乡居民基础养老金', p.name, p.id, `6217 0000 1000 ${String(2000 + k)}`, '农商银行', 203, `2024-03-${String(10 + k).padStart(2, '0')} 10:2${k}:00`, '成功']);
    }
    await xlsx(join(dir, '一卡通平台_发放明细.xlsx'), [
      { name: 'Sheet1', rows: [] },
      { name: '发放明细', rows },
    ]);
  }

  // 12. 不动产登记 查询结果 (TD/T 1066 words): 权利人名称, 证件种类 beside 证件号, 登簿时间, 建筑面积(㎡)
  await xlsx(join(dir, '不动产登记_查询结果.xlsx'), [
    {
      name: '查询结果',
      merges: ['A1:M1'],
      rows: [
        ['不动产登记信息查询结果'],
        ['序号', '权利人名称', '证件种类', '证件号', '共有情况', '不动产单元号', '不动产权证号', '坐落', '权利类型', '权利性质', '规划用途', '建筑面积(㎡)', '登簿时间'],
        ...[0, 1, 2, 3].map((k) => {
          const p = person(100 + k);
          return [k + 1, p.name, '身份证', p.id, '单独所有', `320922001001GB0012${k}F0001000${k}`, `苏(2021)滨海县不动产权第00${1200 + k}号`, `滨海县东坎街道人民路${10 + k}号`, '国有建设用地使用权/房屋所有权', '出让/市场化商品房', k === 3 ? '商业' : '住宅', 96.5 + k, d(`2021-0${k + 1}-15`)];
        }),
      ],
    },
  ]);

  // 13. 车管 机动车登记信息 (GBK CSV): 身份证明号码, 机动车所有人, 中文品牌, 号牌种类, 机动车状态 codes in words
  {
    const rows: Cell[][] = [['序号', '号牌种类', '号牌号码', '中文品牌', '车辆型号', '车辆类型', '机动车所有人', '身份证明名称', '身份证明号码', '初次登记日期', '机动车状态', '强制报废期止', '住所详细地址']];
    for (let k = 0; k < 5; k++) {
      const p = person(110 + k);
      rows.push([k + 1, '小型汽车', `苏J${String(12340 + k)}`, ['大众', '别克', '丰田', '五菱', '比亚迪'][k], 'XYZ7150', '小型轿车', p.name, '居民身份证', p.id, `20${18 + k}-0${k + 1}-20`, k === 4 ? '注销' : '正常', '2099-12-31', '江苏省滨海县']);
    }
    writeFileSync(join(dir, '车管_机动车登记信息.csv'), iconv.encode(csv(rows), 'gb18030'));
  }

  // 14. 市场监管 企业登记信息: 注册资本(万元), 法定代表人, 证件号码, 登记状态, 核准日期
  await xlsx(join(dir, '市场监管_企业登记信息.xlsx'), [
    {
      name: '企业信息',
      rows: [
        ['统一社会信用代码', '企业名称', '企业类型', '法定代表人', '证件类型', '证件号码', '成立日期', '注册资本(万元)', '登记状态', '核准日期', '登记机关', '住所'],
        ...[0, 1, 2].map((k) => {
          const p = person(120 + k);
          return [`91320922MA1XYZ${k}0${k}X`, `滨海县${['顺达', '洁城', '恒通'][k]}商贸有限公司`, '有限责任公司(自然人投资或控股)', p.name, '中华人民共和国居民身份证', p.id, d(`201${5 + k}-06-0${k + 1}`), 50 + k * 25, k === 2 ? '注销' : '存续（在营、开业、在册）', d('2023-01-10'), '滨海县市场监督管理局', '滨海县东坎街道'];
        }),
      ],
    },
  ]);

  // 15. 人社 在编人员花名册: headers written on two lines inside their cells, a group row above the header
  await xlsx(join(dir, '人社_在编人员花名册.xlsx'), [
    {
      name: '花名册',
      merges: ['A1:C1', 'D1:G1'],
      rows: [
        ['基本信息', null, null, '工作信息', null, null, null],
        ['姓名', '性别', '身份证\n号码', '工作\n单位', '现任职务', '参加工作\n时间', '编制类型'],
        ...[0, 1, 2, 3, 4].map((k) => {
          const p = person(130 + k);
          return [p.name, k % 2 ? '女' : '男', p.id, ['滨海县民政局', '滨海县教育局', '八巨镇人民政府'][k % 3], ['科员', '副科长', '主任'][k % 3], d(`200${k}-07-01`), '行政'];
        }),
      ],
    },
  ]);

  // 16. 村(社区)干部花名册: 村名, 任现职时间, 所属乡镇
  await xlsx(join(dir, '组织部_村社区干部花名册.xlsx'), [
    {
      name: '干部',
      rows: [
        ['所属乡镇', '村名', '姓名', '性别', '身份证号', '现任职务', '任现职时间', '文化程度'],
        ...[0, 1, 2, 3].map((k) => {
          const p = person(140 + k);
          return ['八巨镇', ['塘墩村', '塘墩村', '北湾村', '北湾村'][k], p.name, '男', p.id, ['党支部书记', '村委会主任', '会计', '妇女主任'][k], `2021年${k + 1}月`, '高中'];
        }),
      ],
    },
  ]);

  // 17. 社保 缴费明细 (HR export): a two-row header, 单位/个人 repeated under 养老/医疗/大病, 起缴时间 under 养老
  await xlsx(join(dir, '社保_单位缴费明细.xlsx'), [
    {
      name: '缴费明细',
      merges: ['A1:L1', 'A2:A3', 'B2:B3', 'C2:C3', 'D2:D3', 'E2:G2', 'H2:I2', 'K2:K3', 'L2:L3'],
      rows: [
        ['滨海县2023年3月社会保险费缴费明细'],
        ['序号', '单位名称', '姓名', '证件号码', '养老', null, null, '医疗', null, '大病', '缴费基数', '备注'],
        [null, null, null, null, '单位', '个人', '起缴时间', '单位', '个人', '单位', null, null],
        ...[0, 1, 2, 3, 4].map((k) => {
          const p = person(150 + k);
          return [k + 1, '滨海县水务局', p.name, p.id, 960, 480, d('2015-01-01'), 540, 120, 30, 6000, ''];
        }),
      ],
    },
  ]);

  // 18. 公安 死亡注销人员 (UTF-8 CSV): 注销日期 is the date of death in this export
  writeFileSync(
    join(dir, '公安_死亡注销人员.csv'),
    csv([
      ['姓名', '公民身份号码', '性别', '注销日期', '注销原因', '派出所'],
      ...[0, 1, 2].map((k) => {
        const p = person(160 + k);
        return [p.name, p.id, '男', `2023-0${k + 2}-1${k}`, '死亡', '东坎派出所'];
      }),
    ]),
  );

  // 19. 政府采购 合同公告汇总: 采购人名称, 中标(成交)供应商名称, 合同金额（万元）, 合同签订日期
  await xlsx(join(dir, '政府采购_合同公告汇总.xlsx'), [
    {
      name: '合同公告',
      rows: [
        ['序号', '采购人名称', '项目名称', '采购方式', '中标(成交)供应商名称', '合同金额（万元）', '合同签订日期', '合同编号'],
        [1, '滨海县教育局', '教学设备采购', '公开招标', '滨海县恒通商贸有限公司', 96, d('2023-07-20'), 'BHCG-2023-031'],
        [2, '滨海县城市管理局', '环卫保洁服务', '竞争性磋商', '滨海县洁城环境服务有限公司', 153.6, d('2023-03-01'), 'BHCG-2023-008'],
      ],
    },
  ]);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await makeLayouts();
  console.log(`written: ${LAYOUT_DIR}`);
}
