/**
 * Times every normalization macro on 1M rows (not a vitest file: run `npx tsx test/normalize/bench-macros.ts [rows]`).
 * Inputs are realistic mixes: mostly clean values plus full-width, spaced, legacy and garbage ones.
 */
import { Db } from '../../src/db/connection.js';
import { installMacros } from '../../src/normalize/macros.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const db = await Db.open(':memory:', { threads: Number(process.env.THREADS ?? 2) });
await installMacros(db);

await db.run(`
create table _b_id as
with r as (select code, row_number() over () - 1 as i from _ref_region),
g as (select range as k, hash(range) as h from range(${rows})),
s as (select k, (select code from r where i = h % 3000) || strftime(DATE '1930-01-01' + cast((h >> 20) % 30000 as int), '%Y%m%d')
             || lpad(cast((h >> 40) % 1000 as varchar), 3, '0') as s17 from g)
select k, case k % 10
  when 0 then s17 || '0'                                         -- mostly wrong check digit
  when 1 then ' ' || lower(s17 || xc__id_check(s17)) || ' '      -- spaces, lower x
  when 2 then substr(s17, 1, 6) || substr(s17, 9, 9)             -- legacy 15 digits
  when 3 then translate(s17 || xc__id_check(s17), '0123456789', '０１２３４５６７８９')  -- full-width
  else s17 || xc__id_check(s17) end as s
from s`);
await db.run(`create table _b_id_norm as select xc_norm_id(s) as id from _b_id`);

const pick = (list: string[]) => `(${JSON.stringify(list).replace(/"/g, "'")})[1 + (hash(range) % ${list.length})::int]`;
const names = ['张三', '李 四', '王五　', '买买提•艾力', '欧阳娜娜', ' 赵六', '刘​七', 'ＡＢＣ', '陈小明', '周杰'];
const dates = ['2023-03-05', '2023/3/5', '2023.3.5', '20230305', '2023年3月5日', '2023年3月', '44927', '2023-03-05 12:34:56', '2023-02-30', '２０２３－０３－０５', '2021-11-30', '2019-01-01'];
const money = ['1,234.50', '1234.5元', '￥1,234.50', '(12.00)', '-12', '１２３．４', '350', '1200.00', 'abc', ' 88.8 '];
const accts = ['6222 0212 3456 7890', '6222-0212-3456-7890', '6228480012345678', '６２２８４８', 'abc', '6217000000000000000'];
const periods = ['2023-03', '2023年3月', '202303', '2023.3', '2023/03', '2023-03-05', '2023年第一季度', '2023-01'];
await db.run(`create table _b_txt as select
   ${pick(names)} || (range % 97)::varchar as name,
   ${pick(dates)} as d, ${pick(money)} as m, ${pick(accts)} as a, ${pick(periods)} as p
 from range(${rows})`);

const cases: [string, string][] = [
  ['baseline upper', `select upper(name) as x from _b_txt`], // a trivial builtin: divide by it to factor out machine load
  ['xc_is_blank', `select xc_is_blank(name) as x from _b_txt`],
  ['xc_halfwidth', `select xc_halfwidth(s) as x from _b_id`],
  ['xc_norm_id', `select xc_norm_id(s) as x from _b_id`],
  ['xc_id_valid', `select xc_id_valid(id) as x from _b_id_norm`],
  ['xc_id_birth', `select xc_id_birth(id) as x from _b_id_norm`],
  ['xc_id_sex', `select xc_id_sex(id) as x from _b_id_norm`],
  ['xc_norm_name', `select xc_norm_name(name) as x from _b_txt`],
  ['xc_parse_date', `select xc_parse_date(d) as x from _b_txt`],
  ['xc_is_open_date', `select xc_is_open_date(d) as x from _b_txt`],
  ['xc_parse_money', `select xc_parse_money(m) as x from _b_txt`],
  ['xc_parse_number', `select xc_parse_number(m) as x from _b_txt`],
  ['xc_norm_account', `select xc_norm_account(a) as x from _b_txt`],
  ['xc_norm_period', `select xc_norm_period(p) as x from _b_txt`],
  ['id cols, 2-step', `select id, xc_id_valid(id) as v, xc_id_birth(id) as b, xc_id_sex(id) as sx, left(id, 6) as r from (select xc_norm_id(s) as id from _b_id)`],
  ['all id columns', `select xc_norm_id(s) as id, xc_id_valid(xc_norm_id(s)) as v, xc_id_birth(xc_norm_id(s)) as b, xc_id_sex(xc_norm_id(s)) as sx, left(xc_norm_id(s), 6) as r from _b_id`],
];
let baseline = NaN;
const only = process.env.ONLY?.split('|');
for (const [name, sql] of cases) {
  if (only && !only.includes(name)) continue;
  const times: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    await db.run(`create or replace temp table _b_out as ${sql}`);
    times.push((performance.now() - t) / 1000);
  }
  const best = Math.min(...times);
  if (name === 'baseline upper') baseline = best;
  console.log(
    `${name.padEnd(16)} min ${best.toFixed(3)} s  ×${(best / baseline).toFixed(1)} baseline  (runs ${times.map((t) => t.toFixed(3)).join(' ')})`,
  );
}
db.close();
