/*---
id: no_official_card
name: 应使用公务卡结算而使用现金
category: finance
severity: medium
tables: [voucher]
params:
  min_amount: { type: number, default: 1000, min: 0, description: 一张凭证中公务卡强制结算目录内支出以现金支付的金额达到（≥）该额即为线索（元） }
  categories:
    type: string_list
    default: [办公费, 印刷费, 咨询费, 手续费, 水费, 电费, 邮电费, 物业管理费, 差旅费, 维修(护)费, 租赁费, 会议费, 培训费, 公务接待费, 专用材料费, 公务用车运行维护费, 其他交通费用]
    description: 公务卡强制结算目录的支出类别（经济分类名称或摘要关键词；“维修(护)费”同时匹配维修费、维护费）
  expense_prefixes: { type: string_list, default: ['5', '6', '7'], description: 费用/支出类科目编码前缀（政府会计5费用、7预算支出；企业/旧制度5、6） }
  budget_prefixes: { type: string_list, default: ['7'], description: 预算会计支出科目编码前缀；同一凭证已有财务会计费用分录时不重复计算 }
  cash_prefixes: { type: string_list, default: ['1001'], description: 现金科目编码前缀（1001 库存现金） }
  bank_prefixes: { type: string_list, default: ['1002', '1011'], description: 银行类科目编码前缀（1002 银行存款、1011 零余额账户用款额度） }
method: >-
  按“单位+会计月份+凭证号”汇总整张凭证：借方费用分录中科目名称或摘要属于公务卡强制结算目录的支出额，与贷方以现金支付的金额
  （贷记库存现金，或结算方式为现金）取较小者，即该凭证以现金支付的目录内支出；达到 min_amount（≥）即为线索。
why: 公务卡强制结算目录内的公务支出原则上应使用公务卡结算，大额现金结算规避了银行留痕和财政监控，常伴随虚列支出、套取现金。
exclusions:
  - 结算方式为公务卡、或以银行存款/零余额账户支付的凭证
  - 库存现金与银行存款之间的提现、存现凭证
assumptions:
  - 线索金额 = min(凭证现金支付额, 凭证目录内费用额)；一张凭证既有目录内又有目录外支出时，现金优先视为支付了目录内支出
  - 贷记1001库存现金的分录一律为现金支付；银行类、其他资产类或无编码的贷方分录按结算方式文字判断（分录自身的结算方式优先于凭证其他分录的；“公务卡”优先于“现金”），银行类分录未写结算方式即为银行支付
  - 应付账款等负债类贷方分录不是支付：先挂账、后用现金付款的两张凭证本规则发现不了
  - 政府会计双分录（5xxx与7xxx）只计一次
---*/
with
lines as (
    select
        *,
        case when is_card_category
            then coalesce(xc_fin_match_kw(account_text, $categories), xc_fin_match_kw(summary_text, $categories))
        end as card_category
    from (
        select
            *,
            is_expense and (xc_fin_has_any(account_text, $categories) or xc_fin_has_any(summary_text, $categories))
                as is_card_category
        from xc_fin_lines('voucher', expense_prefixes := $expense_prefixes, budget_prefixes := $budget_prefixes,
                          cash_prefixes := $cash_prefixes, bank_prefixes := $bank_prefixes)
    )
),
per_voucher as (
    select
        voucher_key,
        any_value(unit) as unit,
        any_value(voucher_no) as voucher_no,
        any_value(v_date) as voucher_date,
        any_value(v_summary) as summary,
        any_value(v_counterparty) as counterparty,
        any_value(v_settlement) as settlement,
        coalesce(sum(expense_amount) filter (where is_card_category), 0) as card_category_amount,
        coalesce(sum(pay_amount) filter (where pay_method = 'cash'), 0) as cash_amount,
        xc_fin_join_distinct(list(card_category) filter (where is_card_category)) as card_categories
    from lines
    group by voucher_key
),
cash_settled as materialized (
    select *, least(cash_amount, card_category_amount) as cash_card_amount
    from per_voucher
    where card_category_amount > 0 and cash_amount > 0 and least(cash_amount, card_category_amount) >= $min_amount
),
-- evidence: every line of each flagged voucher (sql/macros/finance.sql)
evidence as (select * from xc_fin_voucher_evidence('voucher', 'cash_settled')),
findings as (
    select
        c.voucher_key as subject_key,
        coalesce(c.counterparty, c.summary) as subject_name,
        c.unit,
        c.cash_card_amount as amount,
        c.voucher_date as period_start,
        c.voucher_date as period_end,
        format('{}{}第{}号凭证（摘要：{}）列支{}{}元，以现金支付{}元（结算方式：{}，往来单位：{}），属公务卡强制结算目录，现金结算{}元。',
            c.unit, strftime(c.voucher_date, '%Y-%m-%d'), c.voucher_no, coalesce(c.summary, '无'), c.card_categories,
            xc_fmt_money(c.card_category_amount), xc_fmt_money(c.cash_amount), coalesce(c.settlement, '未记载'),
            coalesce(c.counterparty, '未记载'), xc_fmt_money(c.cash_card_amount)) as description,
        e.evidence
    from cash_settled as c
    join evidence as e using (voucher_key)
)
select * from findings
