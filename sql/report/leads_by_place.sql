-- title: 线索数量最多的村（社区）（前20）
-- requires: leads
-- Finance leads have a unit instead of a village; they are counted under their unit so no lead disappears.
select
    case
        when coalesce(village, '') <> '' then concat_ws(' · ', nullif(town, ''), village)
        when coalesce(town, '') <> '' then town
        when coalesce(unit, '') <> '' then unit
        else '（未注明）'
    end as place,
    case when coalesce(village, '') <> '' or coalesce(town, '') <> '' then '乡镇/村' else '单位' end as place_kind,
    count(*) as leads
from leads
group by all
order by leads desc, place
limit 20
