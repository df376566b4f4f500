/*---
id: duplicate_voucher
name: 疑似重复报销
category: finance
severity: medium
tables: [voucher]
params:
  window_days: { type: integer, default: 30, min: 0, description: 摘要相同的两张凭证日期相差不超过（≤）该天数时视为疑似重复 }
  expense_prefixes: { type: string_list, default: ['5', '6', '7'], description: 费用/支出类科目编码前缀（政府会计5费用、7预算支出；企业/旧制度5、6） }
  budget_prefixes: { type: string_list, default: ['7'], description: 预算会计支出科目编码前缀；同一凭证已有财务会计费用分录时不重复计算 }
  skip_distinct_invoices:
    type: boolean
    default: false
    description: >-
      true 时采用较窄的口径：两张凭证都记有发票号且互不相同时，不因摘要相同而配对（视为两次真实支付）；
      默认 false 按 SPEC：发票号不同也报出，由核查判断是否重开或虚开发票
method: >-
  同一单位的两张凭证向同一往来单位（名称规范化后相同）支付相同的费用金额，并且发票号相同，或日期相差不超过 window_days 天且摘要相同
  （发票号不同也报出：重开或虚开的发票正是核查要看的；skip_distinct_invoices 为 true 时不报），以较晚的凭证为线索。
why: 同一事项、同一发票重复入账报销，是套取资金的常见手法；也可能是会计差错，需核对原始单据。
exclusions:
  - 摘要不同的两张凭证（如摘要写明月份的每月房租、水电费），除非发票号相同
  - 日期相差超过 window_days 天且发票号不同的两张凭证
  - 费用金额为0或负数（红字冲销）的凭证
  - 较早凭证之后、较晚凭证之前（含当日）有同一往来单位同额红字冲销凭证的：较晚凭证是冲销后的更正重录
assumptions:
  - 支付金额为凭证计入的费用分录借方合计（政府会计双分录只计一次）
  - 发票号相同：两张凭证的发票号集合有交集（去空格、半角、大写后比较）；此时往来单位须相同或都未记载
  - 摘要相同：去空格、半角后完全一致，且往来单位都已记载并相同；两张凭证都记有发票号而发票号互不相同时仍配对（SPEC 未排除），
    描述中注明“发票号不同”；skip_distinct_invoices 为 true 时这种配对不报出
  - “较晚”按凭证日期、再按凭证键排序；与多张较早凭证重复时仍只报一条，证据列出所有重复凭证
---*/
with
lines as (
    select *
    from xc_fin_lines('voucher', expense_prefixes := $expense_prefixes, budget_prefixes := $budget_prefixes)
),
all_vouchers as materialized (
    select
        voucher_key,
        any_value(unit) as unit,
        any_value(voucher_no) as voucher_no,
        any_value(v_date) as voucher_date,
        any_value(v_summary) as summary,
        any_value(xc_fin_text(v_summary)) as summary_text,
        any_value(v_counterparty) as counterparty,
        any_value(v_counterparty_norm) as counterparty_norm,
        sum(expense_amount) as amount,
        list_sort(list_distinct(list(nullif(upper(xc_fin_text(invoice_no)), '')))) as invoice_nos
    from lines
    group by voucher_key
    having sum(expense_amount) <> 0
),
vouchers as (
    select * from all_vouchers where amount > 0
),
-- 红字冲销: a negative voucher of the same counterparty and amount reverses an earlier one, and the re-entry after
-- it is a correction, not a duplicate
reversals as (
    select unit, counterparty_norm, -amount as amount, voucher_date from all_vouchers where amount < 0
),
pairs as (
    select
        later.voucher_key,
        earlier.voucher_key as earlier_key,
        earlier.voucher_date as earlier_date,
        earlier.voucher_no as earlier_no,
        list_has_any(earlier.invoice_nos, later.invoice_nos) as same_invoice,
        len(earlier.invoice_nos) > 0 and len(later.invoice_nos) > 0 as both_invoiced,
        list_intersect(earlier.invoice_nos, later.invoice_nos) as shared_invoices
    from vouchers as later
    join vouchers as earlier
      on earlier.unit = later.unit
     and earlier.amount = later.amount
     and coalesce(earlier.counterparty_norm, '') = coalesce(later.counterparty_norm, '')
     and (earlier.voucher_date < later.voucher_date
          or (earlier.voucher_date = later.voucher_date and earlier.voucher_key < later.voucher_key))
    where list_has_any(earlier.invoice_nos, later.invoice_nos)
       or (later.counterparty_norm is not null
           and earlier.summary_text = later.summary_text
           and datediff('day', earlier.voucher_date, later.voucher_date) <= $window_days
           and (not $skip_distinct_invoices or len(earlier.invoice_nos) = 0 or len(later.invoice_nos) = 0))
),
uncorrected_pairs as (
    select p.*
    from pairs as p
    join vouchers as e on e.voucher_key = p.earlier_key
    join vouchers as l on l.voucher_key = p.voucher_key
    where not exists (
        select 1 from reversals as r
        where r.unit = e.unit
          and coalesce(r.counterparty_norm, '') = coalesce(e.counterparty_norm, '')
          and r.amount = e.amount
          and r.voucher_date between e.voucher_date and l.voucher_date)
),
duplicates as materialized (
    select
        p.voucher_key,
        list(p.earlier_key order by p.earlier_date, p.earlier_key) as earlier_keys,
        string_agg(
            format('{}第{}号凭证（{}）', strftime(p.earlier_date, '%Y-%m-%d'), p.earlier_no,
                   case when p.same_invoice then '发票号' || array_to_string(p.shared_invoices, '、') || '相同'
                        else format('摘要相同，相隔{}天{}', datediff('day', p.earlier_date, v.voucher_date),
                                    case when p.both_invoiced then '，发票号不同' else '' end) end),
            '、' order by p.earlier_date, p.earlier_key) as earlier_list
    from uncorrected_pairs as p
    join vouchers as v using (voucher_key)
    group by p.voucher_key
),
-- evidence: every line of the later voucher and of the earlier one(s), read from the voucher table itself
evidence_vouchers as (
    select voucher_key as lead_key, voucher_key from duplicates
    union all
    select voucher_key as lead_key, unnest(earlier_keys) as voucher_key from duplicates
),
evidence as (
    select
        ev.lead_key as voucher_key,
        to_json(list(xc_fin_evidence_item(v) order by v.voucher_date, ev.voucher_key, v._source_file, v._source_row)) as evidence
    from voucher as v
    join evidence_vouchers as ev on ev.voucher_key = xc_fin_voucher_key(v.unit, v.voucher_date, v.voucher_no)
    group by ev.lead_key
),
findings as (
    select
        v.voucher_key as subject_key,
        coalesce(v.counterparty, v.summary) as subject_name,
        v.unit,
        v.amount,
        v.voucher_date as period_start,
        v.voucher_date as period_end,
        format('{}{}第{}号凭证（摘要：{}）向{}支付{}元，与{}金额相同、往来单位相同，疑似重复报销。',
            v.unit, strftime(v.voucher_date, '%Y-%m-%d'), v.voucher_no, coalesce(v.summary, '无'),
            coalesce(v.counterparty, '未记载往来单位'), xc_fmt_money(v.amount), d.earlier_list) as description,
        e.evidence
    from duplicates as d
    join vouchers as v using (voucher_key)
    join evidence as e using (voucher_key)
)
select * from findings
