/*---
id: duplicate_payment
name: 同一对象同一项目同期重复发放
category: phantom_claim
severity: medium
tables: [subsidy]
method: >-
  同一身份证号、同一补贴项目、同一发放期间（有“发放期间/所属期”时按其规范化后的年月或文本，没有时按发放日期所在年月）发放两次及以上的，
  按身份证号汇总为一条线索；金额为各重复组合计金额减去组内最早一笔后的多发部分之和。
why: 同期重复发放可能是系统重复导入、人为重复造册或虚报冒领。
exclusions:
  - 同一期间不同补贴项目的发放
  - 同一项目不同期间的发放（如逐月发放）
assumptions:
  - 发放期间经 xc_norm_period 规范化（2023年3月、202303、2023-03 视为同一期间）；为空时用发放日期的年月。
  - 组内“最早一笔”按发放日期、来源文件、行号排序确定；多发金额 = 组内合计 − 最早一笔金额。
  - 补贴项目按原文比较（去除首尾空格），不做同义合并。
---*/
with
period_map as (
    -- normalize each distinct period text once (an export has only a few)
    select period, xc_blank_null(xc_norm_period(period)) as norm_period
    from (select distinct period from subsidy where period is not null)
),
payments as (
    select
        s.*,
        coalesce(pm.norm_period, strftime(s.pay_date, '%Y-%m')) as pay_period,
        trim(s.subsidy_type) as item
    from subsidy as s
    left join period_map as pm using (period)
    where s.id_number is not null and s.pay_date is not null
),
candidates as (
    -- one 64-bit key keeps this pass over every payment cheap; hash collisions are resolved exactly below
    select hash(id_number, item, pay_period) as k
    from payments
    group by k
    having count(*) > 1
),
ranked as (
    select
        *,
        count(*) over (partition by id_number, item, pay_period) as n_in_group,
        row_number() over (partition by id_number, item, pay_period order by pay_date, _source_file, _source_row) as seq
    from payments
    where hash(id_number, item, pay_period) in (select k from candidates)
),
duplicated as (
    select * from ranked where n_in_group > 1
),
groups as (
    select
        id_number, item, pay_period,
        count(*) as n,
        sum(amount) - sum(case when seq = 1 then amount else 0 end) as surplus
    from duplicated
    group by id_number, item, pay_period
),
per_id as (
    select
        id_number,
        sum(surplus) as surplus,
        string_agg(item || '在' || pay_period || '期间发放' || n || '次', '，' order by pay_period, item) as groups_text
    from groups
    group by id_number
),
findings as (
    select
        d.id_number as subject_key,
        any_value(d.name order by d._source_file, d._source_row) as subject_name,
        any_value(d.household_id order by d._source_file, d._source_row) as household_key,
        any_value(d.town order by d._source_file, d._source_row) as town,
        any_value(d.village order by d._source_file, d._source_row) as village,
        any_value(p.surplus) as amount,
        min(d.pay_date) as period_start,
        max(d.pay_date) as period_end,
        coalesce(any_value(d.name order by d._source_file, d._source_row), d.id_number) || '的'
            || any_value(p.groups_text) || '，重复发放' || xc_fmt_money(any_value(p.surplus)) || '元。'
            as description,
        list(xc_evidence('subsidy', d._source_file, d._source_row,
                         {'subsidy_type': d.subsidy_type, 'amount': d.amount, 'pay_date': d.pay_date, 'period': d.period,
                          'bank_account': d.bank_account, 'account_name': d.account_name})
             order by d._source_file, d._source_row) as evidence
    from duplicated as d
    join per_id as p using (id_number)
    group by d.id_number
)
select * from findings
