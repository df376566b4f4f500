/*---
id: dibao_vehicle
name: 低保家庭成员名下有机动车
category: relationship_benefit
severity: high
tables: [dibao, vehicle]
optional_tables: [subsidy]
params:
  exempt_types:
    type: string_list
    default: [摩托车, 轻便摩托车, 残疾人专用车, 拖拉机, 农用运输车, 低速载货汽车, 三轮汽车]
    description: 不计入的车辆类型（车辆类型包含其中任一词即不计，如“普通二轮摩托车”含“摩托车”）
method: >-
  以身份证号关联低保名册与机动车登记：低保成员名下车辆的初次登记日期不晚于其低保退出日期、且未在其低保纳入日期之前注销（报废、吊销），
  即在低保期间持有车辆；按车主身份证号汇总为一条线索，金额为持有车辆期间该低保家庭领取的低保金。
why: 家庭成员拥有机动车（豁免车型除外）通常不符合低保家庭经济状况核对标准，可能是关系保、人情保。
exclusions:
  - 车辆类型属于 exempt_types 的车辆（摩托车、残疾人专用车、拖拉机、农用车等）
  - 在低保纳入日期之前已注销、报废的车辆；状态为注销/报废/吊销但没有注销日期的车辆视为从未在低保期间持有
  - 低保退出日期之后才登记的车辆
assumptions:
  - 低保期间按名册的纳入时间至退出时间计（含两端）；没有纳入时间视为一直在保，没有退出时间视为至今在保。
  - 没有初次登记日期的车辆视为一直持有。有注销日期的车辆持有至注销日期（不论状态）。
  - 家庭以名册的户号区分，没有户号时用户主身份证号，再没有时用本人身份证号。
  - 金额：该家庭任一成员在持有期间（与本人低保期间的交集，多辆车取并集）的低保类补贴发放记录（补贴项目含“低保”“最低生活保障”或“特困”）之和；
    补贴表中没有该家庭任何低保发放记录时，按名册各成员月保障金 × 交集覆盖的自然月数估算（开放的期间计至数据中的最晚日期）。
  - 线索期间为持有车辆与低保期间交集的起止日期，开放端留空。
---*/
with
members as (select * from xc_dibao_members('dibao')),
heads as (select * from xc_dibao_heads('members')),
as_of as (select * from xc_dibao_as_of('subsidy', 'dibao')),
vehicles as (
    select
        *,
        coalesce(register_date, xc_far_past()) as held_from,
        xc_asset_until(status, deregister_date) as held_until
    from vehicle
    where id_number is not null
      and len(list_filter($exempt_types, t -> contains(coalesce(vehicle_type, ''), t))) = 0
),
hits as (
    select
        m.id_number as subject_key,
        m.household_key,
        greatest(m.dibao_start, v.held_from) as win_start,
        least(m.dibao_end, v.held_until) as win_end,
        m._source_file as m_file, m._source_row as m_row,
        v._source_file as v_file, v._source_row as v_row
    from members as m
    join vehicles as v using (id_number)
    where v.held_until is not null
      and v.held_from <= m.dibao_end
      and v.held_until >= m.dibao_start
),
-- dibao money paid to the household while the condition held (sql/macros/welfare_dibao.sql)
money as (select * from xc_dibao_money('hits', 'members', 'subsidy', 'as_of')),
subjects as (select * from xc_dibao_subjects('hits', 'members', 'heads')),
held as (
    select distinct h.subject_key, v.*
    from hits as h join vehicle as v on v._source_file = h.v_file and v._source_row = h.v_row
),
assets as (
    select
        subject_key,
        count(*) as n,
        any_value(coalesce(xc_blank_null(vehicle_type), '机动车')) as only_type,
        string_agg(coalesce(xc_blank_null(vehicle_type), '机动车') || ' ' || coalesce(plate, '号牌不详') || '，'
                   || xc_fmt_date(register_date) || '登记', '；' order by _source_file, _source_row) as vehicle_list,
        string_agg(coalesce(plate, '号牌不详') || '，' || xc_fmt_date(register_date) || '登记', '；'
                   order by _source_file, _source_row) as plate_list,
        list(xc_evidence('vehicle', _source_file, _source_row,
                         {'id_number': id_number, 'name': name, 'plate': plate, 'vehicle_type': vehicle_type,
                          'brand': brand, 'register_date': register_date, 'status': status,
                          'deregister_date': deregister_date})
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
        '低保对象' || coalesce(s.name, s.subject_key) || s.head_phrase || '名下登记'
            || case when a.n = 1 then a.only_type || '1辆（' || a.plate_list || '）'
                    else '机动车' || a.n || '辆（' || a.vehicle_list || '）' end
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
