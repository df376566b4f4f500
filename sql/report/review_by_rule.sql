-- title: 核查进度（按规则）
-- requires: leads, lead_status
-- Every lead counted once under its current 核查状态 (未核查 when never reviewed); status_order keeps the stack order.
select
    coalesce(l.rule_name, l.rule_id) as rule_name,
    s.status,
    case s.status when '未核查' then 0 when '核查中' then 1 when '属实' then 2 when '部分属实' then 3
                  when '不属实' then 4 when '已整改' then 5 else 6 end as status_order,
    count(*) as leads
from leads as l
join lead_status as s using (lead_id)
group by all
order by rule_name, status_order
