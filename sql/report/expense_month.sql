-- title: 各单位支出金额（按月，元）
-- requires: analytics_expense_month
select unit, month, amount::double as amount
from analytics_expense_month
order by unit, month
