/*---
id: irregular_allowance
name: 违规发放津贴补贴奖金
category: finance
severity: medium
tables: [voucher]
params:
  keywords:
    type: string_list
    default: [补贴, 津贴, 奖金, 福利, 过节费, 慰问, 加班费, 值班费, 购物卡, 超市卡]
    description: 摘要或科目名称含之即为津贴补贴、奖金、福利或礼品类支出的关键词
  approved_items:
    type: string_list
    default: []
    description: 经批准可以发放的项目（如“乡镇工作补贴”“艰苦边远地区津贴”）；摘要或科目名称含其中之一的分录不作为线索
  expense_prefixes: { type: string_list, default: ['5', '6', '7'], description: 费用/支出类科目编码前缀（政府会计5费用、7预算支出；企业/旧制度5、6） }
  budget_prefixes: { type: string_list, default: ['7'], description: 预算会计支出科目编码前缀；同一凭证已有财务会计费用分录时不重复计算 }
method: >-
  借方费用分录（政府会计双分录只计一次）的摘要或科目名称含津贴、补贴、奖金、福利、过节费、慰问、加班费、值班费、购物卡、超市卡等词，
  且摘要和科目名称都不含 approved_items 中任一批准项目的，按凭证合计为一条线索。
why: 自行设立项目、超标准发放津贴补贴奖金和发放购物卡、过节费，是违反中央八项规定精神的常见问题。
exclusions:
  - 摘要或科目名称含 approved_items 中批准项目的分录
assumptions:
  - “项目”以分录的摘要和科目名称（含经济分类名称）判断：含批准项目文字即视为该批准项目
  - 线索金额为该凭证中命中且未获批准的费用分录借方合计（其他分录不计）
  - 按经济分类“津贴补贴”科目发放的工资性津贴也会命中，分析人员应把本地批准的项目列入 approved_items
  - 科目名称中的类名“工资福利支出”不算“福利”（它是所有工资分录的上级科目）
---*/
with
lines as (
    select
        *,
        case when is_allowance
            then coalesce(xc_fin_match_kw(summary_text, $keywords), xc_fin_match_kw(account_text, $keywords))
        end as allowance_keyword
    from (
        select
            *,
            is_expense
                and (xc_fin_has_any(summary_text, $keywords) or xc_fin_has_any(account_text, $keywords))
                and not (xc_fin_has_any(summary_text, $approved_items) or xc_fin_has_any(account_text, $approved_items))
                as is_allowance
        from (
            -- the class name 工资福利支出 (301) heads every wage line in hierarchical account names
            -- ('业务活动费用/工资福利支出/基本工资'); its 福利 is not a welfare payment
            select * replace (replace(account_text, '工资福利支出', '') as account_text)
            from xc_fin_lines('voucher', expense_prefixes := $expense_prefixes, budget_prefixes := $budget_prefixes)
        )
    )
),
allowance_vouchers as materialized (
    select
        voucher_key,
        any_value(unit) as unit,
        any_value(voucher_no) as voucher_no,
        any_value(v_date) as voucher_date,
        any_value(v_summary) as summary,
        any_value(v_counterparty) as counterparty,
        any_value(v_settlement) as settlement,
        sum(expense_amount) as amount,
        xc_fin_join_distinct(list(allowance_keyword)) as keywords
    from lines
    where is_allowance
    group by voucher_key
    having sum(expense_amount) <> 0
),
-- evidence: every line of each flagged voucher (sql/macros/finance.sql)
evidence as (select * from xc_fin_voucher_evidence('voucher', 'allowance_vouchers')),
findings as (
    select
        a.voucher_key as subject_key,
        coalesce(a.counterparty, a.summary) as subject_name,
        a.unit,
        a.amount,
        a.voucher_date as period_start,
        a.voucher_date as period_end,
        format('{}{}第{}号凭证（摘要：{}）列支含“{}”的津贴补贴/奖金/福利类支出{}元（往来单位：{}，结算方式：{}），不在批准发放的项目内。',
            a.unit, strftime(a.voucher_date, '%Y-%m-%d'), a.voucher_no, coalesce(a.summary, '无'), a.keywords,
            xc_fmt_money(a.amount), coalesce(a.counterparty, '未记载'), coalesce(a.settlement, '未记载')) as description,
        e.evidence
    from allowance_vouchers as a
    join evidence as e using (voucher_key)
)
select * from findings
