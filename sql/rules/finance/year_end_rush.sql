/*---
id: year_end_rush
name: 年底突击花钱
category: finance
severity: medium
tables: [voucher]
params:
  months: { type: integer, default: 2, min: 1, max: 11, description: 年末月数：最后几个月（默认11、12月）的费用与全年比较 }
  min_share: { type: number, default: 0.5, min: 0, max: 1, description: 年末几个月费用占全年费用的比例不低于（≥）该值 }
  min_amount: { type: number, default: 100000, min: 0, description: 年末几个月费用不低于（≥）该金额（元） }
  expense_prefixes: { type: string_list, default: ['5', '6', '7'], description: 费用/支出类科目编码前缀（政府会计5费用、7预算支出；企业/旧制度5、6） }
  budget_prefixes: { type: string_list, default: ['7'], description: 预算会计支出科目编码前缀；同一凭证已有财务会计费用分录时不重复计算 }
method: >-
  按单位和自然年度汇总凭证中计入的费用：该年度凭证覆盖全部12个月，且最后 months 个月的费用不低于全年费用的 min_share、
  并不低于 min_amount 元的，按“单位|年度”报出，金额为最后几个月的费用。
why: 年底集中突击花钱、“花钱赶进度”往往伴随虚列支出、提前支付、超标准采购和以拨作支，是预算执行审计的常用线索。
exclusions:
  - 凭证没有覆盖全年12个月的年度（账套中途启用、只导出了部分月份），无法判断全年节奏
  - 全年费用为0或负数的年度
assumptions:
  - 费用为凭证中计入的费用分录借方（政府会计5xxx与7xxx双分录只计一次，红字冲销的负数一并计入），按凭证日期所在月份归属。
  - 年度覆盖：该单位该年度每个月都至少有一张凭证（任何科目），否则该年度不参与判断。
  - 单位按凭证中的单位名称原样区分；年度为自然年（凭证日期的年份）。
  - 证据列出年末几个月中费用金额最大的20张凭证的费用分录，描述给出逐月金额与全年占比。
---*/
with
lines as materialized (
    select *, month(voucher_date) as mon
    from xc_fin_lines('voucher', expense_prefixes := $expense_prefixes, budget_prefixes := $budget_prefixes)
),
unit_years as (
    select
        unit,
        fiscal_year,
        count(distinct mon) as months_covered,
        sum(expense_amount) as year_expense,
        coalesce(sum(expense_amount) filter (where mon > 12 - $months), 0) as end_expense
    from lines
    where unit is not null
    group by unit, fiscal_year
),
rushes as (
    select *
    from unit_years
    where months_covered = 12
      and year_expense > 0
      and end_expense >= $min_share * year_expense
      and end_expense >= $min_amount
),
by_month as (
    select r.unit, r.fiscal_year,
           string_agg(l.mon || '月' || xc_fmt_money(l.amount) || '元', '、' order by l.mon) as detail
    from rushes as r
    join (select unit, fiscal_year, mon, sum(expense_amount) as amount from lines
          where mon > 12 - $months group by all) as l using (unit, fiscal_year)
    group by r.unit, r.fiscal_year
),
-- the largest expense vouchers of the last months, as evidence
top_vouchers as (
    select unit, fiscal_year, voucher_key
    from (
        select l.unit, l.fiscal_year, l.voucher_key,
               row_number() over (partition by l.unit, l.fiscal_year order by sum(l.expense_amount) desc, l.voucher_key) as rn
        from lines as l
        join rushes as r using (unit, fiscal_year)
        where l.mon > 12 - $months and l.is_expense
        group by l.unit, l.fiscal_year, l.voucher_key
    )
    where rn <= 20
),
evidence as (
    select l.unit, l.fiscal_year,
           list(xc_fin_evidence_item(l) order by l.voucher_date, l.voucher_key, l._source_file, l._source_row) as evidence
    from lines as l
    join top_vouchers as t using (unit, fiscal_year, voucher_key)
    where l.is_expense
    group by l.unit, l.fiscal_year
),
findings as (
    select
        r.unit || '|' || r.fiscal_year as subject_key,
        r.unit as subject_name,
        r.unit,
        r.end_expense as amount,
        make_date(r.fiscal_year, 13 - $months, 1) as period_start,
        make_date(r.fiscal_year, 12, 31) as period_end,
        format('{}{}年最后{}个月（{}）计入费用{}元，占全年费用{}元的{}%。',
               r.unit, r.fiscal_year, $months, b.detail, xc_fmt_money(r.end_expense), xc_fmt_money(r.year_expense),
               format('{:.1f}', 100 * r.end_expense / r.year_expense)) as description,
        e.evidence
    from rushes as r
    join by_month as b using (unit, fiscal_year)
    left join evidence as e using (unit, fiscal_year)
)
select * from findings
