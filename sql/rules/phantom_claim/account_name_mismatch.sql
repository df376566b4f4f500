/*---
id: account_name_mismatch
name: 补贴账户户名与领取人不一致
category: phantom_claim
severity: medium
tables: [subsidy]
optional_tables: [person, dibao]
method: >-
  比较每笔补贴的账户户名与领取人姓名（均为规范化姓名）：不一致、且账户户名不是领取人家庭成员姓名的发放记录，按领取人身份证号汇总为一条线索；
  金额为这些发放记录之和。
why: 补贴打入他人账户，可能被他人冒领、截留，或领取人本身是虚构的。
exclusions:
  - 户名为空的发放记录（无法比较）
  - 户名与领取人同户家庭成员姓名相同的发放记录（如老人补贴打入子女账户）
assumptions:
  - 领取人姓名取补贴表姓名，缺失时取户籍人口表姓名；两者都没有时不比较。
  - 家庭：户籍人口表的户号、补贴表的户号、低保名册的户号（无户号时用户主身份证号，再无时用本人身份证号）都可作为家庭标识；
    户名与领取人任一家庭标识下任一成员的姓名相同即视为家庭成员账户。领取人没有任何家庭信息时，户名不一致即为线索。
  - 姓名按规范化后的文本精确比较（去空格、全角转半角、间隔号统一），不做同音或近似匹配。
---*/
with
person_names as (
    select id_number, any_value(name order by _source_file, _source_row) as name from person group by id_number
),
payments as (
    select s.*, coalesce(s.name, pn.name) as recipient_name
    from subsidy as s
    left join person_names as pn using (id_number)
    where s.id_number is not null
),
membership as (
    -- (household key, member id, member name) from every source that knows households
    select xc_blank_null(household_id) as household_key, id_number, name from person
    union all
    select xc_blank_null(household_id), id_number, name from subsidy
    union all
    select coalesce(xc_blank_null(household_id), head_id_number, id_number), id_number, name from dibao
),
candidates as (
    select * from payments
    where account_name is not null and recipient_name is not null and account_name <> recipient_name
),
recipient_households as (
    select distinct id_number, household_key
    from membership
    where household_key is not null and id_number in (select id_number from candidates)
),
household_names as (
    select distinct household_key, name
    from membership
    where name is not null and household_key in (select household_key from recipient_households)
),
mismatched as (
    select p.*
    from candidates as p
    where not exists (
          select 1
          from recipient_households as rh
          join household_names as hn using (household_key)
          where rh.id_number = p.id_number and hn.name = p.account_name)
),
findings as (
    select
        id_number as subject_key,
        any_value(recipient_name order by _source_file, _source_row) as subject_name,
        any_value(household_id order by _source_file, _source_row) as household_key,
        any_value(town order by _source_file, _source_row) as town,
        any_value(village order by _source_file, _source_row) as village,
        sum(amount) as amount,
        min(pay_date) as period_start,
        max(pay_date) as period_end,
        any_value(recipient_name order by _source_file, _source_row) || '的补贴' || count(*) || '笔（'
            || string_agg(distinct subsidy_type, '、' order by subsidy_type) || '，' || xc_fmt_date(min(pay_date)) || '至'
            || xc_fmt_date(max(pay_date)) || '）发放至户名为“' || string_agg(distinct account_name, '”“' order by account_name)
            || '”的账户' || coalesce('（' || string_agg(distinct bank_account, '、' order by bank_account) || '）', '')
            || '，共' || xc_fmt_money(sum(amount)) || '元；户名与领取人姓名不一致，且未查到账户户名为其家庭成员。' as description,
        list(xc_evidence('subsidy', _source_file, _source_row,
                         {'id_number': id_number, 'name': name, 'subsidy_type': subsidy_type, 'amount': amount,
                          'pay_date': pay_date, 'bank_account': bank_account, 'account_name': account_name})
             order by _source_file, _source_row) as evidence
    from mismatched
    group by id_number
)
select * from findings
