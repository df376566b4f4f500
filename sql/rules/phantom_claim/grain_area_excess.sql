/*---
id: grain_area_excess
name: 种粮补贴面积超过承包面积
category: phantom_claim
severity: medium
tables: [subsidy, land]
params:
  types: { type: string_list, default: [耕地地力保护, 种粮, 粮食], description: 视为种粮类补贴的补贴项目关键词（补贴项目包含其中任一词即是） }
  tolerance: { type: number, default: 0.05, min: 0, description: 允许超出承包面积的比例（0.05 即 5%），申报面积超过承包面积 ×(1+tolerance) 才算线索 }
method: >-
  对同一身份证号、同一发放年度、同一种粮类补贴项目，把发放记录的补贴面积相加，与该身份证号名下全部承包地面积之和比较：
  超过承包面积 ×(1+tolerance) 的为超面积申领，按身份证号汇总为一条线索；金额为超出面积 × 该组补贴的每亩单价（组内金额 ÷ 组内面积）之和。
why: 虚报种植面积、超承包面积申领种粮补贴，是惠农补贴虚报冒领的常见形式。
exclusions:
  - 没有承包地记录的申领人（无从比较，不作为本规则的线索）
  - 超出比例不超过 tolerance 的申领（含恰好等于）
  - 补贴面积为空的发放记录
assumptions:
  - 补贴项目按关键词归类，但比较在原补贴项目名称（去首尾空格）内进行；同一年度同一项目多次发放时面积相加。
  - 承包面积为该身份证号在承包地表中全部地块面积之和（不按户合并）。
  - 金额 = (申报面积 − 承包面积) × 组内金额 ÷ 组内申报面积，逐组四舍五入到分后相加。
---*/
with
contracted as (
    select id_number, sum(contract_area) as contract_area,
           list(xc_evidence('land', _source_file, _source_row,
                            {'id_number': id_number, 'name': name, 'contract_area': contract_area,
                             'household_id': household_id, 'village': village})
                order by _source_file, _source_row) as evidence
    from land
    where id_number is not null and contract_area is not null
    group by id_number
),
grain as (
    select *, year(pay_date) as pay_year, trim(subsidy_type) as item
    from subsidy
    where id_number is not null
      and area is not null
      and len(list_filter($types, t -> contains(coalesce(subsidy_type, ''), t))) > 0
),
claims as (
    select g.id_number, g.pay_year, g.item, sum(g.area) as claimed_area, sum(g.amount) as paid, any_value(c.contract_area) as contract_area
    from grain as g
    join contracted as c using (id_number)
    group by g.id_number, g.pay_year, g.item
),
excess as (
    select
        *,
        claimed_area - contract_area as excess_area,
        round(cast(paid as double) * (claimed_area - contract_area) / claimed_area, 2) as excess_amount
    from claims
    where claimed_area > contract_area * (1 + $tolerance) + 1e-9   -- float noise must not turn "equal" into "more"
),
per_id as (
    select
        id_number,
        sum(excess_amount) as amount,
        string_agg(pay_year || '年' || item || '申报' || round(claimed_area, 2) || '亩', '，' order by pay_year, item) as claims_text,
        any_value(contract_area) as contract_area
    from excess
    group by id_number
),
flagged_rows as (
    select g.* from grain as g join excess as e using (id_number, pay_year, item)
),
findings as (
    select
        f.id_number as subject_key,
        any_value(f.name order by f._source_file, f._source_row) as subject_name,
        any_value(f.household_id order by f._source_file, f._source_row) as household_key,
        any_value(f.town order by f._source_file, f._source_row) as town,
        any_value(f.village order by f._source_file, f._source_row) as village,
        any_value(p.amount) as amount,
        min(f.pay_date) as period_start,
        max(f.pay_date) as period_end,
        coalesce(any_value(f.name order by f._source_file, f._source_row), f.id_number) || any_value(p.claims_text)
            || '，超过其承包面积' || round(any_value(p.contract_area), 2) || '亩（允许超出' || round($tolerance * 100, 2) || '%），'
            || '超面积部分对应补贴' || xc_fmt_money(any_value(p.amount)) || '元。' as description,
        list_concat(
            list(xc_evidence('subsidy', f._source_file, f._source_row,
                             {'id_number': f.id_number, 'name': f.name, 'subsidy_type': f.subsidy_type, 'area': f.area,
                              'amount': f.amount, 'pay_date': f.pay_date})
                 order by f._source_file, f._source_row),
            any_value(c.evidence)) as evidence
    from flagged_rows as f
    join per_id as p using (id_number)
    join contracted as c using (id_number)
    group by f.id_number
)
select * from findings
