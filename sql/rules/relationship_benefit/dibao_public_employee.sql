/*---
id: dibao_public_employee
name: 低保家庭成员为财政供养人员
category: relationship_benefit
severity: high
tables: [dibao, employee]
optional_tables: [subsidy]
method: >-
  以身份证号关联低保名册与财政供养人员名单：任职期间（参加工作时间至离职日期）与其低保期间有交集的低保成员，
  按身份证号汇总为一条线索，金额为交集期间该低保家庭领取的低保金。
why: 家庭成员为财政供养人员（有稳定工资收入）通常不符合低保条件，可能是关系保、人情保。
exclusions:
  - 在低保纳入日期之前已离职的人员
  - 在低保退出日期之后才参加工作的人员
assumptions:
  - 低保期间按名册的纳入时间至退出时间计（含两端）；没有纳入时间视为一直在保，没有退出时间视为至今在保。
  - 财政供养期间为参加工作时间至离职日期（含两端）；没有参加工作时间视为一直在职，没有离职日期视为至今在职。
  - 家庭以名册的户号区分，没有户号时用户主身份证号，再没有时用本人身份证号。
  - 金额：该家庭任一成员在交集期间（多段取并集）的低保类补贴发放记录（补贴项目含“低保”“最低生活保障”或“特困”）之和；
    补贴表中没有该家庭任何低保发放记录时，按名册各成员月保障金 × 交集覆盖的自然月数估算（开放的期间计至数据中的最晚日期）。
  - 线索期间为财政供养与低保期间交集的起止日期，开放端留空。
---*/
with
members as (select * from xc_dibao_members('dibao')),
heads as (select * from xc_dibao_heads('members')),
as_of as (select * from xc_dibao_as_of('subsidy', 'dibao')),
jobs as (
    select *, coalesce(start_date, xc_far_past()) as held_from, coalesce(end_date, xc_far_future()) as held_until
    from employee
    where id_number is not null
),
hits as (
    select
        m.id_number as subject_key,
        m.household_key,
        greatest(m.dibao_start, j.held_from) as win_start,
        least(m.dibao_end, j.held_until) as win_end,
        m._source_file as m_file, m._source_row as m_row,
        j._source_file as a_file, j._source_row as a_row
    from members as m
    join jobs as j using (id_number)
    where j.held_from <= m.dibao_end
      and j.held_until >= m.dibao_start
),
-- dibao money paid to the household while the condition held (sql/macros/welfare_dibao.sql)
money as (select * from xc_dibao_money('hits', 'members', 'subsidy', 'as_of')),
subjects as (select * from xc_dibao_subjects('hits', 'members', 'heads')),
held as (
    select distinct h.subject_key, e.*
    from hits as h join employee as e on e._source_file = h.a_file and e._source_row = h.a_row
),
assets as (
    select
        subject_key,
        string_agg(coalesce(xc_blank_null(employer), '单位不详')
                   || coalesce('，' || xc_blank_null(position), '')
                   || '，' || xc_fmt_span(start_date, end_date), '；' order by _source_file, _source_row) as job_list,
        list(xc_evidence('employee', _source_file, _source_row,
                         {'id_number': id_number, 'name': name, 'employer': employer, 'position': position,
                          'start_date': start_date, 'end_date': end_date})
             order by _source_file, _source_row) as evidence
    from held
    group by subject_key
),
spans as (select * from xc_dibao_spans('hits')),
findings as (
    select
        s.subject_key,
        s.name as subject_name,
        s.household_key,
        s.town,
        s.village,
        case when mo.from_payments then coalesce(mo.paid_amount, 0) else coalesce(mo.estimated_amount, 0) end as amount,
        sp.period_start,
        sp.period_end,
        '低保对象' || coalesce(s.name, s.subject_key) || s.head_phrase || '为财政供养人员（' || a.job_list || '）'
            || case when mo.from_payments
                    then '，其间家庭领取低保金' || xc_fmt_money(coalesce(mo.paid_amount, 0)) || '元。'
                    when coalesce(mo.estimated_amount, 0) = 0 then '，未查到该家庭其间的低保金发放记录。'
                    else '，其间家庭按月保障金估算领取低保金' || xc_fmt_money(coalesce(mo.estimated_amount, 0)) || '元。' end
            as description,
        list_concat(s.evidence, a.evidence, coalesce(mo.evidence, [])) as evidence
    from subjects as s
    join assets as a using (subject_key)
    join spans as sp using (subject_key)
    join money as mo using (subject_key)
)
select * from findings
