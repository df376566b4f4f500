-- Mean absolute deviation of the first-digit proportions from Benford's (Nigrini 2012, first-digit test) and
-- Nigrini's conformity ranges: ≤ 0.006 close conformity (高度符合), ≤ 0.012 acceptable (基本符合),
-- ≤ 0.015 marginally acceptable (勉强符合), above: nonconformity (不符合).
create or replace table analytics_benford_mad as
select
    unit,
    cast(sum(n) as bigint) as n,
    avg(abs(observed - expected)) as mad,
    case
        when avg(abs(observed - expected)) <= 0.006 then '高度符合'
        when avg(abs(observed - expected)) <= 0.012 then '基本符合'
        when avg(abs(observed - expected)) <= 0.015 then '勉强符合'
        else '不符合'
    end as conformity
from analytics_benford
group by unit
order by unit;
