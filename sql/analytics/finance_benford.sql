-- Benford first-digit test per unit (SPEC §2.4): first significant digit of every counted expense line of at least
-- 10 yuan (smaller amounts have too few digits to follow the law; Nigrini's convention). Every digit 1-9 has a row,
-- also when no amount starts with it. observed = share of the unit's amounts; expected = log10(1 + 1/d).
create or replace table analytics_benford as
with
amounts as (
    select unit, cast(left(cast(cast(floor(expense_amount) as bigint) as varchar), 1) as integer) as digit
    from _x_fin_expense
    where expense_amount >= 10
),
units as (
    select unit, count(*) as total from amounts group by unit
),
counts as (
    select unit, digit, count(*) as n from amounts group by unit, digit
)
select
    u.unit,
    cast(d.digit as integer) as digit,
    coalesce(c.n, 0) as n,
    coalesce(c.n, 0) / u.total as observed,
    log10(1 + 1 / d.digit) as expected
from units as u
cross join (select unnest(range(1, 10)) as digit) as d
left join counts as c on c.unit = u.unit and c.digit = d.digit
order by u.unit, d.digit;
