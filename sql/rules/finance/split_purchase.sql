/*---
id: split_purchase
name: 化整为零规避政府采购
category: finance
severity: high
tables: [voucher, procurement]
params:
  threshold: { type: number, default: 300000, min: 0, description: 货物、服务类采购限额标准（元）：同一年度向同一往来单位多次支付、每次低于该额而合计达到（≥）该额即为线索 }
  works_keywords: { type: string_list, default: [工程, 基础设施建设, 大型修缮], description: 摘要或科目名称含之即为工程类支出（不计入货物服务类）的关键词 }
  non_procurement_keywords:
    type: string_list
    default: [工资, 津贴, 补贴, 奖金, 绩效, 社会保障, 社保, 养老保险, 医疗保险, 职业年金, 公积金, 福利费, 抚恤, 救助, 救济, 助学金, 奖励金, 生活补助, 税金, 税费, 利息, 水费, 电费, 邮电费, 手续费, 差旅费, 公务接待费, 工会经费]
    description: 不属于货物、服务采购的支出关键词（人员支出、对个人和家庭的补助、税费利息、水电邮电、差旅接待等）
  expense_prefixes: { type: string_list, default: ['5', '6', '7'], description: 费用/支出类科目编码前缀（政府会计5费用、7预算支出；企业/旧制度5、6） }
  budget_prefixes: { type: string_list, default: ['7'], description: 预算会计支出科目编码前缀；同一凭证已有财务会计费用分录时不重复计算 }
method: >-
  逐张凭证计算货物服务类费用支出（与 no_procurement 同一口径），按单位、往来单位（名称规范化后相同）和凭证日期所在年度分组；
  组内每张凭证的货物服务类支出都低于 threshold、至少2张、合计达到 threshold，且该单位当年没有该供应商合同金额不低于合计的政府采购记录，即为线索。
why: 把达到限额标准的采购拆成多次小额支付，是规避政府采购程序（化整为零）的典型手法。
exclusions:
  - 单张凭证已达到限额的支付不计入拆分组（由 no_procurement 规则处理）
  - 无往来单位的凭证无法归组，不参与本规则
assumptions:
  - 财政年度即凭证日期所在公历年度
  - 往来单位按 xc_norm_company 规范化后相同即视为同一单位；subject_key 中的往来单位取组内出现次数最多的原始写法（并列时取字典序最小者）
  - 采购记录须同一单位（名称规范化后相同或包含）、供应商与往来单位匹配、签订日期在该年度内（无签订日期的记录视为在该年度内）、合同金额不低于组合计
  - 线索期间为组内最早和最晚凭证日期
  - 同一单位、同一供应商但金额或年度不能覆盖的采购记录列入证据和描述，便于核查
---*/
with
lines as (
    select
        *,
        xc_fin_has_any(account_text, $works_keywords) or xc_fin_has_any(summary_text, $works_keywords) as is_works,
        xc_fin_has_any(account_text, $non_procurement_keywords)
            or xc_fin_has_any(summary_text, $non_procurement_keywords) as is_non_procurement
    from xc_fin_lines('voucher', expense_prefixes := $expense_prefixes, budget_prefixes := $budget_prefixes)
),
goods_services_vouchers as (
    select
        voucher_key,
        any_value(unit) as unit,
        any_value(fiscal_year) as fiscal_year,
        any_value(voucher_no) as voucher_no,
        any_value(v_date) as voucher_date,
        any_value(v_counterparty) as counterparty,
        any_value(v_counterparty_norm) as counterparty_norm,
        sum(expense_amount) as amount
    from lines
    where is_expense and not is_works and not is_non_procurement
    group by voucher_key
    having any_value(v_counterparty_norm) is not null
),
small_payments as materialized (
    select * from goods_services_vouchers
    where amount > 0 and amount < $threshold
),
counterparty_spelling as (
    select unit, fiscal_year, counterparty_norm, counterparty, count(*) as n
    from small_payments
    group by all
),
groups as (
    select
        s.unit,
        s.fiscal_year,
        s.counterparty_norm,
        count(*) as vouchers,
        sum(s.amount) as amount,
        min(s.voucher_date) as first_date,
        max(s.voucher_date) as last_date,
        string_agg(format('{}第{}号{}元', strftime(s.voucher_date, '%Y-%m-%d'), s.voucher_no, xc_fmt_money(s.amount)), '、'
                   order by s.voucher_date, s.voucher_key) as voucher_list
    from small_payments as s
    group by s.unit, s.fiscal_year, s.counterparty_norm
    having count(*) >= 2 and sum(s.amount) >= $threshold
),
named_groups as (
    select
        g.*,
        (select arg_min(c.counterparty, (-c.n, c.counterparty))
         from counterparty_spelling as c
         where c.unit = g.unit and c.fiscal_year = g.fiscal_year and c.counterparty_norm = g.counterparty_norm)
            as counterparty
    from groups as g
),
procurement_named as materialized (
    select *, xc_norm_company(unit) as unit_norm, xc_norm_company(vendor) as vendor_norm
    from procurement
),
-- every procurement record of the group's unit and supplier, whether or not it covers the group
same_supplier as materialized (
    select
        g.unit, g.fiscal_year, g.counterparty_norm,
        p.amount >= g.amount and (p.contract_date is null or year(p.contract_date) = g.fiscal_year) as covers,
        p.* exclude (unit, unit_norm, vendor_norm),
        p.unit as procurement_unit
    from (select *, xc_norm_company(unit) as unit_norm from named_groups) as g
    join procurement_named as p
      on xc_company_norm_match(p.unit_norm, g.unit_norm)
     and xc_company_norm_match(p.vendor_norm, g.counterparty_norm)
),
split as materialized (
    select g.*
    from named_groups as g
    anti join (select * from same_supplier where covers) as c using (unit, fiscal_year, counterparty_norm)
),
-- records of the same supplier that do not cover the group: shown so the analyst sees why they did not count
near_misses as (
    select
        unit, fiscal_year, counterparty_norm,
        count(*) as records,
        string_agg(format('合同金额{}元、签订日期{}', xc_fmt_money(amount), coalesce(strftime(contract_date, '%Y-%m-%d'), '不详')),
                   '；' order by contract_date, amount) as record_list,
        list(xc_evidence('procurement', _source_file, _source_row,
                         {'unit': procurement_unit, 'project_name': project_name, 'category': category, 'vendor': vendor,
                          'amount': amount, 'contract_date': contract_date, 'method': method, 'contract_no': contract_no})
             order by _source_file, _source_row) as items
    from same_supplier
    semi join split using (unit, fiscal_year, counterparty_norm)
    group by unit, fiscal_year, counterparty_norm
),
-- evidence: every line of the group's vouchers, read from the voucher table itself, then the near-miss records
split_vouchers as (
    select s.unit, s.fiscal_year, s.counterparty_norm, s.voucher_key
    from small_payments as s
    semi join split using (unit, fiscal_year, counterparty_norm)
),
voucher_lines as (
    select
        sv.unit, sv.fiscal_year, sv.counterparty_norm,
        list(xc_fin_evidence_item(v) order by v.voucher_date, sv.voucher_key, v._source_file, v._source_row) as items
    from voucher as v
    join split_vouchers as sv on sv.voucher_key = xc_fin_voucher_key(v.unit, v.voucher_date, v.voucher_no)
    group by sv.unit, sv.fiscal_year, sv.counterparty_norm
),
evidence as (
    select vl.unit, vl.fiscal_year, vl.counterparty_norm, to_json(list_concat(vl.items, coalesce(nm.items, []))) as evidence
    from voucher_lines as vl
    left join near_misses as nm using (unit, fiscal_year, counterparty_norm)
),
findings as (
    select
        concat_ws('|', s.unit, s.counterparty, cast(s.fiscal_year as varchar)) as subject_key,
        s.counterparty as subject_name,
        s.unit,
        s.amount,
        s.first_date as period_start,
        s.last_date as period_end,
        format('{}{}年向{}支付货物服务类款项{}笔（{}），每笔均低于{}元的采购限额标准，合计{}元已达到限额，未找到该单位当年与该供应商金额不低于合计的政府采购记录{}。',
            s.unit, s.fiscal_year, s.counterparty, s.vouchers, s.voucher_list, xc_fmt_money($threshold),
            xc_fmt_money(s.amount),
            coalesce(format('（该供应商另有{}条采购记录：{}，金额或年度不足以覆盖）', nm.records, nm.record_list), ''))
            as description,
        e.evidence
    from split as s
    join evidence as e using (unit, fiscal_year, counterparty_norm)
    left join near_misses as nm using (unit, fiscal_year, counterparty_norm)
)
select * from findings
