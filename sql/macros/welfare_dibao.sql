-- The 低保 roster and the 低保 money of a household, shared by every dibao_* rule (sql/rules/relationship_benefit).
-- Table macros take the tables (or the calling query's CTE names) as arguments: DuckDB binds a table macro when it
-- is created, before the canonical tables exist, while query_table() resolves its name at call time.

-- the dibao roster, one row per member and period, open ends made explicit
create or replace macro xc_dibao_members(dibao_tbl) as table
    select
        id_number, name, town, village, address, relation, head_id_number, head_name, monthly_amount,
        coalesce(xc_blank_null(household_id), head_id_number, id_number) as household_key,
        coalesce(start_date, xc_far_past()) as dibao_start,
        coalesce(end_date, xc_far_future()) as dibao_end,
        start_date, end_date, household_id, _source_file, _source_row
    from query_table(dibao_tbl)
    where id_number is not null;

-- the roster name of each household head
create or replace macro xc_dibao_heads(members_tbl) as table
    select id_number as head_id_number, any_value(name order by _source_file, _source_row) as head_roster_name
    from query_table(members_tbl) group by id_number;

-- open periods are counted up to the latest date in the data when money has to be estimated
create or replace macro xc_dibao_as_of(subsidy_tbl, dibao_tbl) as table
    select coalesce(greatest((select max(pay_date) from query_table(subsidy_tbl)),
                             (select max(greatest(start_date, end_date)) from query_table(dibao_tbl))), current_date) as d;

-- Dibao money paid to the household while the rule's condition held. hits_tbl: one row per finding window
-- (subject_key, household_key, win_start, win_end). The amount is the household's 低保-type subsidy payments
-- dated inside any of the subject's windows; when the subsidy table has no 低保 payment for the household at all,
-- it is estimated as the members' monthly_amount × the calendar months the windows cover.
-- Returns subject_key, from_payments, paid_amount, estimated_amount, evidence (the payment rows).
create or replace macro xc_dibao_money(hits_tbl, members_tbl, subsidy_tbl, as_of_tbl) as table
with
windows as (
    select distinct subject_key, household_key, win_start, win_end from query_table(hits_tbl)
),
household_pay as (
    select distinct m.household_key, s._source_file, s._source_row, s.pay_date, s.amount, s.subsidy_type,
           s.id_number, s.name, s.period
    from query_table(subsidy_tbl) as s
    join query_table(members_tbl) as m using (id_number)
    where xc_is_dibao_subsidy(s.subsidy_type)
),
paid_rows as (
    select distinct w.subject_key, p._source_file, p._source_row, p.pay_date, p.amount, p.subsidy_type,
           p.id_number, p.name, p.period
    from windows as w
    join household_pay as p on p.household_key = w.household_key and p.pay_date between w.win_start and w.win_end
),
paid as (
    select
        subject_key,
        sum(amount) as amount,
        list(xc_evidence('subsidy', _source_file, _source_row,
                         {'id_number': id_number, 'name': name, 'subsidy_type': subsidy_type, 'amount': amount,
                          'pay_date': pay_date, 'period': period})
             order by _source_file, _source_row) as evidence
    from paid_rows
    group by subject_key
),
member_months as (
    select
        w.subject_key, m._source_file, m._source_row, m.monthly_amount,
        unnest(generate_series(
            cast(date_trunc('month', greatest(w.win_start, m.dibao_start)) as timestamp),
            cast(date_trunc('month', least(w.win_end, m.dibao_end, (select d from query_table(as_of_tbl)))) as timestamp),
            interval 1 month)) as month
    from windows as w
    join query_table(members_tbl) as m using (household_key)
    where w.household_key not in (select household_key from household_pay)
),
estimated as (
    select subject_key, sum(monthly_amount) as amount
    from (select distinct subject_key, _source_file, _source_row, monthly_amount, month from member_months)
    group by subject_key
),
money as (
    select
        w.subject_key,
        bool_or(w.household_key in (select household_key from household_pay)) as from_payments,
        any_value(p.amount) as paid_amount,
        any_value(e.amount) as estimated_amount,
        any_value(p.evidence) as evidence
    from windows as w
    left join paid as p using (subject_key)
    left join estimated as e using (subject_key)
    group by w.subject_key
)
select * from money;

-- One row per subject of a dibao_* rule: the roster facts of the member (name, household, place, the phrase naming
-- the household head) and the roster rows as evidence. hits_tbl: the rule's hits with subject_key, m_file, m_row
-- (the roster row behind each hit).
create or replace macro xc_dibao_subjects(hits_tbl, members_tbl, heads_tbl) as table
    select
        r.subject_key,
        any_value(r.name order by r._source_file, r._source_row) as name,
        any_value(r.household_key order by r._source_file, r._source_row) as household_key,
        any_value(r.town order by r._source_file, r._source_row) as town,
        any_value(r.village order by r._source_file, r._source_row) as village,
        any_value(xc_head_phrase(r.id_number, r.relation, r.head_id_number, coalesce(r.head_name, hd.head_roster_name))
                  order by r._source_file, r._source_row) as head_phrase,
        list(xc_evidence('dibao', r._source_file, r._source_row,
                         {'id_number': r.id_number, 'name': r.name, 'household_id': r.household_id,
                          'head_id_number': r.head_id_number, 'start_date': r.start_date, 'end_date': r.end_date,
                          'monthly_amount': r.monthly_amount})
             order by r._source_file, r._source_row) as evidence
    from (
        select distinct h.subject_key, m.*
        from query_table(hits_tbl) as h
        join query_table(members_tbl) as m on m._source_file = h.m_file and m._source_row = h.m_row
    ) as r
    left join query_table(heads_tbl) as hd using (head_id_number)
    group by r.subject_key;

-- The lead period of a dibao_* subject: from the earliest to the latest end of its finding windows (hits_tbl:
-- subject_key, win_start, win_end); an open end (xc_far_past / xc_far_future) becomes NULL.
create or replace macro xc_dibao_spans(hits_tbl) as table
    select
        subject_key,
        case when min(win_start) > xc_far_past() then min(win_start) end as period_start,
        case when max(win_end) < xc_far_future() then max(win_end) end as period_end
    from query_table(hits_tbl)
    group by subject_key;

-- one row per dead person (deceased_payment, payroll_deceased): the earliest death date of an id (several 死亡/火化
-- records of one person happen), the name on that record, and every death record as evidence
create or replace macro xc_deaths(death_tbl) as table
    select
        id_number,
        min(death_date) as death_date,
        arg_min(name, death_date) as name,
        list(xc_evidence('death', _source_file, _source_row,
                         {'id_number': id_number, 'name': name, 'death_date': death_date})
             order by _source_file, _source_row) as evidence
    from query_table(death_tbl)
    where id_number is not null and death_date is not null
    group by id_number;
