/*---
id: related_supplier
name: 供应商与本单位人员存在关联
category: conflict_of_interest
severity: high
tables: [business, employee]
optional_tables: [voucher, procurement, relation]
params:
  roles:
    type: string_list
    default: [法定代表人, 股东, 投资人, 出资人, 合伙人, 经营者]
    description: 工商登记中的人员身份含其中任一词即视为法定代表人或股东（身份为空的登记行也计入）
  expense_prefixes: { type: string_list, default: ['5', '6', '7'], description: 费用/支出类科目编码前缀（政府会计5费用、7预算支出；企业/旧制度5、6） }
  budget_prefixes: { type: string_list, default: ['7'], description: 预算会计支出科目编码前缀；同一凭证已有财务会计费用分录时不重复计算 }
method: >-
  以身份证号关联工商登记与财政供养人员名单（及亲属关系表）：企业的法定代表人或股东本人是某单位的工作人员，或经亲属关系表与该单位工作人员关联；
  该单位（单位名称与工作单位规范化后匹配）在此人任职期间向该企业付款（凭证往来单位与企业名称规范化后匹配）或与其签订采购合同（供应商匹配）的，
  按“单位|企业”汇总为一条线索，金额为任职期间该单位支付给该企业的费用；没有匹配的凭证时为采购合同金额。
why: 单位向本单位人员或其亲属开办、入股的企业采购或付款，存在利益输送、违反回避规定的风险，是巡察和审计关注的重点。
exclusions:
  - 只是与本单位人员同名、身份证号不同的企业股东或法定代表人
  - 付款或签约日期不在该人员任职期间（入职之前或离职之后）的
  - 本单位人员关联的企业只与其他单位有往来的
  - 工商登记身份为监事、经理等非法定代表人、非股东身份的
assumptions:
  - 企业名称、单位名称的匹配与采购规则相同：去除全角半角差异、空格、括号和有限公司等后缀后相同，或较短者不少于4个字且被较长者包含；
    工作单位与凭证或采购合同的单位按同样方式匹配。
  - 任职期间为参加工作时间至离职日期（含两端），缺失的一端视为不限；亲属关联时以本单位那位工作人员的任职期间为准。
  - 亲属关系表的两个方向都算（A 是 B 的亲属，B 也是 A 的亲属）。工商登记的成立、注销日期不作为关联期间（登记导出通常只有当前身份）。
  - 付款为凭证中计入的费用金额（政府会计双分录只计一次；红字冲销凭证的负数一并计入）；只有往来单位记在凭证上的付款才能匹配。
  - 采购合同以签订日期判断是否在任职期间，没有签订日期的合同不计入；有匹配凭证时采购合同只列为证据，金额只计凭证。
  - 线索键中的企业名称取工商登记中最先出现的写法，单位取凭证（没有凭证时取采购合同）中的写法；期间为计入的最早至最晚付款（签约）日期。
---*/
with
owners as (
    select b.*, xc_norm_company(b.company_name) as company_norm
    from business as b
    where b.id_number is not null
      and xc_norm_company(b.company_name) is not null
      and (xc_blank_null(b.role) is null or xc_fin_has_any(xc_fin_text(b.role), $roles))
),
staff as (
    select
        e.*,
        coalesce(e.start_date, xc_far_past()) as staff_from,
        coalesce(e.end_date, xc_far_future()) as staff_until
    from employee as e
    where e.id_number is not null and xc_blank_null(e.employer) is not null
),
-- the relation table read both ways: owner_id is a relative of staff_id
kin as (
    select id_number_a as owner_id, id_number_b as staff_id, relation, _source_file, _source_row from relation
    where id_number_a is not null and id_number_b is not null and id_number_a <> id_number_b
    union all
    select id_number_b, id_number_a, relation, _source_file, _source_row from relation
    where id_number_a is not null and id_number_b is not null and id_number_a <> id_number_b
),
-- one row per (company owner, staff member) link, with the evidence of the link
links as (
    select
        row_number() over (order by company_norm, owner_file, owner_row, staff_file, staff_row, kin_file, kin_row) as link_id,
        *
    from (
        select
            o.company_name, o.company_norm, o.id_number as owner_id, o.name as owner_name, o.role,
            o._source_file as owner_file, o._source_row as owner_row,
            s.id_number as staff_id, s.name as staff_name, s.employer, s.position, s.start_date, s.end_date,
            s.staff_from, s.staff_until, s._source_file as staff_file, s._source_row as staff_row,
            cast(null as varchar) as kin_relation, cast(null as varchar) as kin_file, cast(null as integer) as kin_row
        from owners as o
        join staff as s using (id_number)
        union all
        select
            o.company_name, o.company_norm, o.id_number, o.name, o.role, o._source_file, o._source_row,
            s.id_number, s.name, s.employer, s.position, s.start_date, s.end_date, s.staff_from, s.staff_until,
            s._source_file, s._source_row, k.relation, k._source_file, k._source_row
        from owners as o
        join kin as k on k.owner_id = o.id_number
        join staff as s on s.id_number = k.staff_id
    )
),
-- the inspected units (vouchers, procurement) and the staff members' employers that name them
units as (
    select unit, xc_norm_company(unit) as unit_norm
    from (select unit from voucher where unit is not null union select unit from procurement where unit is not null)
    where xc_norm_company(unit) is not null
),
employers as (
    select employer, xc_norm_company(employer) as employer_norm from (select distinct employer from links)
),
unit_employer as (
    select distinct u.unit_norm, e.employer
    from (select distinct unit_norm from units) as u
    join employers as e on xc_company_norm_match(u.unit_norm, e.employer_norm)
),
unit_links as (
    select ue.unit_norm, l.* from links as l join unit_employer as ue using (employer)
),
-- payments: expense vouchers whose counterparty names a linked company of that unit, dated within the link
vouchers as materialized (
    select v.*, xc_norm_company(v.unit) as unit_norm
    from xc_fin_vouchers('voucher', expense_prefixes := $expense_prefixes, budget_prefixes := $budget_prefixes) as v
    where v.counterparty_norm is not null and v.expense_amount <> 0
),
counterparty_company as (
    select distinct c.unit_norm, c.counterparty_norm, l.company_norm
    from (select distinct unit_norm, counterparty_norm from vouchers) as c
    join (select distinct unit_norm, company_norm from unit_links) as l
      on l.unit_norm = c.unit_norm and xc_company_norm_match(c.counterparty_norm, l.company_norm)
),
voucher_hits as (
    select l.unit_norm, l.company_norm, l.link_id, v.voucher_key, v.unit, v.voucher_date, v.expense_amount
    from unit_links as l
    join counterparty_company as cc using (unit_norm, company_norm)
    join vouchers as v on v.unit_norm = cc.unit_norm and v.counterparty_norm = cc.counterparty_norm
    where v.voucher_date between l.staff_from and l.staff_until
),
contracts as (
    select p.*, xc_norm_company(p.unit) as unit_norm, xc_norm_company(p.vendor) as vendor_norm
    from procurement as p
    where p.contract_date is not null and xc_norm_company(p.vendor) is not null
),
contract_hits as (
    select l.unit_norm, l.company_norm, l.link_id, p.unit, p.contract_date, p.amount, p._source_file, p._source_row,
           xc_evidence('procurement', p._source_file, p._source_row,
                       {'unit': p.unit, 'project_name': p.project_name, 'category': p.category, 'vendor': p.vendor,
                        'amount': p.amount, 'contract_date': p.contract_date, 'method': p.method,
                        'contract_no': p.contract_no}) as item
    from unit_links as l
    join contracts as p on p.unit_norm = l.unit_norm and xc_company_norm_match(p.vendor_norm, l.company_norm)
    where p.contract_date between l.staff_from and l.staff_until
),
paid as (
    select unit_norm, company_norm, count(*) as n, sum(expense_amount) as amount,
           min(voucher_date) as first_day, max(voucher_date) as last_day,
           any_value(unit order by voucher_date, voucher_key) as unit
    from (select distinct unit_norm, company_norm, voucher_key, unit, voucher_date, expense_amount from voucher_hits)
    group by unit_norm, company_norm
),
contracted as (
    select unit_norm, company_norm, count(*) as n, sum(amount) as amount,
           min(contract_date) as first_day, max(contract_date) as last_day,
           any_value(unit order by contract_date, _source_file, _source_row) as unit,
           list(item order by _source_file, _source_row) as evidence
    from (select distinct unit_norm, company_norm, unit, contract_date, amount, _source_file, _source_row, item from contract_hits)
    group by unit_norm, company_norm
),
voucher_evidence as (
    select k.unit_norm, k.company_norm,
           list(xc_fin_evidence_item(v) order by v.voucher_date, k.voucher_key, v._source_file, v._source_row) as evidence
    from (select distinct unit_norm, company_norm, voucher_key from voucher_hits) as k
    join voucher as v on xc_fin_voucher_key(v.unit, v.voucher_date, v.voucher_no) = k.voucher_key
    group by k.unit_norm, k.company_norm
),
-- the links that held during a counted payment or contract: who the company belongs to and how
held_links as (
    select distinct unit_norm, company_norm, link_id from voucher_hits
    union
    select distinct unit_norm, company_norm, link_id from contract_hits
),
link_facts as (
    select
        h.unit_norm, h.company_norm,
        any_value(l.company_name order by l.owner_file, l.owner_row) as company_name,
        string_agg(distinct
            coalesce(l.owner_name, l.owner_id) || '（' || coalesce(xc_blank_null(l.role), '登记人员') || '）'
            || case when l.kin_file is null then '为本单位工作人员'
                    else '与本单位工作人员' || coalesce(l.staff_name, l.staff_id) || '有' || coalesce(xc_blank_null(l.kin_relation), '亲属') || '关系，后者' end
            || '（' || l.employer || coalesce('，' || xc_blank_null(l.position), '') || '，'
            || xc_fmt_span(l.start_date, l.end_date) || '）', '；') as who,
        list_sort(list_distinct(flatten(list(
            [xc_evidence('business', l.owner_file, l.owner_row,
                         {'company_name': l.company_name, 'id_number': l.owner_id, 'name': l.owner_name, 'role': l.role}),
             xc_evidence('employee', l.staff_file, l.staff_row,
                         {'id_number': l.staff_id, 'name': l.staff_name, 'employer': l.employer, 'position': l.position,
                          'start_date': l.start_date, 'end_date': l.end_date})]
            || case when l.kin_file is not null
                    then [xc_evidence('relation', l.kin_file, l.kin_row,
                                      {'id_number_a': l.owner_id, 'id_number_b': l.staff_id, 'relation': l.kin_relation})]
                    else [] end)))) as evidence
    from held_links as h
    join unit_links as l on l.unit_norm = h.unit_norm and l.company_norm = h.company_norm and l.link_id = h.link_id
    group by h.unit_norm, h.company_norm
),
findings as (
    select
        coalesce(p.unit, c.unit) || '|' || f.company_name as subject_key,
        f.company_name as subject_name,
        coalesce(p.unit, c.unit) as unit,
        case when p.n > 0 then p.amount else c.amount end as amount,
        case when p.n > 0 then p.first_day else c.first_day end as period_start,
        case when p.n > 0 then p.last_day else c.last_day end as period_end,
        coalesce(p.unit, c.unit)
            || case when p.n > 0
                    then '向' || f.company_name || '付款' || p.n || '笔共' || xc_fmt_money(p.amount) || '元（'
                         || xc_fmt_date(p.first_day) || case when p.last_day > p.first_day then '至' || xc_fmt_date(p.last_day) else '' end || '）'
                    else '与' || f.company_name || '签订采购合同' || c.n || '份共' || xc_fmt_money(c.amount) || '元（'
                         || xc_fmt_date(c.first_day) || case when c.last_day > c.first_day then '至' || xc_fmt_date(c.last_day) else '' end || '）' end
            || '；该企业' || f.who || '。' as description,
        f.evidence || coalesce(c.evidence, []) || coalesce(ve.evidence, []) as evidence
    from link_facts as f
    left join paid as p using (unit_norm, company_norm)
    left join contracted as c using (unit_norm, company_norm)
    left join voucher_evidence as ve using (unit_norm, company_norm)
)
select * from findings
