/*---
id: cash_receipt_spent
name: 坐收坐支
category: finance
severity: high
tables: [voucher]
params:
  revenue_prefixes:
    type: string_list
    default: ['4']
    description: 收入类科目编码前缀（政府会计、事业单位4开头；企业账套请设为如 6001、6051、6301）
  money_prefixes:
    type: string_list
    default: ['1001', '1002', '1011', '1201']
    description: 资金科目编码前缀（1001库存现金、1002银行存款、1011零余额账户用款额度、1201财政应返还额度）：凭证中有其中任一科目的分录即不是坐收坐支
  expense_prefixes: { type: string_list, default: ['5', '6', '7'], description: 费用/支出类科目编码前缀（政府会计5费用、7预算支出；企业/旧制度5、6） }
  budget_prefixes: { type: string_list, default: ['7'], description: 预算会计支出科目编码前缀；同一凭证已有财务会计费用分录时不重复计算 }
method: >-
  同一张凭证贷记收入类科目（revenue_prefixes）、借记费用类科目，且没有任何一条分录记在库存现金、银行存款、零余额账户用款额度或财政应返还额度
  （money_prefixes）上：收入没有进入银行或国库就直接支出。每张凭证一条线索，金额为凭证中收入与费用两者的较小值。
why: 坐收坐支使收入脱离预算管理和财政监督，是设立“小金库”、私分收入和隐瞒收入的常见手法，违反收支两条线规定。
exclusions:
  - 收入先存入银行（或零余额账户、财政）再支付的凭证，即使收入和支出记在同一张凭证上
  - 只有收入、没有费用的凭证（收到款项），或只有费用、没有收入的凭证
  - 借记收入、贷记费用的期末结转凭证
assumptions:
  - 收入为收入类科目分录的贷方金额（借记收入的结转分录不算）；政府会计预算收入（6xxx）默认不在 revenue_prefixes 中，避免双分录重复计算。
  - 费用为计入的费用分录借方（政府会计5xxx与7xxx双分录只计一次）；费用合计不大于0的凭证不报。
  - 没有科目编码的分录按科目名称判断：名称含“收入”（不含“预算收入”）为收入，名称为库存现金、现金或含银行存款、零余额、财政应返还为资金科目。
  - 凭证以“单位|会计月份|凭证号”区分；证据为该凭证的全部分录。
---*/
with
lines as (
    select
        l.*,
        case when l.code is not null then xc_fin_code_in(l.code, $revenue_prefixes)
             else coalesce(regexp_matches(l.account_text, '收入') and not regexp_matches(l.account_text, '预算收入'), false)
        end as is_revenue,
        case when l.code is not null then xc_fin_code_in(l.code, $money_prefixes)
             else coalesce(l.account_text in ('库存现金', '现金') or regexp_matches(l.account_text, '银行存款|零余额|财政应返还'), false)
        end as is_money
    from xc_fin_lines('voucher', expense_prefixes := $expense_prefixes, budget_prefixes := $budget_prefixes) as l
),
vouchers as (
    select
        voucher_key,
        any_value(unit) as unit,
        any_value(voucher_no) as voucher_no,
        any_value(v_date) as voucher_date,
        any_value(v_summary) as summary,
        coalesce(sum(cr) filter (where is_revenue and cr > 0), 0) as revenue,
        sum(expense_amount) as expense,
        xc_fin_join_distinct(list(regexp_replace(account_name, '^\s*[0-9]+\s*', '')) filter (where is_revenue and cr > 0)) as revenue_accounts,
        xc_fin_join_distinct(list(regexp_replace(account_name, '^\s*[0-9]+\s*', '')) filter (where is_expense)) as expense_accounts,
        bool_or(is_money) as has_money_line
    from lines
    group by voucher_key
),
hits as (
    select * from vouchers where revenue > 0 and expense > 0 and not has_money_line
),
evidence as (select * from xc_fin_voucher_evidence('voucher', 'hits')),
findings as (
    select
        h.voucher_key as subject_key,
        coalesce(h.summary, h.revenue_accounts) as subject_name,
        h.unit,
        least(h.revenue, h.expense) as amount,
        h.voucher_date as period_start,
        h.voucher_date as period_end,
        format('{}{}第{}号凭证（摘要：{}）贷记收入（{}）{}元、借记费用（{}）{}元，没有库存现金、银行存款、零余额账户或财政应返还额度分录，'
               || '收入未入账户即直接支出，疑似坐收坐支。',
               h.unit, strftime(h.voucher_date, '%Y-%m-%d'), h.voucher_no, coalesce(h.summary, '无'),
               coalesce(h.revenue_accounts, '收入科目'), xc_fmt_money(h.revenue),
               coalesce(h.expense_accounts, '费用科目'), xc_fmt_money(h.expense)) as description,
        e.evidence
    from hits as h
    join evidence as e using (voucher_key)
)
select * from findings
