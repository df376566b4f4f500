-- title: 线索数量（按风险等级）
-- requires: leads
select
    case severity when 'high' then '高' when 'medium' then '中' when 'low' then '低' else coalesce(severity, '未定') end as severity_zh,
    case severity when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end as severity_order,
    count(*) as leads
from leads
group by all
order by severity_order
