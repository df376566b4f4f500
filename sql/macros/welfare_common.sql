-- Helpers shared by the 民生 rules (sql/rules/relationship_benefit, sql/rules/phantom_claim).
-- Scalar macros only: a DuckDB macro that reads a table must be created after the table exists, and macros are
-- installed before ingest creates the canonical tables.

-- Open interval ends: a missing start means "since ever", a missing end "still ongoing".
create or replace macro xc_far_past() as date '1900-01-01';
create or replace macro xc_far_future() as date '9999-12-31';

-- Blank text as NULL (canonical text columns are trimmed, but an empty cell may still arrive as '').
create or replace macro xc_blank_null(s) as nullif(trim(cast(s as varchar)), '');

-- SPEC §3: a vehicle or business status of 注销, 报废, 吊销 (and compounds: 已注销, 强制注销, 吊销未注销 …) means the
-- asset ended.
create or replace macro xc_asset_ended(status) as coalesce(regexp_matches(status, '注销|报废|吊销'), false);

-- Last day an asset was held: its deregister date; NULL (never held in any dibao period) when the status says it
-- ended but no date is given; otherwise open-ended.
create or replace macro xc_asset_until(status, deregister_date) as
    case when deregister_date is not null then deregister_date
         when xc_asset_ended(status) then null
         else xc_far_future() end;

-- Money paid from the 低保/特困 roster in the subsidy table: 城乡低保金, 农村低保, 最低生活保障金, 特困人员供养金 …
create or replace macro xc_is_dibao_subsidy(t) as coalesce(regexp_matches(t, '低保|最低生活保障|特困'), false);

-- Full years of age on a date (a birthday counts from that day on; 29 Feb birthdays turn on 1 Mar in common years).
create or replace macro xc_age_on(birth, d) as
    year(d) - year(birth) - case when strftime(d, '%m-%d') < strftime(birth, '%m-%d') then 1 else 0 end;

-- Addresses compared without spaces and full-width blanks.
create or replace macro xc_norm_address(s) as nullif(regexp_replace(coalesce(s, ''), '[\s\x{3000}]+', '', 'g'), '');

-- Surname heuristic: the first character (compound surnames such as 欧阳 compare equal on their first character too).
create or replace macro xc_surname(name) as nullif(left(coalesce(name, ''), 1), '');

-- "（户主）" / "（户主李某某家庭成员）" after a dibao member's name in a description.
create or replace macro xc_head_phrase(member_id, relation, head_id, head_name) as
    case when member_id = head_id or coalesce(relation, '') in ('户主', '本人', '申请人') then '（户主）'
         when head_name is not null and head_name <> '' then '（户主' || head_name || '家庭成员）'
         else '' end;

-- A period for a description: 2021-03-02至今 / 2021-03-02至2023-05-31
create or replace macro xc_fmt_span(s, e) as
    case when s is null or s <= xc_far_past() then '' else strftime(s, '%Y-%m-%d') end
    || '至' || case when e is null or e >= xc_far_future() then '今' else strftime(e, '%Y-%m-%d') end;
