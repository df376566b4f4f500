/*---
id: payroll_double
name: 同一人同月多单位领取工资
category: payroll
severity: high
tables: [payroll]
params:
  retired_items:
    type: string_list
    default: [离退休, 离休, 退休]
    description: 工资项目含其中任一词的记录（离退休费）不参与比对：返聘人员一边领离退休费一边领工资不是重复领取
method: >-
  按身份证号和工资月份汇总工资发放明细（不含离退休项目）：同一人同一月份由两个及以上单位（单位名称规范化后不同）发放工资的，
  按身份证号汇总为一条线索，金额为各这样的月份中该人工资总额减去其中最大的单个单位发放额之和（实发金额，没有时为应发金额）。
why: 同一人在同一月份从多个单位领取工资，可能是调动后原单位未停发、挂名领薪或虚列人员，是“吃空饷”的常见表现。
exclusions:
  - 工资项目为离退休费的记录（返聘人员在原单位领离退休费、在新单位领工资）
  - 调动人员在不同月份分别由原单位和新单位发放（同月只有一个单位发放）
  - 同一单位同一月份的多条记录（分项目发放、补发），单位名称规范化后相同即视为同一单位
assumptions:
  - 单位名称按往来单位的规范化方式比较（全角半角、空格、括号、有限公司等后缀去除后相同即同一单位），不做包含匹配：
    上下级单位（如某局与其下属中心）各自发放工资时视为不同单位。
  - 没有单位名称的记录无法判断由哪个单位发放，不参与比对。
  - 金额逐行取实发金额，实发为空时取应发金额；某月多领的金额为该月合计减去发放最多的那个单位的合计（即除最大一份外的其余各份）。
  - 线索的单位为涉及的全部发放单位（顿号连接），期间为第一个至最后一个重复月份。
---*/
with
-- names and items are few: normalize each distinct value once, not every row (no filter on the normalized name
-- below: DuckDB would push it under the distinct and normalize every row)
unit_names as materialized (
    select unit, coalesce(xc_norm_company(unit), unit) as unit_norm from (select distinct unit from payroll where unit is not null)
),
items as materialized (
    select item, xc_fin_has_any(xc_fin_text(item), $retired_items) as retired from (select distinct item from payroll where item is not null)
),
pay_rows as (
    select p.*, u.unit_norm, coalesce(p.net, p.gross, 0) as pay
    from payroll as p
    join unit_names as u using (unit)
    left join items as i using (item)
    where p.id_number is not null and p.pay_month is not null
      and not coalesce(i.retired, false)
),
by_unit as (
    select id_number, pay_month, unit_norm,
           min(unit) as unit,
           sum(pay) as pay
    from pay_rows
    group by id_number, pay_month, unit_norm
),
double_months as materialized (
    select id_number, pay_month, count(*) as n_units, sum(pay) - max(pay) as surplus
    from by_unit
    group by id_number, pay_month
    having count(*) >= 2
),
-- the per-unit amounts of those months only (formatting money on every person-month would dominate the rule)
month_detail as (
    select d.id_number, d.pay_month, d.surplus,
           string_agg(b.unit || ' ' || xc_fmt_money(b.pay) || '元', '、' order by b.unit) as detail
    from double_months as d
    join by_unit as b using (id_number, pay_month)
    group by d.id_number, d.pay_month, d.surplus
),
persons as (
    select
        id_number,
        count(*) as months,
        sum(surplus) as amount,
        min(pay_month) as first_month,
        max(pay_month) as last_month,
        string_agg(pay_month || '：' || detail, '；' order by pay_month) filter (where rn <= 3) as detail,
        max(rn) as n
    from (select *, row_number() over (partition by id_number order by pay_month) as rn from month_detail)
    group by id_number
),
evidence as (
    select
        r.id_number,
        any_value(r.name order by r._source_file, r._source_row) as name,
        xc_fin_join_distinct(list(r.unit)) as units,
        list(xc_evidence('payroll', r._source_file, r._source_row,
                         {'unit': r.unit, 'id_number': r.id_number, 'name': r.name, 'pay_month': r.pay_month,
                          'gross': r.gross, 'net': r.net, 'item': r.item})
             order by r._source_file, r._source_row) as evidence
    from pay_rows as r
    join double_months as d using (id_number, pay_month)
    group by r.id_number
),
findings as (
    select
        p.id_number as subject_key,
        e.name as subject_name,
        e.units as unit,
        p.amount,
        try_strptime(p.first_month, '%Y-%m')::date as period_start,
        last_day(try_strptime(p.last_month, '%Y-%m')::date) as period_end,
        coalesce(e.name, p.id_number) || '在' || p.months || '个月份同时由多个单位发放工资（' || p.detail
            || case when p.n > 3 then '等' else '' end
            || '），除每月发放最多的单位外多领' || xc_fmt_money(p.amount) || '元。' as description,
        e.evidence
    from persons as p
    join evidence as e using (id_number)
)
select * from findings
