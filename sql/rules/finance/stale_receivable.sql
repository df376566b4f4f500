/*---
id: stale_receivable
name: 往来款项长期挂账
category: finance
severity: medium
tables: [voucher]
params:
  accounts:
    type: string_list
    default: ['1218', '1214', '2307', '1221', '1123', '2241']
    description: 往来科目编码前缀（政府会计1218其他应收款、1214预付账款、2307其他应付款；企业1221其他应收款、1123预付账款、2241其他应付款）
  min_amount: { type: number, default: 10000, min: 0, description: 期末余额不低于（≥）该金额（元） }
  max_days: { type: integer, default: 730, min: 0, description: 最早未清部分的挂账天数超过（>）该值 }
method: >-
  按单位、往来科目（accounts 中匹配的前缀）和往来单位（名称规范化后）汇总往来科目的发生额：截至该单位最后一张凭证的日期，余额不低于 min_amount，
  且按先进先出冲销后最早的未清部分已挂账超过 max_days 天的，按“单位|科目前缀|往来单位”报出，金额为余额。
why: 其他应收款、预付账款长期挂账可能是出借资金、违规借款、虚列支出或资金被占用；其他应付款长期挂账可能隐匿收入、设立“小金库”或截留应缴款项。
exclusions:
  - 已经结清（余额低于 min_amount）的往来款，无论挂账多久
  - 按先进先出，旧的发生额已被后来的冲销抵清、只剩较新部分未清的往来款
  - 没有记载往来单位的往来分录（分录本身和同一凭证的其他分录都没有往来单位）
assumptions:
  - 余额方向：1 开头（资产类）科目为借方减贷方，2 开头（负债类）科目为贷方减借方；同一分录匹配多个前缀时取最长的前缀。
  - 先进先出：全部减少额依日期先后冲销最早的增加额，最早的未清部分是累计增加额首次超过全部减少额的那笔增加；挂账天数为截至日期减其凭证日期。
  - 截至日期为该单位全部凭证中最晚的凭证日期。导出数据中期初余额若以“期初余额”凭证记在年初，其真实形成日期更早，挂账天数只会被低估。
  - 科目只按科目编码（或科目名称开头的编码）匹配；往来单位取分录上的往来单位，分录没有时取同一凭证第一条记有往来单位的分录的。
  - 线索键中的往来单位取该组最早一条分录上的写法；证据为该组全部往来分录。
---*/
with
lines as (
    select
        v.*,
        xc_fin_voucher_key(v.unit, v.voucher_date, v.voucher_no) as voucher_key,
        coalesce(nullif(trim(v.account_code), ''), nullif(regexp_extract(v.account_name, '^\s*([0-9]+)', 1), '')) as code
    from voucher as v
    where v.unit is not null and v.voucher_date is not null
),
matched as (
    select l.*, p.prefix
    from lines as l
    join (select unnest($accounts) as prefix) as p on starts_with(l.code, p.prefix)
    qualify row_number() over (partition by l._source_file, l._source_row order by length(p.prefix) desc, p.prefix) = 1
),
voucher_counterparty as (
    select voucher_key, arg_min(nullif(trim(counterparty), ''), _source_row) as counterparty
    from lines
    where voucher_key in (select voucher_key from matched) and nullif(trim(counterparty), '') is not null
    group by voucher_key
),
entries as (
    select
        m.*,
        coalesce(nullif(trim(m.counterparty), ''), c.counterparty) as party,
        xc_norm_company(coalesce(nullif(trim(m.counterparty), ''), c.counterparty)) as party_norm,
        case when starts_with(m.prefix, '1') then coalesce(m.debit, 0) - coalesce(m.credit, 0)
             else coalesce(m.credit, 0) - coalesce(m.debit, 0) end as delta
    from matched as m
    left join voucher_counterparty as c using (voucher_key)
),
as_of as (
    select unit, max(voucher_date) as as_of from lines group by unit
),
balances as (
    select
        unit, prefix, party_norm,
        sum(delta) as balance,
        coalesce(sum(-delta) filter (where delta < 0), 0) as decreases,
        arg_min(party, (voucher_date, _source_file, _source_row)) as party,
        arg_min(account_name, (voucher_date, _source_file, _source_row)) as account_name
    from entries
    where party_norm is not null
    group by unit, prefix, party_norm
    having sum(delta) >= $min_amount
),
-- first in, first out: the decreases settle the oldest increases; the oldest open part is the first increase whose
-- running total of increases exceeds all decreases
oldest as (
    select i.unit, i.prefix, i.party_norm, min(i.voucher_date) as oldest_date
    from (
        select e.*, sum(e.delta) over (partition by e.unit, e.prefix, e.party_norm
                                       order by e.voucher_date, e._source_file, e._source_row
                                       rows between unbounded preceding and current row) as running
        from entries as e
        where e.delta > 0 and e.party_norm is not null
    ) as i
    join balances as b using (unit, prefix, party_norm)
    where i.running > b.decreases
    group by i.unit, i.prefix, i.party_norm
),
stale as (
    select b.*, o.oldest_date, a.as_of, a.as_of - o.oldest_date as days
    from balances as b
    join oldest as o using (unit, prefix, party_norm)
    join as_of as a using (unit)
    where a.as_of - o.oldest_date > $max_days
),
evidence as (
    select e.unit, e.prefix, e.party_norm,
           list(xc_fin_evidence_item(e) order by e.voucher_date, e._source_file, e._source_row) as evidence
    from entries as e
    join stale as s using (unit, prefix, party_norm)
    group by e.unit, e.prefix, e.party_norm
),
findings as (
    select
        s.unit || '|' || s.prefix || '|' || s.party as subject_key,
        s.party as subject_name,
        s.unit,
        s.balance as amount,
        s.oldest_date as period_start,
        s.as_of as period_end,
        format('{}{}（{}）挂{}余额{}元，按先进先出最早的未清部分形成于{}，至{}（该单位最后一张凭证的日期）已挂账{}天。',
               s.unit, coalesce(regexp_replace(s.account_name, '^\s*[0-9]+\s*', ''), '往来科目'), s.prefix, s.party,
               xc_fmt_money(s.balance), xc_fmt_date(s.oldest_date), xc_fmt_date(s.as_of), s.days) as description,
        e.evidence
    from stale as s
    join evidence as e using (unit, prefix, party_norm)
)
select * from findings
