-- Counted expense per unit and accounting month (the voucher date's year-month).
create or replace table analytics_expense_month as
select unit, acct_month as month, cast(sum(expense_amount) as decimal(18, 2)) as amount
from _x_fin_expense
group by unit, acct_month
order by unit, month;
