-- Voucher model of SPEC §4.3 as DuckDB macros, shared by the finance rules (sql/rules/finance/) and the voucher
-- analytics (sql/analytics/finance_*.sql). Loaded by installMacros in file-name order, i.e. BEFORE normalize.sql:
-- DuckDB binds a macro's function references when the macro is created, so this file uses only built-ins and
-- macros defined above their first use in this same file. Every statement is CREATE OR REPLACE.
--
-- The table macros take the table name as their first argument (`xc_fin_lines('voucher', …)`) and read it with
-- query_table(): a table macro that names a table directly is bound at creation, and the voucher table does not
-- exist when macros are installed (or at all, in runs without vouchers).
--
-- Public macros
--   xc_norm_company(s)                 company name for matching: half-width, no spaces/brackets/legal-form suffix
--   xc_company_match(a, b)             same company after normalization: equal, or one contains the other (≥ 4 chars)
--   xc_fin_text(s)                     text for keyword matching: half-width, no whitespace, lower case
--   xc_fin_kw_alts(kw)                 a keyword's spellings: '维修(护)费' → ['维修费', '维护费', '维修(护)费']
--   xc_fin_has_any(text, kws)          text (already xc_fin_text) contains a spelling of any keyword in kws
--   xc_fin_first_kw(text, kws)         the first keyword of kws (in list order) that text contains, else NULL
--   xc_fin_code_in(code, prefixes)     account code starts with one of the prefixes
--   xc_fin_lines(tbl, expense_prefixes, budget_prefixes, cash_prefixes, bank_prefixes)   one row per voucher line
--   xc_fin_vouchers(tbl, expense_prefixes, budget_prefixes, cash_prefixes, bank_prefixes) one row per voucher
--   xc_fin_evidence_item(l)            evidence element {table, source_file, source_row, fields} of a line row (via xc_evidence)
--   xc_fin_money(x)                    '12,345.60' for descriptions

-- full-width ASCII forms U+FF01-U+FF5E and the ideographic space U+3000 -> ASCII (copy of xc_halfwidth, which is
-- defined in normalize.sql and so not yet available here)
create or replace macro xc__fin_halfwidth(s) as translate(s,
  '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　',
  '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ');

-- text for keyword matching; NULL stays NULL
create or replace macro xc_fin_text(s) as
  lower(regexp_replace(xc__fin_halfwidth(s), '[\s\p{Z}\p{Cc}\p{Cf}]+', '', 'g'));

-- Company names: the same supplier is written '滨海县顺达商贸有限公司', '滨海县顺达商贸（有限公司）',
-- '滨海县 顺达商贸有限责任公司' or '顺达商贸(个体工商户)' in different systems. Normalization removes the legal form
-- and the sole-proprietor/partnership marks, every bracket character (their content stays: '(滨海)' is part
-- of the name) and whitespace, after folding full-width forms.
create or replace macro xc_norm_company(s) as nullif(
  regexp_replace(
    regexp_replace(
      xc_fin_text(s),
      '[(\[【〔<《]?(个体工商户|个体户|普通合伙|有限合伙|特殊普通合伙)[)\]】〕>》]?', '', 'g'),
    '(股份有限公司|有限责任公司|集团有限公司|有限公司|股份公司|有限合伙|[()\[\]【】〔〕<>《》「」"''])', '', 'g'),
  '');

-- Fuzzy only where it is safe: one normalized name contains the other and the shorter has ≥ 4 characters
-- ('顺达商贸' ⊂ '滨海县顺达商贸'). No edit-distance/Jaro-Winkler: two different Chinese firms usually differ in
-- just the one or two characters of their 字号 ('滨海县顺达商贸服务' vs '滨海县顺发商贸服务', Jaro-Winkler 0.93;
-- longer names with one different character pass 0.95), so similarity would merge distinct suppliers and hide leads.
create or replace macro xc_company_match(a, b) as coalesce(
  xc_norm_company(a) = xc_norm_company(b)
  or (least(length(xc_norm_company(a)), length(xc_norm_company(b))) >= 4
      and (contains(xc_norm_company(a), xc_norm_company(b)) or contains(xc_norm_company(b), xc_norm_company(a)))),
  false);

-- Keyword spellings. 政府支出经济分类 names such as '维修(护)费' mean '维修费' or '维护费': the bracketed text
-- replaces the character before it. A keyword without brackets is its own only spelling.
create or replace macro xc_fin_kw_alts(kw) as
  case
    when regexp_full_match(xc_fin_text(kw), '(.+)\((.+)\)(.*)') then [
      regexp_extract(xc_fin_text(kw), '(.+)\((.+)\)(.*)', 1) || regexp_extract(xc_fin_text(kw), '(.+)\((.+)\)(.*)', 3),
      left(regexp_extract(xc_fin_text(kw), '(.+)\((.+)\)(.*)', 1), length(regexp_extract(xc_fin_text(kw), '(.+)\((.+)\)(.*)', 1)) - 1)
        || regexp_extract(xc_fin_text(kw), '(.+)\((.+)\)(.*)', 2) || regexp_extract(xc_fin_text(kw), '(.+)\((.+)\)(.*)', 3),
      xc_fin_text(kw)]
    else [xc_fin_text(kw)]
  end;

-- all spellings of a keyword list as one RE2 alternation ('' for an empty list; callers check len(kws) first)
create or replace macro xc__fin_kw_regex(kws) as
  array_to_string(list_transform(flatten(list_transform(kws, k -> xc_fin_kw_alts(k))), a -> regexp_escape(a)), '|');

-- text must already be xc_fin_text; false for NULL text or an empty list
create or replace macro xc_fin_has_any(text, kws) as
  coalesce(len(kws) > 0 and regexp_matches(text, xc__fin_kw_regex(kws)), false);

-- first keyword of the list (list order = priority) that text (already xc_fin_text) contains
create or replace macro xc_fin_first_kw(text, kws) as
  case when text is not null and len(kws) > 0 and regexp_matches(text, xc__fin_kw_regex(kws))
    then list_filter(kws, k -> len(list_filter(xc_fin_kw_alts(k), a -> contains(text, a))) > 0)[1] end;

create or replace macro xc_fin_code_in(code, prefixes) as
  coalesce(len(list_filter(prefixes, p -> starts_with(code, p))) > 0, false);

create or replace macro xc_fin_money(x) as format('{:,.2f}', cast(x as double));

-- One row per voucher line of table `tbl` (a canonical voucher table), with the voucher it belongs to and the
-- line's role:
--   voucher_key        unit|YYYY-MM|voucher_no — most systems restart numbering each month, so the key holds
--                      the accounting month (the voucher date's year-month)
--   is_expense_line    a debit on an expense account: code starting with one of expense_prefixes (政府会计 5xxx
--                      费用 and 7xxx 预算支出; 企业/旧制度 5xxx, 6xxx) and not a revenue account (name with 收入/收益:
--                      6001 财政拨款预算收入 or 6001 主营业务收入 are only debited when closing the books); with no
--                      code, an account name with 费/支出/成本 that is not a receivable/payable/revenue
--   is_expense         the expense line counts: 政府会计 records one payment twice (5xxx 财务会计 + 7xxx 预算会计),
--                      so budget_prefixes lines count only in a voucher without any other expense line
--   expense_amount     debit of a counted expense line, else 0
--   pay_method         on credit lines that pay: 'cash' (cash_prefixes account 1001 库存现金; or settlement text
--                      现金), 'card' (settlement text 公务卡), 'bank' (bank_prefixes 1002 银行存款 / 1011 零余额账户
--                      用款额度, or settlement 转账/银行/支票/汇款/授权支付/直接支付…), 'other' (another asset account);
--                      NULL for credits that are not payments (payables, revenue, budget-side 8001 资金结存,
--                      expense refunds). The line's own settlement text wins over the voucher's.
--   v_*                voucher-level context repeated on each line: date, summary (first expense line's), counterparty
--                      (first non-empty one, expense lines first, then paying lines), settlement, whether all
--                      debits are cash/bank (a transfer between cash and bank, not a payment)
create or replace macro xc_fin_lines(tbl,
    expense_prefixes := ['5', '6', '7'],
    budget_prefixes := ['7'],
    cash_prefixes := ['1001'],
    bank_prefixes := ['1002', '1011']) as table
with
src as (
    select
        v.*,
        concat_ws('|', v.unit, strftime(v.voucher_date, '%Y-%m'), v.voucher_no) as voucher_key,
        strftime(v.voucher_date, '%Y-%m') as acct_month,
        year(v.voucher_date) as fiscal_year,
        cast(coalesce(v.debit, 0) as decimal(18, 2)) as dr,
        cast(coalesce(v.credit, 0) as decimal(18, 2)) as cr,
        nullif(trim(v.account_code), '') as code,
        xc_fin_text(v.account_name) as account_text,
        xc_fin_text(v.summary) as summary_text,
        nullif(xc_fin_text(v.settlement), '') as settlement_text,
        nullif(trim(v.counterparty), '') as counterparty_clean
    from query_table(tbl) as v
),
typed as (
    select
        *,
        case when code is not null
            then xc_fin_code_in(code, expense_prefixes) and not coalesce(regexp_matches(account_text, '收入|收益'), false)
            else coalesce(regexp_matches(account_text, '费|支出|成本')
                 and not regexp_matches(account_text, '收入|收益|应付|应收|预付|预收|暂存|暂付|结转|结余'), false)
        end as is_expense_account,
        case when code is not null then xc_fin_code_in(code, budget_prefixes)
            else coalesce(regexp_matches(account_text, '支出') and not regexp_matches(account_text, '费用'), false)
        end as is_budget_account,
        case when code is not null then xc_fin_code_in(code, cash_prefixes)
            else coalesce(account_text in ('库存现金', '现金'), false)
        end as is_cash_account,
        case when code is not null then xc_fin_code_in(code, bank_prefixes)
            else coalesce(regexp_matches(account_text, '银行存款|零余额'), false)
        end as is_bank_account
    from src
),
flagged as (
    select *, is_expense_account and dr <> 0 as is_expense_line
    from typed
),
voucher_ctx as (
    select
        voucher_key,
        bool_or(is_expense_line and not is_budget_account) as v_has_financial_expense,
        min(voucher_date) as v_date,
        arg_min(summary, (case when is_expense_line then 0 else 1 end) * 1e9 + coalesce(_source_row, 0))
            filter (where nullif(trim(summary), '') is not null) as v_summary,
        arg_min(counterparty_clean,
                (case when is_expense_line then 0 when cr <> 0 then 1 else 2 end) * 1e9 + coalesce(_source_row, 0))
            filter (where counterparty_clean is not null) as v_counterparty,
        arg_min(settlement_text, coalesce(_source_row, 0)) filter (where settlement_text is not null) as v_settlement_text,
        arg_min(trim(settlement), coalesce(_source_row, 0)) filter (where settlement_text is not null) as v_settlement,
        coalesce(bool_and(is_cash_account or is_bank_account) filter (where dr <> 0), false) as v_money_transfer
    from flagged
    group by voucher_key
),
lines as (
    select
        f.*,
        c.* exclude (voucher_key, v_settlement_text),
        xc_norm_company(c.v_counterparty) as v_counterparty_norm,
        f.is_expense_line and (not f.is_budget_account or not c.v_has_financial_expense) as is_expense,
        case
            when f.cr = 0 then null
            when f.is_cash_account then 'cash'
            when f.is_expense_account or f.is_budget_account then null
            when f.code is not null and not (f.is_bank_account or starts_with(f.code, '1')) then null
            when regexp_matches(coalesce(f.settlement_text, c.v_settlement_text, ''), '公务卡') then 'card'
            when regexp_matches(coalesce(f.settlement_text, c.v_settlement_text, ''), '现金') then 'cash'
            when f.is_bank_account
                or regexp_matches(coalesce(f.settlement_text, c.v_settlement_text, ''),
                                  '转账|银行|网银|支票|汇款|电汇|汇兑|授权支付|直接支付|托收') then 'bank'
            else 'other'
        end as pay_method
    from flagged as f
    join voucher_ctx as c using (voucher_key)
)
select
    * exclude (is_expense_account, v_has_financial_expense),
    case when is_expense then dr else cast(0 as decimal(18, 2)) end as expense_amount,
    case when pay_method is not null then cr else cast(0 as decimal(18, 2)) end as pay_amount
from lines;

-- One row per voucher: totals by role (expense counted once; paid by cash/bank/card/other) and context.
create or replace macro xc_fin_vouchers(tbl,
    expense_prefixes := ['5', '6', '7'],
    budget_prefixes := ['7'],
    cash_prefixes := ['1001'],
    bank_prefixes := ['1002', '1011']) as table
select
    voucher_key,
    any_value(unit) as unit,
    any_value(acct_month) as acct_month,
    any_value(voucher_no) as voucher_no,
    any_value(fiscal_year) as fiscal_year,
    any_value(v_date) as voucher_date,
    any_value(v_summary) as summary,
    any_value(v_counterparty) as counterparty,
    any_value(v_counterparty_norm) as counterparty_norm,
    any_value(v_settlement) as settlement,
    any_value(v_money_transfer) as money_transfer,
    sum(expense_amount) as expense_amount,
    coalesce(sum(pay_amount) filter (where pay_method = 'cash'), 0) as cash_amount,
    coalesce(sum(pay_amount) filter (where pay_method = 'bank'), 0) as bank_amount,
    coalesce(sum(pay_amount) filter (where pay_method = 'card'), 0) as card_amount,
    coalesce(sum(pay_amount) filter (where pay_method = 'other'), 0) as other_pay_amount,
    list_sort(list(distinct upper(xc_fin_text(invoice_no))) filter (where nullif(xc_fin_text(invoice_no), '') is not null))
        as invoice_nos,
    string_agg(distinct trim(fund_source), '、' order by trim(fund_source))
        filter (where nullif(trim(fund_source), '') is not null) as fund_sources,
    count(*) as line_count
from xc_fin_lines(tbl, expense_prefixes := expense_prefixes, budget_prefixes := budget_prefixes,
                  cash_prefixes := cash_prefixes, bank_prefixes := bank_prefixes)
group by voucher_key;

-- evidence element of one line row l (a row of xc_fin_lines or of a voucher table, referenced as a struct);
-- xc_evidence is defined in evidence.sql, which installMacros loads before this file
create or replace macro xc_fin_evidence_item(l) as xc_evidence('voucher', l._source_file, l._source_row, {
    'unit': l.unit,
    'voucher_date': l.voucher_date,
    'voucher_no': l.voucher_no,
    'line_no': l.line_no,
    'summary': l.summary,
    'account_code': l.account_code,
    'account_name': l.account_name,
    'debit': l.debit,
    'credit': l.credit,
    'counterparty': l.counterparty,
    'settlement': l.settlement,
    'fund_source': l.fund_source,
    'invoice_no': l.invoice_no
});
