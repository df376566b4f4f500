/*---
id: invalid_id
name: 补贴对象身份证号无效或查无此人
category: phantom_claim
severity: high
tables: [subsidy]
optional_tables: [person]
method: >-
  补贴发放记录的身份证号未通过校验（18位、校验码、出生日期、行政区划代码），或提供了户籍人口表而其中没有该身份证号的，
  按身份证号（去首尾空格、转大写）汇总为一条线索；金额为发放给该号码的补贴合计。
why: 无效或查无此人的身份证号常见于虚构对象、冒名顶替或录入错误，需要核实领取人是否真实存在。
exclusions:
  - 户籍人口表为空或未提供时，不做“查无此人”比对，只检查号码本身是否有效
assumptions:
  - 身份证号校验在导入时完成（id_valid）；15位旧号码已升为18位后再比对户籍。
  - id_valid 为空（未校验）视为有效。
  - 同一号码的所有发放记录（各补贴项目）合计为一条线索。
---*/
with
person_given as (
    select exists (select 1 from person) as given
),
known as (
    select distinct id_number from person where id_number is not null
),
payments as (
    select
        s.*,
        upper(trim(s.id_number)) as written_id,
        coalesce(not s.id_valid, false) as is_invalid,
        (select given from person_given) and s.id_number not in (select id_number from known) as not_found
    from subsidy as s
    where xc_blank_null(s.id_number) is not null
),
flagged as (
    select * from payments where is_invalid or not_found
),
findings as (
    select
        written_id as subject_key,
        any_value(name order by _source_file, _source_row) as subject_name,
        any_value(household_id order by _source_file, _source_row) as household_key,
        any_value(town order by _source_file, _source_row) as town,
        any_value(village order by _source_file, _source_row) as village,
        sum(amount) as amount,
        min(pay_date) as period_start,
        max(pay_date) as period_end,
        coalesce(any_value(name order by _source_file, _source_row), '补贴对象') || '（身份证号' || written_id || '）'
            || case when bool_or(is_invalid) and bool_or(not_found) then '身份证号校验不通过，且在户籍人口中查无此人'
                    when bool_or(is_invalid) then '身份证号校验不通过'
                    else '在户籍人口中查无此人' end
            || '，领取补贴' || count(*) || '笔（' || string_agg(distinct subsidy_type, '、' order by subsidy_type) || '，'
            || xc_fmt_date(min(pay_date)) || '至' || xc_fmt_date(max(pay_date)) || '），共' || xc_fmt_money(sum(amount)) || '元。'
            as description,
        list(xc_evidence('subsidy', _source_file, _source_row,
                         {'id_number': id_number, 'name': name, 'subsidy_type': subsidy_type, 'amount': amount,
                          'pay_date': pay_date, 'bank_account': bank_account})
             order by _source_file, _source_row) as evidence
    from flagged
    group by written_id
)
select * from findings
