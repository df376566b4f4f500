/**
 * Synthetic run database for report and notebook tests (and src/report/measure.ts): the tables a real run
 * leaves behind — leads, rule_runs, runs (manifest), rejects, canonical dibao/subsidy/death/voucher and the
 * analytics_* tables — with deterministic demo-like content (滨海县 towns and villages, valid-looking IDs).
 * `xss` plants attack strings in every text a user could see: names, units, summaries, descriptions,
 * evidence fields, file names, rule texts and reject reasons.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Db } from '../../src/db/connection.js';
import { createTableSql, type CanonicalTableName } from '../../src/schema/canonical-tables.js';
import { quoteLiteral } from '../../src/db/quote.js';

export interface FixtureOptions {
  leads?: number;
  seed?: number;
  /** strings planted into every user-visible text field */
  xss?: string[];
  /** include subsidy/death/voucher/analytics (default true) */
  analytics?: boolean;
}

/** The lead every test can look for. */
export const KNOWN = {
  name: '欧阳娜娜',
  id: '320922195003151234',
  masked: '320922********1234',
  village: '八巨村',
  town: '八巨镇',
  sourceFile: 'data/一卡通发放明细/2023-05.csv',
  sourceRow: 4321,
  ruleId: 'deceased_payment',
  ruleName: '死亡后仍领取补贴',
};

const TOWNS: Record<string, string[]> = {
  东坎街道: ['东坎社区', '南园社区', '中市村'],
  八巨镇: ['八巨村', '新舍村', '蔡桥村'],
  八滩镇: ['八滩村', '东风村', '民主村', '幸福村'],
  天场镇: ['天场村', '新华村'],
  界牌镇: ['界牌村', '镇东村', '丁桥村'],
  陈涛镇: ['陈涛村', '苏洋村'],
  五汛镇: ['五汛村', '胜利村', '大套村'],
  滨淮镇: ['滨淮村', '农场村'],
};
const UNITS = ['滨海县民政局', '滨海县农业农村局', '八巨镇人民政府', '滨海县教育局', '滨海县卫生健康委员会'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强海燕文斌春梅德明';

export const RULES = [
  { id: 'dibao_vehicle', name: '低保家庭成员名下有机动车', category: 'relationship_benefit', severity: 'high', tables: ['dibao', 'vehicle'], params: { exempt_types: ['摩托车', '拖拉机'] } },
  { id: 'dibao_property', name: '低保家庭成员名下房产超标', category: 'relationship_benefit', severity: 'medium', tables: ['dibao', 'property'], params: { max_homes: 1, flag_non_residential: true } },
  { id: 'dibao_public_employee', name: '低保家庭成员为财政供养人员', category: 'relationship_benefit', severity: 'high', tables: ['dibao', 'employee'], params: {} },
  { id: 'dibao_cadre_relative', name: '村(社区)干部本人或近亲属享受低保', category: 'relationship_benefit', severity: 'medium', tables: ['dibao', 'cadre'], params: {} },
  { id: 'deceased_payment', name: '死亡后仍领取补贴', category: 'phantom_claim', severity: 'high', tables: ['subsidy', 'death'], params: { grace_days: 31 } },
  { id: 'duplicate_payment', name: '同一对象同一项目同期重复发放', category: 'phantom_claim', severity: 'medium', tables: ['subsidy'], params: {} },
  { id: 'shared_account', name: '多人补贴发放至同一账户', category: 'phantom_claim', severity: 'high', tables: ['subsidy'], params: { min_people: 3 } },
  { id: 'invalid_id', name: '补贴对象身份证号无效或查无此人', category: 'phantom_claim', severity: 'low', tables: ['subsidy'], params: {} },
  { id: 'no_procurement', name: '达到限额标准未履行政府采购程序', category: 'finance', severity: 'high', tables: ['voucher', 'procurement'], params: { goods_services_threshold: 300000, works_threshold: 600000 } },
  { id: 'no_official_card', name: '应使用公务卡结算而使用现金', category: 'finance', severity: 'medium', tables: ['voucher'], params: { min_amount: 1000 } },
  { id: 'irregular_allowance', name: '违规发放津贴补贴奖金', category: 'finance', severity: 'medium', tables: ['voucher'], params: { approved_items: [] } },
  { id: 'large_cash', name: '大额现金支付', category: 'finance', severity: 'low', tables: ['voucher'], params: { min_amount: 50000 } },
] as const;
const SKIPPED_RULE = { id: 'grain_area_excess', name: '种粮补贴面积超过承包面积', category: 'phantom_claim', severity: 'medium', tables: ['subsidy', 'land'], note: '缺少数据表：land（承包地）' };

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
export function makeId(region: string, birth: string, seq: number): string {
  const body = region + birth + String(seq % 1000).padStart(3, '0');
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body[i]) * W[i];
  return body + CHECK[s % 11];
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

async function insertRows(db: Db, dir: string, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const file = join(dir, `${table}.ndjson`);
  writeFileSync(
    file,
    rows
      .map((r) => JSON.stringify(Object.fromEntries(cols.map((c) => [c, r[c] == null ? null : typeof r[c] === 'object' ? JSON.stringify(r[c]) : String(r[c])]))))
      .join('\n'),
  );
  const colSpec = '{' + cols.map((c) => `${quoteLiteral(c)}: 'VARCHAR'`).join(', ') + '}';
  await db.run(
    `insert into "${table}" by name select * from read_json(${quoteLiteral(file)}, format = 'newline_delimited', columns = ${colSpec})`,
    undefined,
    `fixture insert ${table}`,
  );
}

/** Builds the fixture database at `file` (overwritten). */
export async function buildFixtureDb(file: string, opts: FixtureOptions = {}): Promise<void> {
  const nLeads = opts.leads ?? 300;
  const rand = rng(opts.seed ?? 7);
  const xss = opts.xss ?? [];
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
  let xi = 0;
  const planted = (fallback: string): string => (xss.length ? xss[xi++ % xss.length] : fallback);
  const work = mkdtempSync(join(tmpdir(), 'xuncha-fixture-'));
  rmSync(file, { force: true });
  rmSync(file + '.wal', { force: true });
  const db = await Db.open(file, { threads: 2 });
  try {
    const canon: CanonicalTableName[] = ['dibao', 'subsidy', 'death', 'voucher', 'person'];
    for (const t of canon) await db.run(createTableSql(t));
    await db.run(`create table leads (lead_id VARCHAR, rule_id VARCHAR, rule_name VARCHAR, category VARCHAR, severity VARCHAR,
      score INTEGER, town VARCHAR, village VARCHAR, unit VARCHAR, subject_key VARCHAR, subject_name VARCHAR, household_key VARCHAR,
      amount DECIMAL(18,2), period_start DATE, period_end DATE, description VARCHAR, evidence VARCHAR)`);
    await db.run(`create table rule_runs (rule_id VARCHAR, rule_name VARCHAR, category VARCHAR, severity VARCHAR, tables JSON, params JSON,
      param_specs JSON, method VARCHAR, why VARCHAR, exclusions JSON, source_file VARCHAR, status VARCHAR, note VARCHAR, leads INTEGER, seconds DOUBLE)`);
    await db.run(`create table runs (run_id VARCHAR, tool_version VARCHAR, pipeline_file VARCHAR, pipeline_name VARCHAR, report_title VARCHAR,
      mask_ids BOOLEAN, started_at TIMESTAMP, finished_at TIMESTAMP, manifest JSON)`);
    await db.run(`create table rejects (source_file VARCHAR, source_row INTEGER, table_name VARCHAR, reason_code VARCHAR, reason_zh VARCHAR, raw VARCHAR)`);

    const towns = Object.keys(TOWNS);
    const person = (i: number) => {
      const town = towns[i % towns.length];
      const village = TOWNS[town][Math.floor(i / towns.length) % TOWNS[town].length];
      const y = 1930 + (i % 70);
      const id = makeId('320922', `${y}${pad((i % 12) + 1)}${pad((i % 28) + 1)}`, i);
      const name = SURNAMES[i % SURNAMES.length] + GIVEN[(i * 7) % GIVEN.length] + (i % 3 ? GIVEN[(i * 13) % GIVEN.length] : '');
      return { town, village, id, name };
    };

    // --- canonical: dibao, person, death, subsidy
    const nPeople = 400;
    const dibao: Record<string, unknown>[] = [];
    const personRows: Record<string, unknown>[] = [];
    for (let i = 0; i < nPeople; i++) {
      const p = person(i);
      const hh = `HH${pad(Math.floor(i / 3), 5)}`;
      personRows.push({ id_number: p.id, name: p.name, household_id: hh, town: p.town, village: p.village, id_valid: true, _source_file: 'data/户籍.csv', _source_row: i + 2 });
      if (i % 2 === 0) {
        dibao.push({
          id_number: p.id, name: i % 50 === 0 ? planted(p.name) : p.name, household_id: hh, relation: i % 3 ? '子女' : '户主',
          town: p.town, village: i % 60 === 0 ? planted(p.village) : p.village, head_id_number: person(i - (i % 3)).id, category: i % 5 ? '农村低保' : '特困供养',
          monthly_amount: (300 + (i % 6) * 50).toFixed(2), start_date: `20${pad(18 + (i % 5))}-0${(i % 9) + 1}-01`, end_date: i % 7 === 0 ? '2024-06-30' : null,
          id_valid: true, _source_file: 'data/低保名册.xlsx', _source_row: 3 + i / 2,
        });
      }
    }
    await insertRows(db, work, 'person', personRows);
    await insertRows(db, work, 'dibao', dibao);
    const death: Record<string, unknown>[] = [];
    for (let i = 0; i < nPeople; i += 9) {
      const p = person(i);
      death.push({ id_number: p.id, name: p.name, death_date: `${2022 + ((i / 9) % 2)}-${pad((((i / 9) * 5) % 12) + 1)}-${pad((i % 27) + 1)}`, id_valid: true, _source_file: 'data/火化记录.csv', _source_row: 2 + i / 9 });
    }
    await insertRows(db, work, 'death', death);
    const subsidy: Record<string, unknown>[] = [];
    const types = ['低保金', '高龄津贴', '耕地地力保护补贴', '残疾人两项补贴'];
    let srow = 2;
    for (let m = 0; m < 24; m++) {
      const month = `${2022 + Math.floor(m / 12)}-${pad((m % 12) + 1)}`;
      for (let i = 0; i < nPeople; i += 4) {
        const p = person(i);
        subsidy.push({
          id_number: p.id, name: p.name, town: p.town, village: p.village, subsidy_type: types[(i / 4 + (i % 3)) % types.length],
          amount: (200 + (i % 9) * 37.5).toFixed(2), pay_date: `${month}-15`, period: month, bank_account: `62284800${pad(i, 10)}`,
          account_name: p.name, id_valid: true, _source_file: `data/一卡通发放明细/${month}.csv`, _source_row: srow++,
        });
      }
    }
    await insertRows(db, work, 'subsidy', subsidy);

    // --- canonical: voucher (Benford-ish amounts via log-uniform draw)
    if (opts.analytics !== false) {
      const vouchers: Record<string, unknown>[] = [];
      const summaries = ['购买办公用品', '支付印刷费', '差旅费报销', '会议费', '维修费', '发放加班费', '购置打印机', '培训费', '公务接待费'];
      let vrow = 2;
      for (const unit of UNITS.slice(0, 3)) {
        for (let k = 0; k < 240; k++) {
          const month = `2023-${pad((k % 12) + 1)}`;
          const amt = Math.exp(Math.log(50) + rand() * Math.log(200000 / 50)).toFixed(2);
          const no = `记-${pad(k + 1, 4)}`;
          const summary = k % 40 === 0 ? planted(pick(summaries)) : pick(summaries);
          const u = k === 7 && xss.length ? planted(unit) : unit;
          vouchers.push({ unit: u, voucher_date: `${month}-${pad((k % 27) + 1)}`, voucher_no: no, line_no: 1, summary, account_code: '5101', account_name: '商品和服务支出', debit: amt, credit: '0', counterparty: k % 5 ? '滨海县文印中心' : '江苏某某科技有限公司', settlement: k % 6 ? '银行转账' : '现金', _source_file: `data/凭证_${unit}.xlsx`, _source_row: vrow++ });
          vouchers.push({ unit: u, voucher_date: `${month}-${pad((k % 27) + 1)}`, voucher_no: no, line_no: 2, summary, account_code: k % 6 ? '1002' : '1001', account_name: k % 6 ? '银行存款' : '库存现金', debit: '0', credit: amt, _source_file: `data/凭证_${unit}.xlsx`, _source_row: vrow++ });
        }
      }
      await insertRows(db, work, 'voucher', vouchers);
      await db.run(`create table analytics_benford as
        with d as (select unit, cast(left(regexp_replace(cast(debit as varchar), '^[0.]+', ''), 1) as integer) as digit from voucher where debit > 0),
        c as (select unit, digit, count(*) as n from d where digit between 1 and 9 group by all),
        t as (select unit, sum(n) as total from c group by unit)
        select c.unit, c.digit, c.n, c.n / t.total as observed, log10(1 + 1.0 / c.digit) as expected from c join t using (unit) order by unit, digit`);
      await db.run(`create table analytics_benford_mad as select unit, sum(n)::BIGINT as n, avg(abs(observed - expected)) as mad,
        case when avg(abs(observed - expected)) < 0.006 then '高度符合' when avg(abs(observed - expected)) < 0.012 then '可接受' when avg(abs(observed - expected)) < 0.015 then '勉强符合' else '不符合' end as conformity
        from analytics_benford group by unit`);
      await db.run(`create table analytics_expense_month as select unit, strftime(voucher_date, '%Y-%m') as month, sum(debit)::DECIMAL(18,2) as amount from voucher where debit > 0 group by all order by all`);
      await db.run(`create table analytics_expense_category as select unit, summary as category, sum(debit)::DECIMAL(18,2) as amount from voucher where debit > 0 group by all`);
      await db.run(`create table analytics_top_counterparty as select unit, counterparty, sum(debit)::DECIMAL(18,2) as amount, count(distinct voucher_no)::BIGINT as vouchers from voucher where debit > 0 and counterparty is not null group by all`);
    }

    // --- leads
    const leads: Record<string, unknown>[] = [];
    for (let i = 0; i < nLeads; i++) {
      const rule = i === 0 ? RULES.find((r) => r.id === KNOWN.ruleId)! : RULES[(i * 7 + Math.floor(rand() * 3)) % RULES.length];
      const p = person((i * 31) % 4000);
      const isFin = rule.category === 'finance';
      const sel = (k: number, r: number) => (xss.length ? i % 2 === r % 2 : i % k === r);
      const unit = isFin ? (sel(97, 5) ? planted(UNITS[i % UNITS.length]) : UNITS[i % UNITS.length]) : null;
      const month = `2023-${pad((i % 12) + 1)}`;
      const vno = `记-${pad(i % 300, 4)}`;
      let name = isFin ? null : sel(89, 3) ? planted(p.name) : p.name;
      let id = p.id;
      let town: string | null = isFin ? null : p.town;
      let village: string | null = isFin ? null : sel(83, 2) ? planted(p.village) : p.village;
      if (i === 0) {
        name = KNOWN.name;
        id = KNOWN.id;
        town = KNOWN.town;
        village = KNOWN.village;
      }
      const amount = Math.round((isFin ? 1000 + rand() * 400000 : 200 + rand() * 12000) * 100) / 100;
      const key = isFin ? `${unit}|${month}|${vno}` : id;
      const desc = isFin
        ? `${unit}${month}第${vno}号凭证${rule.name}，金额${amount.toFixed(2)}元${sel(71, 1) ? '：' + planted('') : '。'}`
        : `${rule.name}：${name}（身份证号${id}）共涉及金额${amount.toFixed(2)}元${sel(71, 1) ? '，' + planted('') : '。'}`;
      const nEv = i === 0 ? 2 : 1 + (i % 3);
      const evidence = [];
      for (let e = 0; e < nEv; e++) {
        if (isFin) {
          evidence.push({ table: 'voucher', source_file: `data/凭证_${UNITS[i % UNITS.length]}.xlsx`, source_row: 10 + i * 3 + e, fields: { voucher_date: `${month}-0${e + 1}`, voucher_no: vno, summary: sel(61, 4) ? planted('购置打印机') : '购置打印机', debit: amount.toFixed(2), counterparty: '江苏某某科技有限公司', settlement: '现金' } });
        } else if (e === 0 && (rule.id === 'deceased_payment' || i === 0)) {
          evidence.push({ table: 'death', source_file: i === 0 ? 'data/火化记录.csv' : 'data/火化记录.csv', source_row: 20 + i, fields: { id_number: id, name, death_date: '2022-03-04' } });
        } else {
          evidence.push({
            table: 'subsidy',
            source_file: i === 0 ? KNOWN.sourceFile : sel(67, 6) ? planted('data/x.csv') : `data/一卡通发放明细/${month}.csv`,
            source_row: i === 0 ? KNOWN.sourceRow : 100 + i * 5 + e,
            fields: { id_number: id, name, subsidy_type: '低保金', amount: (amount / nEv).toFixed(2), pay_date: `${month}-15`, bank_account: `6228480012${pad(i, 8)}`, account_name: sel(53, 7) ? planted(name ?? '') : name },
          });
        }
      }
      leads.push({
        lead_id: `L${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}${pad(i, 6)}`,
        rule_id: rule.id, rule_name: rule.name, category: rule.category, severity: rule.severity,
        score: Math.max(1, Math.min(100, Math.round((rule.severity === 'high' ? 70 : rule.severity === 'medium' ? 45 : 20) + rand() * 29))),
        town, village, unit, subject_key: key, subject_name: name, household_key: isFin ? null : `HH${pad(i, 5)}`,
        amount: amount.toFixed(2), period_start: `${month}-01`, period_end: `${month}-28`, description: desc, evidence,
      });
    }
    await insertRows(db, work, 'leads', leads);
    // Production order: score desc, then lead_id.
    await db.run(`create or replace table leads as select * from leads order by score desc, lead_id`);

    // --- rule_runs
    const counts = await db.all<{ rule_id: string; n: string }>(`select rule_id, count(*) as n from leads group by rule_id`);
    const countOf = (id: string) => Number(counts.find((c) => c.rule_id === id)?.n ?? 0);
    const rr: Record<string, unknown>[] = RULES.map((r, k) => ({
      rule_id: r.id, rule_name: k === 3 && xss.length ? planted(r.name) : r.name, category: r.category, severity: r.severity,
      tables: r.tables, params: r.params,
      param_specs: Object.fromEntries(Object.entries(r.params).map(([p, v]) => [p, { type: typeof v, default: v, description: `参数 ${p}` }])),
      method: k === 2 && xss.length ? planted('方法') : `按${r.tables.join('、')}比对：${r.name}。`, why: `${r.name}是常见的问题形态。`, exclusions: [],
      source_file: `sql/rules/${r.category}/${r.id}.sql`, status: 'ran', note: null, leads: countOf(r.id), seconds: 0.05 + k / 100,
    }));
    rr.push({ rule_id: SKIPPED_RULE.id, rule_name: SKIPPED_RULE.name, category: SKIPPED_RULE.category, severity: SKIPPED_RULE.severity, tables: SKIPPED_RULE.tables, params: { tolerance: 0.05 }, param_specs: {}, method: '比对补贴面积与承包面积。', why: '虚报面积。', exclusions: [], source_file: 'sql/rules/phantom_claim/grain_area_excess.sql', status: 'skipped', note: SKIPPED_RULE.note, leads: 0, seconds: 0 });
    await insertRows(db, work, 'rule_runs', rr);

    // --- rejects
    const rejects: Record<string, unknown>[] = [];
    const reasons = [
      ['date.unparseable', '日期无法识别', 'subsidy', 'data/一卡通发放明细/2023-02.csv'],
      ['money.unparseable', '金额无法识别', 'subsidy', 'data/一卡通发放明细/2023-03.csv'],
      ['id.blank', '身份证号为空', 'dibao', 'data/低保名册.xlsx'],
      ['voucher.no_blank', '凭证号为空', 'voucher', 'data/凭证_滨海县民政局.xlsx'],
    ];
    for (let i = 0; i < 37; i++) {
      const [code, zh, table, f] = reasons[i % (i < 30 ? 2 : 4)];
      rejects.push({ source_file: f, source_row: 10 + i, table_name: table, reason_code: code, reason_zh: i === 5 && xss.length ? planted(zh) : zh, raw: { 姓名: i === 6 ? planted('张三') : '张三', 发放日期: '2023-02-30' } });
    }
    await insertRows(db, work, 'rejects', rejects);

    // --- runs + manifest
    const inputs = [
      { table: 'dibao', path: 'data/低保名册.xlsx', rows_loaded: dibao.length },
      { table: 'person', path: 'data/户籍.csv', rows_loaded: personRows.length },
      { table: 'death', path: 'data/火化记录.csv', rows_loaded: death.length },
      { table: 'subsidy', path: 'data/一卡通发放明细/2023-02.csv', rows_loaded: 2000 },
      { table: 'subsidy', path: xss.length ? planted('data/一卡通发放明细/2023-03.csv') : 'data/一卡通发放明细/2023-03.csv', rows_loaded: 1990 },
      { table: 'voucher', path: 'data/凭证_滨海县民政局.xlsx', rows_loaded: 480 },
    ].map((x, k) => {
      const rejected = rejects.filter((r) => r.source_file === x.path).length;
      const skipped = { title: k % 2, header: 1, blank: k === 3 ? 2 : 0, total: 1 };
      const rowsSkipped = skipped.title + skipped.header + skipped.blank + skipped.total;
      return { ...x, size: 10000 + k * 777, sha256: 'ab'.repeat(32), encoding: k % 2 ? 'gb18030' : 'utf-8', sheet: x.path.endsWith('.xlsx') ? 'Sheet1' : null, header_row: 1 + skipped.title, mapping: { 身份证号: 'id_number' }, rows_read: x.rows_loaded + rejected + rowsSkipped, rows_rejected: rejected, rows_skipped: rowsSkipped, skipped };
    });
    const manifest = {
      tool_version: '0.1.0',
      pipeline_file: 'pipelines/binhai.yaml',
      inputs,
      rules: rr.filter((r) => r.status === 'ran').map((r) => ({ id: r.rule_id, leads: r.leads, seconds: r.seconds, parameters: r.params })),
      totals: { rows_read: inputs.reduce((s, x) => s + x.rows_read, 0), leads: nLeads },
    };
    await insertRows(db, work, 'runs', [
      { run_id: 'run-0001', tool_version: '0.1.0', pipeline_file: 'pipelines/binhai.yaml', pipeline_name: xss.length ? planted('滨海县2023年民生领域专项巡察') : '滨海县2023年民生领域专项巡察', report_title: '滨海县民生领域大数据比对线索报告', mask_ids: true, started_at: '2026-11-20 09:00:00', finished_at: '2026-11-20 09:03:12', manifest },
    ]);
  } finally {
    db.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** An even sample of `per` non-empty lines from each payload file (e.g. /work/shared/external/xss-payloads/*.txt). */
export function loadXssSample(readText: (file: string) => string, files: string[], per: number): string[] {
  const out: string[] = [];
  for (const f of files) {
    const lines = readText(f)
      .split(/\r?\n/)
      .filter((l) => l.trim().length > 0);
    const step = Math.max(1, Math.floor(lines.length / per));
    for (let i = 0; i < lines.length && out.length < 10000; i += step) out.push(lines[i]);
  }
  return out;
}
