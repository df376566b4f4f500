/*---
id: large_cash
name: 大额现金支付
category: finance
severity: medium
tables: [voucher]
params:
  min_amount: { type: number, default: 50000, min: 0, description: 一张凭证以现金支付的金额达到（≥）该额即为线索（元） }
  cash_prefixes: { type: string_list, default: ['1001'], description: 现金科目编码前缀（1001 库存现金） }
  bank_prefixes: { type: string_list, default: ['1002', '1011'], description: 银行类科目编码前缀（1002 银行存款、1011 零余额账户用款额度）；与现金科目之间的划转不是支付 }
method: >-
  按“单位+会计月份+凭证号”汇总整张凭证贷方以现金支付的金额（贷记库存现金，或其他资产类/无编码贷方分录的结算方式为现金），
  达到 min_amount（≥）即为线索；借方只有现金、银行科目的存现/提现划转凭证不算支付。
why: 单位应通过银行转账或公务卡结算，大额现金支付不留资金流向痕迹，易被用于套取、私分或行贿。
exclusions:
  - 库存现金存入银行（借银行存款、贷库存现金）等现金与银行之间的划转
assumptions:
  - “一笔现金支付”指一张凭证：同一凭证中的多条现金贷方分录合计计算，线索金额为该合计
  - 不限于费用支出：以现金支付的借款、预付款、往来款同样计入
---*/
with
lines as (
    select *
    from xc_fin_lines('voucher', cash_prefixes := $cash_prefixes, bank_prefixes := $bank_prefixes)
),
cash_vouchers as materialized (
    select
        voucher_key,
        any_value(unit) as unit,
        any_value(voucher_no) as voucher_no,
        any_value(v_date) as voucher_date,
        any_value(v_summary) as summary,
        any_value(v_counterparty) as counterparty,
        any_value(v_settlement) as settlement,
        sum(pay_amount) filter (where pay_method = 'cash') as cash_amount
    from lines
    where not v_money_transfer
    group by voucher_key
    having sum(pay_amount) filter (where pay_method = 'cash') >= $min_amount
),
-- evidence: every line of each flagged voucher (sql/macros/finance.sql)
evidence as (select * from xc_fin_voucher_evidence('voucher', 'cash_vouchers')),
findings as (
    select
        c.voucher_key as subject_key,
        coalesce(c.counterparty, c.summary) as subject_name,
        c.unit,
        c.cash_amount as amount,
        c.voucher_date as period_start,
        c.voucher_date as period_end,
        format('{}{}第{}号凭证（摘要：{}）以现金支付{}元（结算方式：{}，往来单位：{}），达到{}元的大额现金标准。',
            c.unit, strftime(c.voucher_date, '%Y-%m-%d'), c.voucher_no, coalesce(c.summary, '无'),
            xc_fmt_money(c.cash_amount), coalesce(c.settlement, '未记载'), coalesce(c.counterparty, '未记载'),
            xc_fmt_money($min_amount)) as description,
        e.evidence
    from cash_vouchers as c
    join evidence as e using (voucher_key)
)
select * from findings
