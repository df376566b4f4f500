/*---
id: deceased_payment
name: 死亡后仍领取补贴
category: phantom_claim
severity: high
tables: [subsidy, death]
optional_tables: [dibao]
params:
  grace_days: { type: integer, default: 31, min: 0, description: 死亡日期后允许继续发放的天数（含），发放日期晚于死亡日期超过该天数才算线索 }
method: >-
  以身份证号关联死亡（火化）名单与补贴发放明细，发放日期晚于死亡日期超过 grace_days 天的发放记录按身份证号汇总为一条线索；
  同时检查低保名册中已死亡但仍在册、未登记退出时间的成员。
why: 死亡后继续发放，常见原因是未及时停发、冒领或虚报。
exclusions:
  - 死亡后 grace_days 天内（含第 grace_days 天）发放的补贴（发放周期滞后，属正常）
  - 低保名册中已登记退出时间的已故成员
assumptions:
  - 同一身份证号有多条死亡记录时取最早的死亡日期。
  - 身份证号无效（id_valid 为 false）的记录同样按规范化后的号码关联，不排除。
  - 金额为死亡日期加宽限天数之后发放的全部补贴之和（各补贴项目合计）；仅因低保名册在册而成为线索时金额为 0。
  - 线索期间为超期发放记录的最早和最晚发放日期；仅因名册在册时为空。
---*/
with
died as (select * from xc_deaths('death')),
paid_after_death as (
    select s.*, d.death_date
    from subsidy as s
    join died as d using (id_number)
    where s.pay_date - d.death_date > $grace_days      -- date - date = days
),
payments as (
    select
        id_number,
        any_value(name order by _source_file, _source_row) as name,
        any_value(household_id order by _source_file, _source_row) as household_id,
        any_value(town order by _source_file, _source_row) as town,
        any_value(village order by _source_file, _source_row) as village,
        count(*) as n,
        sum(amount) as amount,
        min(pay_date) as first_pay,
        max(pay_date) as last_pay,
        string_agg(distinct subsidy_type, '、' order by subsidy_type) as types,
        list(xc_evidence('subsidy', _source_file, _source_row,
                         {'subsidy_type': subsidy_type, 'amount': amount, 'pay_date': pay_date, 'period': period,
                          'bank_account': bank_account, 'account_name': account_name})
             order by _source_file, _source_row) as evidence
    from paid_after_death
    group by id_number
),
still_listed as (
    select
        b.id_number,
        any_value(b.name order by b._source_file, b._source_row) as name,
        any_value(coalesce(b.household_id, b.head_id_number) order by b._source_file, b._source_row) as household_id,
        any_value(b.town order by b._source_file, b._source_row) as town,
        any_value(b.village order by b._source_file, b._source_row) as village,
        list(xc_evidence('dibao', b._source_file, b._source_row,
                         {'name': b.name, 'household_id': b.household_id, 'start_date': b.start_date,
                          'end_date': b.end_date, 'monthly_amount': b.monthly_amount})
             order by b._source_file, b._source_row) as evidence
    from dibao as b
    join died as d using (id_number)
    where b.end_date is null
    group by b.id_number
),
findings as (
    select
        d.id_number as subject_key,
        coalesce(d.name, p.name, l.name) as subject_name,
        coalesce(p.household_id, l.household_id) as household_key,
        coalesce(p.town, l.town) as town,
        coalesce(p.village, l.village) as village,
        coalesce(p.amount, 0) as amount,
        p.first_pay as period_start,
        p.last_pay as period_end,
        coalesce(d.name, p.name, l.name, d.id_number) || '于' || xc_fmt_date(d.death_date) || '死亡（火化）'
            || case when p.id_number is not null
                    then '，其后超过' || $grace_days || '天仍发放补贴' || p.n || '笔（' || p.types || '，'
                         || xc_fmt_date(p.first_pay) || '至' || xc_fmt_date(p.last_pay) || '），共'
                         || xc_fmt_money(p.amount) || '元'
                    else '' end
            || case when l.id_number is not null
                    then case when p.id_number is not null then '；' else '，' end || '低保名册中仍在册且未登记退出时间'
                    else '' end
            || '。' as description,
        list_concat(d.evidence, coalesce(p.evidence, []), coalesce(l.evidence, [])) as evidence
    from died as d
    left join payments as p using (id_number)
    left join still_listed as l using (id_number)
    where p.id_number is not null or l.id_number is not null
)
select * from findings
