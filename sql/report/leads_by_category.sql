-- title: 线索数量（按类别）
-- requires: leads
select
    case category
        when 'relationship_benefit' then '关系保'
        when 'phantom_claim' then '虚报冒领'
        when 'finance' then '财务'
        when 'payroll' then '吃空饷'
        when 'conflict_of_interest' then '利益输送'
        else coalesce(category, '未分类')
    end as category_zh,
    count(*) as leads,
    coalesce(sum(amount), 0)::double as amount
from leads
group by all
order by leads desc
