/*---
id: dibao_property
name: 低保家庭成员名下房产超标
category: relationship_benefit
severity: high
tables: [dibao, property]
optional_tables: [subsidy]
params:
  max_homes: { type: integer, default: 1, min: 0, description: 低保家庭成员合计允许拥有的住房套数，超过即为线索 }
  flag_non_residential: { type: boolean, default: true, description: 是否将成员名下任何非住宅房产（商业、商铺、办公、写字楼、厂房）作为线索 }
  non_residential_usages:
    type: string_list
    default: [商业, 商铺, 办公, 写字楼, 厂房]
    description: 视为非住宅房产的用途关键词（用途包含其中任一词即是）
method: >-
  以身份证号关联低保名册与不动产登记，把同一低保家庭全部成员名下的住房按登记日期、不动产权证号排序：第 max_homes+1 套住房
  使家庭超标，以该套住房的权利人为线索对象；flag_non_residential 为真时，成员名下每一处非住宅房产的权利人也是线索对象。
  金额为超标之日（该房产登记日期）起、本人低保期间内该低保家庭领取的低保金。
why: 拥有多套住房或商业用房说明家庭财产超过低保标准，可能是关系保、人情保。
exclusions:
  - 家庭合计住房不超过 max_homes 套（例如只有一套普通住房）
  - 车库、车位、储藏室、仓库等既非住宅、又不在非住宅关键词中的房产（不计套数，也不单独成为线索）
  - 低保家庭最晚退出日期之后才登记的房产
assumptions:
  - 住宅：用途为空或包含 住宅/住房/居住/公寓/别墅/宅 的房产；用途包含 non_residential_usages 中任一词的为非住宅（优先判断）。
  - 同一不动产权证号由多名成员共有时只计一套；没有证号时每条登记记录计一套。共有住房的权利人取身份证号最小者。
  - 登记日期为空的房产排在最前（视为最早登记），计入套数时不受日期限制。
  - 家庭以名册的户号区分，没有户号时用户主身份证号，再没有时用本人身份证号；房产只有在家庭最晚低保退出日期之前（含当天）登记才计入。
  - 同一成员既是超标住房权利人又有非住宅房产时合并为一条线索。
  - 金额：该家庭任一成员在 [超标房产登记日期, 本人低保退出日期] 与本人低保期间交集内的低保类补贴发放记录（补贴项目含“低保”“最低生活保障”或“特困”）之和；
    补贴表中没有该家庭任何低保发放记录时，按名册各成员月保障金 × 覆盖的自然月数估算（开放的期间计至数据中的最晚日期）。
---*/
with
members as (select * from xc_dibao_members('dibao')),
heads as (select * from xc_dibao_heads('members')),
as_of as (select * from xc_dibao_as_of('subsidy', 'dibao')),
member_ids as (
    select distinct id_number, household_key from members
),
household_end as (
    select household_key, max(dibao_end) as last_end from members group by household_key
),
owned as (
    select
        mi.household_key,
        p.*,
        coalesce(xc_blank_null(p.certificate_no), p._source_file || '#' || p._source_row) as property_key,
        case when len(list_filter($non_residential_usages, u -> contains(coalesce(p.usage, ''), u))) > 0 then 'non_residential'
             when xc_blank_null(p.usage) is null or regexp_matches(p.usage, '住宅|住房|居住|公寓|别墅|宅') then 'home'
             else 'other' end as kind
    from property as p
    join member_ids as mi using (id_number)
    join household_end as he using (household_key)
    where coalesce(p.register_date, xc_far_past()) <= he.last_end
),
homes as (
    -- one row per home of a household (co-owned homes once), ordered as the rule says
    select
        household_key, property_key,
        min(register_date) as register_date,
        min(certificate_no) as certificate_no,
        min(id_number) as owner_id,
        row_number() over (partition by household_key
                           order by min(register_date) asc nulls first, min(certificate_no) asc nulls first, property_key) as rank
    from owned
    where kind = 'home'
    group by household_key, property_key
),
tipping as (
    select household_key, owner_id, register_date
    from homes
    where rank = $max_homes + 1
),
nonres as (
    select distinct household_key, id_number as owner_id, register_date, property_key
    from owned
    where kind = 'non_residential' and $flag_non_residential
),
triggers as (
    select household_key, owner_id, register_date, 'homes' as kind from tipping
    union all
    select household_key, owner_id, register_date, 'non_residential' from nonres
),
hits as (
    select
        m.id_number as subject_key,
        m.household_key,
        greatest(m.dibao_start, coalesce(t.register_date, xc_far_past())) as win_start,
        m.dibao_end as win_end,
        t.kind,
        m._source_file as m_file, m._source_row as m_row
    from triggers as t
    join members as m on m.id_number = t.owner_id and m.household_key = t.household_key
    where coalesce(t.register_date, xc_far_past()) <= m.dibao_end
),
-- dibao money paid to the household while the condition held (sql/macros/welfare_dibao.sql)
money as (select * from xc_dibao_money('hits', 'members', 'subsidy', 'as_of')),
subjects as (select * from xc_dibao_subjects('hits', 'members', 'heads')),
hit_kinds as (
    select subject_key, any_value(household_key) as household_key,
           bool_or(kind = 'homes') as by_homes, bool_or(kind = 'non_residential') as by_nonres
    from hits group by subject_key
),
evidence_props as (
    -- every home of the household for a "too many homes" lead; the subject's own non-residential properties
    select distinct k.subject_key, o._source_file, o._source_row, o.kind, o.id_number, o.name, o.address, o.area,
           o.usage, o.register_date, o.certificate_no
    from hit_kinds as k
    join owned as o on o.household_key = k.household_key
    where (k.by_homes and o.kind = 'home') or (k.by_nonres and o.kind = 'non_residential' and o.id_number = k.subject_key)
),
assets as (
    select
        e.subject_key,
        count(distinct case when e.kind = 'home' then coalesce(xc_blank_null(e.certificate_no), e._source_file || '#' || e._source_row) end) as n_homes,
        count(distinct case when e.kind = 'non_residential' then coalesce(xc_blank_null(e.certificate_no), e._source_file || '#' || e._source_row) end) as n_nonres,
        string_agg(case when e.kind = 'home' then coalesce(xc_blank_null(e.address), '坐落不详') || '，' || xc_fmt_date(e.register_date) || '登记' end,
                   '；' order by e.register_date nulls first, e.certificate_no, e._source_file, e._source_row) as home_list,
        string_agg(case when e.kind = 'non_residential' then coalesce(xc_blank_null(e.usage), '') || ' ' || coalesce(xc_blank_null(e.address), '坐落不详') || '，' || xc_fmt_date(e.register_date) || '登记' end,
                   '；' order by e._source_file, e._source_row) as nonres_list,
        list(xc_evidence('property', e._source_file, e._source_row,
                         {'id_number': e.id_number, 'name': e.name, 'address': e.address, 'area': e.area, 'usage': e.usage,
                          'register_date': e.register_date, 'certificate_no': e.certificate_no})
             order by e._source_file, e._source_row) as evidence
    from evidence_props as e
    group by e.subject_key
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
        '低保对象' || coalesce(s.name, s.subject_key) || s.head_phrase
            || concat_ws('；',
                   case when k.by_homes then '所在低保家庭成员名下共有住房' || a.n_homes || '套（' || a.home_list || '），超过'
                                             || $max_homes || '套，本人名下住房使家庭超标' end,
                   case when k.by_nonres then '名下有非住宅房产' || a.n_nonres || '处（' || a.nonres_list || '）' end)
            || case when mo.from_payments
                    then '，其间家庭领取低保金' || xc_fmt_money(coalesce(mo.paid_amount, 0)) || '元。'
                    when coalesce(mo.estimated_amount, 0) = 0 then '，未查到该家庭其间的低保金发放记录。'
                    else '，其间家庭按月保障金估算领取低保金' || xc_fmt_money(coalesce(mo.estimated_amount, 0)) || '元。' end
            as description,
        list_concat(s.evidence, a.evidence, coalesce(mo.evidence, [])) as evidence
    from subjects as s
    join hit_kinds as k using (subject_key)
    join assets as a using (subject_key)
    join spans as sp using (subject_key)
    join money as mo using (subject_key)
)
select * from findings
