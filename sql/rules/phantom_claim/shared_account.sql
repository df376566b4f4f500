/*---
id: shared_account
name: 多人补贴发放至同一账户
category: phantom_claim
severity: high
tables: [subsidy]
optional_tables: [person, dibao]
params:
  min_people: { type: integer, default: 3, min: 2, description: 同一账户收取补贴的不同身份证号人数达到该值（含）即为线索 }
method: >-
  按银行账号（仅数字）汇总补贴发放记录：同一账户为至少 min_people 个不同身份证号收取补贴、且这些人不全属于同一家庭的，
  以账号为一条线索；金额为该账户收取的、账户持有人本人以外人员的补贴合计（持有人的家庭成员也算“他人”）。
why: 多人补贴进入同一账户，常见于村干部或经办人控制他人“一卡通”冒领、截留补贴。
exclusions:
  - 同一家庭成员共用一个账户（如老人补贴打入子女或户主账户）
  - 收款人数少于 min_people 的账户
assumptions:
  - 家庭：户籍人口表的户号、补贴表的户号、低保名册的户号（无户号时用户主身份证号）都可作为家庭标识；只有存在一个家庭标识为该账户全部收款人所共有时，才算“同一家庭”。没有家庭信息的收款人视为不同家庭。
  - 账户持有人：规范化姓名与该账户户名相同的收款人（补贴表姓名，缺失时用户籍姓名）；户名为空时没有持有人，金额为账户全部收款。
  - 账号为空的发放记录不参与比对。
---*/
with
account_people as (
    select bank_account, id_number
    from subsidy
    where bank_account is not null and bank_account <> '' and id_number is not null
    group by bank_account, id_number
),
accounts as (
    select bank_account, count(*) as n_people
    from account_people
    group by bank_account
    having count(*) >= $min_people
),
payments as (
    select s.*, coalesce(s.name, pn.name) as recipient_name
    from subsidy as s
    join accounts as a using (bank_account)
    left join (select id_number, any_value(name order by _source_file, _source_row) as name from person group by id_number) as pn
        using (id_number)
    where s.id_number is not null
),
id_household as (
    select distinct id_number, household_key from (
        select id_number, xc_blank_null(household_id) as household_key from person
        union all
        select id_number, xc_blank_null(household_id) from subsidy
        union all
        select id_number, coalesce(xc_blank_null(household_id), head_id_number) from dibao
    )
    where id_number is not null and household_key is not null
),
one_household as (
    -- accounts whose recipients all share some household key
    select a.bank_account
    from accounts as a
    join (select distinct bank_account, id_number from payments) as p using (bank_account)
    join id_household as h using (id_number)
    group by a.bank_account, h.household_key, a.n_people
    having count(distinct p.id_number) = a.n_people
),
flagged as (
    select p.*
    from payments as p
    join accounts as a using (bank_account)
    where p.bank_account not in (select bank_account from one_household)
),
holders as (
    select distinct bank_account, id_number
    from flagged
    where account_name is not null and recipient_name = account_name
),
findings as (
    select
        f.bank_account as subject_key,
        mode(f.account_name order by f.account_name) as subject_name,
        mode(f.town order by f.town) as town,
        mode(f.village order by f.village) as village,
        coalesce(sum(case when h.id_number is null then f.amount end), 0) as amount,
        min(f.pay_date) as period_start,
        max(f.pay_date) as period_end,
        '银行账户' || f.bank_account || coalesce('（户名' || mode(f.account_name order by f.account_name) || '）', '')
            || '收取' || count(distinct f.id_number) || '人的补贴' || count(*) || '笔（'
            || string_agg(distinct coalesce(f.recipient_name, f.id_number), '、' order by coalesce(f.recipient_name, f.id_number)) || '），'
            || xc_fmt_date(min(f.pay_date)) || '至' || xc_fmt_date(max(f.pay_date)) || '，其中账户持有人本人以外人员的补贴'
            || xc_fmt_money(coalesce(sum(case when h.id_number is null then f.amount end), 0)) || '元。' as description,
        list(xc_evidence('subsidy', f._source_file, f._source_row,
                         {'id_number': f.id_number, 'name': f.name, 'subsidy_type': f.subsidy_type, 'amount': f.amount,
                          'pay_date': f.pay_date, 'bank_account': f.bank_account, 'account_name': f.account_name})
             order by f._source_file, f._source_row) as evidence
    from flagged as f
    left join holders as h using (bank_account, id_number)
    group by f.bank_account
)
select * from findings
