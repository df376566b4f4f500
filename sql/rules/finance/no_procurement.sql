/*---
id: no_procurement
name: 达到限额标准未履行政府采购程序
category: finance
severity: high
tables: [voucher, procurement]
params:
  goods_services_threshold: { type: number, default: 300000, min: 0, description: 货物、服务类分散采购限额标准（元）：一张凭证的货物服务类支出达到（≥）该额即须有政府采购记录 }
  works_threshold: { type: number, default: 600000, min: 0, description: 工程类分散采购限额标准（元，≥） }
  catalog_keywords:
    type: string_list
    default: [台式计算机, 便携式计算机, 打印机, 复印机, 多功能一体机, 服务器, 空调, 投影仪, 复印纸]
    description: 集中采购目录品目关键词（摘要或科目名称含之即为该品目）
  catalog_threshold: { type: number, default: 50000, min: 0, description: 集中采购目录品目在一张凭证中的合计支出达到（≥）该额即须有政府采购记录（元） }
  window_days: { type: integer, default: 365, min: 0, description: 采购合同签订日期与凭证日期相差不超过的天数（之前或之后均可） }
  works_keywords: { type: string_list, default: [工程, 基础设施建设, 大型修缮], description: 摘要或科目名称含之即为工程类支出的关键词 }
  non_procurement_keywords:
    type: string_list
    default: [工资, 津贴, 补贴, 奖金, 绩效, 社会保障, 社保, 养老保险, 医疗保险, 职业年金, 公积金, 福利费, 抚恤, 救助, 救济, 助学金, 奖励金, 生活补助, 税金, 税费, 利息, 水费, 电费, 邮电费, 手续费, 差旅费, 公务接待费, 工会经费]
    description: 不属于货物、服务采购的支出关键词（人员支出、对个人和家庭的补助、税费利息、水电邮电、差旅接待等），这些支出不计入货物服务类金额
  expense_prefixes: { type: string_list, default: ['5', '6', '7'], description: 费用/支出类科目编码前缀（政府会计5费用、7预算支出；企业/旧制度5、6） }
  budget_prefixes: { type: string_list, default: ['7'], description: 预算会计支出科目编码前缀；同一凭证已有财务会计费用分录时不重复计算 }
method: >-
  按“单位+会计月份+凭证号”汇总整张凭证的费用支出（政府会计双分录只计一次，优先财务会计5xxx分录），区分工程类（摘要或科目含工程、基础设施建设、大型修缮）、
  货物服务类（其余费用，扣除工资津补贴、对个人补助、税费、水电、差旅等非采购支出）和集中采购目录品目（按品目关键词合计）。
  任一类达到限额标准（≥）时，查找同一单位、供应商与凭证往来单位一致、合同金额不低于该类支出额、签订日期在凭证日期前后 window_days 天内的政府采购记录；找不到即为线索。
why: 达到限额标准或属于集中采购目录的采购未走政府采购程序，是巡察财务检查的常见问题，也可能掩盖围标、指定供应商等问题。
exclusions:
  - 往来单位与采购记录供应商名称规范化后相同或互相包含（较短者不少于4个字）即视为同一供应商
  - 采购记录无签订日期时不限制时间窗口（视为可能覆盖该凭证）
assumptions:
  - 凭证“支出额”为整张凭证计入的费用分录借方合计；线索金额即该合计
  - 一张凭证同时触发多类时，采购记录须覆盖其中最大的触发类金额
  - 集中采购目录品目以每个关键词分别合计（一张凭证里台式计算机3万元和打印机3万元不合并为6万元）
  - 凭证无往来单位时，采购记录供应商名称（规范化后不少于4个字）出现在摘要中也视为匹配
  - 单位名称按与供应商相同的规范化规则比较
  - 同一单位、同一供应商但金额或日期不能覆盖的采购记录列入证据和描述，便于核查
  - 资产类科目（1601固定资产、1613在建工程）的借方不是费用；政府会计单位购置资产的支出由7xxx预算支出分录反映，企业账套购置资产不在本规则范围
---*/
with
lines as (
    select
        *,
        xc_fin_has_any(account_text, $works_keywords) or xc_fin_has_any(summary_text, $works_keywords) as is_works,
        xc_fin_has_any(account_text, $non_procurement_keywords)
            or xc_fin_has_any(summary_text, $non_procurement_keywords) as is_non_procurement,
        case when xc_fin_has_any(summary_text, $catalog_keywords) or xc_fin_has_any(account_text, $catalog_keywords)
            then coalesce(xc_fin_match_kw(summary_text, $catalog_keywords), xc_fin_match_kw(account_text, $catalog_keywords))
        end as catalog_item
    from xc_fin_lines('voucher', expense_prefixes := $expense_prefixes, budget_prefixes := $budget_prefixes)
    where is_expense
),
-- one pass over the lines: expense per voucher and kind (works / non-procurement / catalog item)
expense_parts as materialized (
    select
        voucher_key,
        is_works,
        is_non_procurement,
        catalog_item,
        any_value(unit) as unit,
        any_value(voucher_no) as voucher_no,
        any_value(v_date) as voucher_date,
        any_value(v_summary) as summary,
        any_value(v_counterparty) as counterparty,
        any_value(v_counterparty_norm) as counterparty_norm,
        any_value(v_settlement) as settlement,
        sum(expense_amount) as amount
    from lines
    where is_expense
    group by voucher_key, is_works, is_non_procurement, catalog_item
),
voucher_amounts as (
    select
        voucher_key,
        any_value(unit) as unit,
        any_value(voucher_no) as voucher_no,
        any_value(voucher_date) as voucher_date,
        any_value(summary) as summary,
        any_value(xc_fin_text(summary)) as summary_text,
        any_value(counterparty) as counterparty,
        any_value(counterparty_norm) as counterparty_norm,
        any_value(settlement) as settlement,
        sum(amount) as expense_amount,
        sum(amount) filter (where is_works) as works_amount,
        sum(amount) filter (where not is_works and not is_non_procurement) as goods_services_amount
    from expense_parts
    group by voucher_key
),
catalog_items as (
    select voucher_key, catalog_item, sum(amount) as item_amount
    from expense_parts
    where catalog_item is not null and not is_works
    group by voucher_key, catalog_item
),
largest_catalog_item as (
    select voucher_key, arg_max(catalog_item, item_amount) as catalog_item, max(item_amount) as item_amount
    from catalog_items
    group by voucher_key
),
over_threshold as (
    select
        v.*,
        c.catalog_item,
        c.item_amount,
        v.goods_services_amount >= $goods_services_threshold as gs_hit,
        v.works_amount >= $works_threshold as works_hit,
        c.item_amount >= $catalog_threshold as catalog_hit
    from voucher_amounts as v
    left join largest_catalog_item as c using (voucher_key)
    where v.goods_services_amount >= $goods_services_threshold
       or v.works_amount >= $works_threshold
       or c.item_amount >= $catalog_threshold
),
needing_procurement as materialized (
    select
        *,
        greatest(case when gs_hit then goods_services_amount end,
                 case when works_hit then works_amount end,
                 case when catalog_hit then item_amount end) as required_amount
    from over_threshold
),
-- Names are matched on distinct values first (few units, hundreds of suppliers), so the per-voucher join below is
-- an equi-join instead of a nested loop over vouchers × procurement records.
procurement_named as materialized (
    select *, xc_norm_company(unit) as unit_norm, xc_norm_company(vendor) as vendor_norm
    from procurement
),
unit_map as (
    select v.unit, p.unit_norm
    from (select distinct unit, xc_norm_company(unit) as norm from needing_procurement) as v
    join (select distinct unit_norm from procurement_named) as p on xc_company_norm_match(v.norm, p.unit_norm)
),
counterparty_vendor as (
    select c.counterparty_norm, p.vendor_norm
    from (select distinct counterparty_norm from needing_procurement where counterparty_norm is not null) as c
    join (select distinct vendor_norm from procurement_named) as p on xc_company_norm_match(c.counterparty_norm, p.vendor_norm)
),
vendor_map as (
    select n.voucher_key, cv.vendor_norm
    from needing_procurement as n
    join counterparty_vendor as cv using (counterparty_norm)
    union all
    -- no counterparty on the voucher: the supplier's name in the summary
    select n.voucher_key, p.vendor_norm
    from (select * from needing_procurement where counterparty_norm is null) as n
    join (select distinct vendor_norm from procurement_named) as p
      on length(p.vendor_norm) >= 4 and contains(n.summary_text, p.vendor_norm)
),
-- every procurement record of the voucher's unit and supplier, whether or not its amount and date cover it
same_supplier as materialized (
    select
        n.voucher_key,
        p.amount >= n.required_amount
            and (p.contract_date is null or abs(datediff('day', p.contract_date, n.voucher_date)) <= $window_days)
            as covers,
        p.* exclude (unit_norm, vendor_norm)
    from needing_procurement as n
    join unit_map as um on um.unit = n.unit
    join vendor_map as vm on vm.voucher_key = n.voucher_key
    join procurement_named as p on p.unit_norm = um.unit_norm and p.vendor_norm = vm.vendor_norm
),
uncovered as materialized (
    select * from needing_procurement
    where voucher_key not in (select voucher_key from same_supplier where covers)
),
-- records of the same supplier that do not cover the voucher: shown so the analyst sees why they did not count
near_misses as (
    select
        voucher_key,
        count(*) as records,
        string_agg(format('合同金额{}元、签订日期{}', xc_fmt_money(amount), coalesce(strftime(contract_date, '%Y-%m-%d'), '不详')),
                   '；' order by contract_date, amount) as record_list,
        list(xc_evidence('procurement', _source_file, _source_row,
                         {'unit': unit, 'project_name': project_name, 'category': category, 'vendor': vendor,
                          'amount': amount, 'contract_date': contract_date, 'method': method, 'contract_no': contract_no})
             order by _source_file, _source_row) as items
    from same_supplier
    where voucher_key in (select voucher_key from uncovered)
    group by voucher_key
),
-- evidence: every line of the voucher, read from the voucher table itself (cheaper than keeping all lines),
-- then the near-miss procurement records
voucher_lines as (
    select
        xc_fin_voucher_key(v.unit, v.voucher_date, v.voucher_no) as voucher_key,
        list(xc_fin_evidence_item(v) order by v._source_file, v._source_row) as items
    from voucher as v
    where xc_fin_voucher_key(v.unit, v.voucher_date, v.voucher_no) in (select voucher_key from uncovered)
    group by 1
),
evidence as (
    select vl.voucher_key, to_json(list_concat(vl.items, coalesce(nm.items, []))) as evidence
    from voucher_lines as vl
    left join near_misses as nm using (voucher_key)
),
findings as (
    select
        u.voucher_key as subject_key,
        coalesce(u.counterparty, u.summary) as subject_name,
        u.unit,
        u.expense_amount as amount,
        u.voucher_date as period_start,
        u.voucher_date as period_end,
        format('{}{}第{}号凭证（摘要：{}）列支费用{}元，其中{}，往来单位：{}，结算方式：{}；未找到该单位与该供应商在凭证日期前后{}天内、金额不低于{}元的政府采购记录{}。',
            u.unit, strftime(u.voucher_date, '%Y-%m-%d'), u.voucher_no, coalesce(u.summary, '无'),
            xc_fmt_money(u.expense_amount),
            concat_ws('；',
                case when u.gs_hit then format('货物服务类支出{}元，达到{}元的采购限额标准',
                    xc_fmt_money(u.goods_services_amount), xc_fmt_money($goods_services_threshold)) end,
                case when u.works_hit then format('工程类支出{}元，达到{}元的采购限额标准',
                    xc_fmt_money(u.works_amount), xc_fmt_money($works_threshold)) end,
                case when u.catalog_hit then format('集中采购目录品目“{}”支出{}元，达到{}元',
                    u.catalog_item, xc_fmt_money(u.item_amount), xc_fmt_money($catalog_threshold)) end),
            coalesce(u.counterparty, '未记载'), coalesce(u.settlement, '未记载'), $window_days,
            xc_fmt_money(u.required_amount),
            coalesce(format('（该供应商另有{}条采购记录：{}，金额或日期不足以覆盖）', nm.records, nm.record_list), ''))
            as description,
        e.evidence
    from uncovered as u
    join evidence as e using (voucher_key)
    left join near_misses as nm using (voucher_key)
)
select * from findings
