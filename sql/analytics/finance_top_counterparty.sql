-- The 20 counterparties each unit paid most (counted expense), grouped by normalized company name and shown in
-- their most frequent spelling; vouchers = number of distinct vouchers. Lines without a counterparty are left out.
create or replace table analytics_top_counterparty as
with
per_spelling as (
    select unit, v_counterparty_norm as norm, v_counterparty as counterparty, count(distinct voucher_key) as n
    from _x_fin_expense
    where v_counterparty_norm is not null
    group by all
),
spelling as (
    select unit, norm, arg_min(counterparty, (-n, counterparty)) as counterparty
    from per_spelling
    group by unit, norm
),
totals as (
    select unit, v_counterparty_norm as norm, sum(expense_amount) as amount, count(distinct voucher_key) as vouchers
    from _x_fin_expense
    where v_counterparty_norm is not null
    group by unit, v_counterparty_norm
),
ranked as (
    select
        t.unit, s.counterparty, t.amount, t.vouchers,
        row_number() over (partition by t.unit order by t.amount desc, s.counterparty) as rank
    from totals as t
    join spelling as s using (unit, norm)
)
select unit, counterparty, cast(amount as decimal(18, 2)) as amount, vouchers
from ranked
where rank <= 20
order by unit, amount desc, counterparty;
