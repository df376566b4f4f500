/*---
id: special_fund_diversion
name: 专项资金挪作他用
category: finance
severity: high
tables: [voucher]
params:
  fund_keywords:
    type: string_list
    default: [专项, 扶贫, 计划生育奖励, 营养餐, 救助, 补助资金]
    description: 资金来源或摘要含之即为专项资金的关键词
  cost_keywords:
    type: string_list
    default: [办公费, 招待费, 接待费, 差旅费, 车辆, 公务用车, 会议费, 津贴补贴]
    description: 科目名称或摘要含之即为一般性运转支出的关键词（“接待费”“公务用车”是经济分类“公务接待费”“公务用车运行维护费”的写法）
  expense_prefixes: { type: string_list, default: ['5', '6', '7'], description: 费用/支出类科目编码前缀（政府会计5费用、7预算支出；企业/旧制度5、6） }
  budget_prefixes: { type: string_list, default: ['7'], description: 预算会计支出科目编码前缀；同一凭证已有财务会计费用分录时不重复计算 }
method: >-
  凭证任一分录的资金来源或摘要含专项资金关键词（专项、扶贫、计划生育奖励、营养餐、救助、补助资金），而其借方费用分录的科目名称或摘要
  属于一般性运转支出（办公费、招待费、差旅费、车辆、会议费、津贴补贴），按凭证合计这些运转支出为一条线索。
why: 专款专用是财经纪律的基本要求；以专项资金列支办公、接待、差旅、车辆、会议、津补贴等一般性支出属于挤占挪用。
exclusions:
  - 专项资金用于其本身用途（费用分录不属于运转支出类别）的凭证
assumptions:
  - 专项资金的判断看整张凭证（任一分录的资金来源或摘要），运转支出的判断看每条费用分录（科目名称或摘要）
  - 线索金额为该凭证中运转支出类费用分录的借方合计，政府会计双分录只计一次
  - 规格说明列出的“招待费”“车辆”分别扩展了“接待费”“公务用车”两种经济分类写法
---*/
with
lines as (
    select
        *,
        case when names_special_fund
            then coalesce(xc_fin_match_kw(fund_text, $fund_keywords), xc_fin_match_kw(summary_text, $fund_keywords))
        end as fund_keyword,
        case when is_running_cost
            then coalesce(xc_fin_match_kw(account_text, $cost_keywords), xc_fin_match_kw(summary_text, $cost_keywords))
        end as cost_keyword
    from (
        select
            *,
            xc_fin_has_any(fund_text, $fund_keywords) or xc_fin_has_any(summary_text, $fund_keywords) as names_special_fund,
            is_expense and (xc_fin_has_any(account_text, $cost_keywords) or xc_fin_has_any(summary_text, $cost_keywords))
                as is_running_cost
        from (
            select *, xc_fin_text(fund_source) as fund_text
            from xc_fin_lines('voucher', expense_prefixes := $expense_prefixes, budget_prefixes := $budget_prefixes)
        )
    )
),
special_vouchers as (
    select
        voucher_key,
        any_value(unit) as unit,
        any_value(voucher_no) as voucher_no,
        any_value(v_date) as voucher_date,
        any_value(v_summary) as summary,
        any_value(v_counterparty) as counterparty,
        xc_fin_join_distinct(list(nullif(trim(fund_source), ''))) as fund_sources,
        xc_fin_join_distinct(list(fund_keyword) filter (where names_special_fund)) as fund_keywords,
        coalesce(sum(expense_amount) filter (where is_running_cost), 0) as amount,
        xc_fin_join_distinct(list(cost_keyword) filter (where is_running_cost)) as cost_keywords
    from lines
    group by voucher_key
    having bool_or(names_special_fund) and bool_or(is_running_cost)
),
diverted as materialized (
    select * from special_vouchers where amount <> 0
),
-- evidence: every line of each flagged voucher (sql/macros/finance.sql)
evidence as (select * from xc_fin_voucher_evidence('voucher', 'diverted')),
findings as (
    select
        d.voucher_key as subject_key,
        coalesce(d.fund_sources, d.summary) as subject_name,
        d.unit,
        d.amount,
        d.voucher_date as period_start,
        d.voucher_date as period_end,
        format('{}{}第{}号凭证（摘要：{}，资金来源：{}）使用含“{}”的专项资金列支{}类一般性支出{}元（往来单位：{}）。',
            d.unit, strftime(d.voucher_date, '%Y-%m-%d'), d.voucher_no, coalesce(d.summary, '无'),
            coalesce(d.fund_sources, '未记载'), d.fund_keywords, d.cost_keywords, xc_fmt_money(d.amount),
            coalesce(d.counterparty, '未记载')) as description,
        e.evidence
    from diverted as d
    join evidence as e using (voucher_key)
)
select * from findings
