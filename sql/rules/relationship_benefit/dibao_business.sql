/*---
id: dibao_business
name: 低保家庭成员为企业法定代表人或股东
category: relationship_benefit
severity: high
tables: [dibao, business]
optional_tables: [subsidy]
params:
  min_capital: { type: number, default: 0, min: 0, description: 注册资本下限（元），注册资本不低于该值的企业才计入；注册资本为空按0计 }
method: >-
  以身份证号关联低保名册与工商登记：低保成员担任法定代表人、股东（投资人、出资人、合伙人、经营者）的企业，
  注册资本不低于 min_capital、成立日期不晚于其低保退出日期且未在其低保纳入日期之前注销（吊销），按身份证号汇总为一条线索；
  金额为企业存续与低保期间交集内该低保家庭领取的低保金。
why: 家庭成员开办或投资企业，说明可能有经营收入或资产，通常不符合低保条件，可能是关系保、人情保。
exclusions:
  - 在低保纳入日期之前已注销、吊销的企业；登记状态为注销/吊销但没有注销日期的视为低保期间不存续
  - 在低保退出日期之后才成立的企业
  - 注册资本低于 min_capital 的企业
  - 身份为监事、董事、经理、财务负责人、联络员等非法定代表人、非出资人的任职记录
assumptions:
  - 身份（role）为空、或包含 法定代表人/法人/股东/投资人/出资人/合伙人/经营者/个体/业主 的记录计入。
  - 低保期间按名册的纳入时间至退出时间计（含两端）；没有纳入时间视为一直在保，没有退出时间视为至今在保。
  - 没有成立日期的企业视为一直存续；有注销日期的企业存续至注销日期（不论状态）。
  - 家庭以名册的户号区分，没有户号时用户主身份证号，再没有时用本人身份证号。
  - 金额：该家庭任一成员在交集期间（多家企业取并集）的低保类补贴发放记录（补贴项目含“低保”“最低生活保障”或“特困”）之和；
    补贴表中没有该家庭任何低保发放记录时，按名册各成员月保障金 × 交集覆盖的自然月数估算（开放的期间计至数据中的最晚日期）。
  - 线索期间为企业存续与低保期间交集的起止日期，开放端留空。
---*/
with
members as (select * from xc_dibao_members('dibao')),
heads as (select * from xc_dibao_heads('members')),
as_of as (select * from xc_dibao_as_of('subsidy', 'dibao')),
firms as (
    select
        *,
        coalesce(register_date, xc_far_past()) as held_from,
        xc_asset_until(status, deregister_date) as held_until
    from business
    where id_number is not null
      and (xc_blank_null(role) is null
           or regexp_matches(role, '法定代表人|法人|股东|投资人|出资人|合伙人|经营者|个体|业主'))
      and coalesce(capital, 0) >= $min_capital
),
hits as (
    select
        m.id_number as subject_key,
        m.household_key,
        greatest(m.dibao_start, f.held_from) as win_start,
        least(m.dibao_end, f.held_until) as win_end,
        m._source_file as m_file, m._source_row as m_row,
        f._source_file as a_file, f._source_row as a_row
    from members as m
    join firms as f using (id_number)
    where f.held_until is not null
      and f.held_from <= m.dibao_end
      and f.held_until >= m.dibao_start
),
-- dibao money paid to the household while the condition held (sql/macros/welfare_dibao.sql)
money as (select * from xc_dibao_money('hits', 'members', 'subsidy', 'as_of')),
subjects as (select * from xc_dibao_subjects('hits', 'members', 'heads')),
held as (
    select distinct h.subject_key, b.*
    from hits as h join business as b on b._source_file = h.a_file and b._source_row = h.a_row
),
assets as (
    select
        subject_key,
        count(*) as n,
        string_agg(coalesce(xc_blank_null(company_name), '企业名称不详')
                   || '（' || coalesce(xc_blank_null(role), '身份不详')
                   || coalesce('，注册资本' || xc_fmt_money(capital) || '元', '')
                   || '，' || xc_fmt_date(register_date) || '成立'
                   || coalesce('，' || xc_blank_null(status), '') || '）',
                   '；' order by _source_file, _source_row) as firm_list,
        list(xc_evidence('business', _source_file, _source_row,
                         {'id_number': id_number, 'name': name, 'company_name': company_name, 'role': role,
                          'credit_code': credit_code, 'register_date': register_date, 'capital': capital,
                          'status': status, 'deregister_date': deregister_date})
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
        '低保对象' || coalesce(s.name, s.subject_key) || s.head_phrase || '登记为' || a.n || '家企业的法定代表人或出资人：'
            || a.firm_list
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
