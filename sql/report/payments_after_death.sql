-- title: 死亡后仍发放的补贴（按发放月份，元）
-- requires: subsidy, death
-- A payment counts when its pay_date is after the earliest recorded death date of the same ID number
-- (no grace period here: the chart shows the raw pattern; rule deceased_payment applies grace_days).
with died as (
    select id_number, min(death_date) as death_date
    from death
    where id_number is not null and death_date is not null
    group by id_number
)
select
    strftime(s.pay_date, '%Y-%m') as month,
    coalesce(s.subsidy_type, '未注明') as subsidy_type,
    sum(s.amount)::double as amount,
    count(*) as payments,
    count(distinct s.id_number) as people
from subsidy as s
join died as d using (id_number)
where s.pay_date > d.death_date
group by all
order by month, subsidy_type
