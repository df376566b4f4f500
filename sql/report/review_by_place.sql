-- title: 核查进度（按乡镇/单位）
-- requires: leads, lead_status
-- People's leads under their town, finance leads under their unit, so no lead disappears.
select
    case
        when coalesce(l.town, '') <> '' then l.town
        when coalesce(l.unit, '') <> '' then l.unit
        else '（未注明）'
    end as place,
    s.status,
    case s.status when '未核查' then 0 when '核查中' then 1 when '属实' then 2 when '部分属实' then 3
                  when '不属实' then 4 when '已整改' then 5 else 6 end as status_order,
    count(*) as leads
from leads as l
join lead_status as s using (lead_id)
group by all
order by place, status_order
