-- Voucher analytics, step 0 (run by src/analytics/finance.ts, files in name order): the counted expense lines of
-- every voucher (政府会计 double recording counted once, see xc_fin_lines in sql/macros/finance.sql) with the
-- default account-code prefixes, kept in a temp table that the next files read and finance.ts drops afterwards.
create or replace temp table _x_fin_expense as
select
    unit,
    voucher_key,
    acct_month,
    expense_amount,
    account_text,
    summary_text,
    v_counterparty,
    v_counterparty_norm
from xc_fin_lines('voucher')
where is_expense and expense_amount <> 0;
