-- title: 凭证金额首位数字分布（本福特定律，按单位）
-- requires: analytics_benford
-- The 12 units with the most voucher lines; the notebooks go deeper for one unit.
select unit, digit, n::bigint as n, observed, expected
from analytics_benford
where digit between 1 and 9
  and unit in (select unit from analytics_benford group by unit order by sum(n) desc, unit limit 12)
order by unit, digit
