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
--   xc_company_norm_match(na, nb)      the same test on names already normalized with xc_norm_company
--   xc_fin_text(s)                     text for keyword matching: half-width, no whitespace
--   xc_fin_kw_alts(kw)                 a keyword's spellings: '维修(护)费' → ['维修费', '维护费', '维修(护)费']
--   xc_fin_has_any(text, kws)          text (already xc_fin_text) contains a spelling of any keyword in kws
--   xc_fin_match_kw(text, kws)         the keyword of kws that text names (first in the text, longest there)
--   xc_fin_voucher_key(unit, voucher_date, voucher_no)  'unit|YYYY-MM|voucher_no'
--   xc_fin_code_in(code, prefixes)     account code starts with one of the prefixes
--   xc_fin_default_categories()        the report's expense categories (政府支出经济分类 names)
--   xc_fin_lines(tbl, expense_prefixes, budget_prefixes, cash_prefixes, bank_prefixes)   one row per voucher line
--   xc_fin_vouchers(tbl, expense_prefixes, budget_prefixes, cash_prefixes, bank_prefixes) one row per voucher
--   xc_fin_evidence_item(l)            evidence element {table, source_file, source_row, fields} of a line row (via xc_evidence)
--   xc_fin_join_distinct(l)            '甲、乙': a list's distinct values, sorted
-- Money in descriptions: xc_fmt_money (evidence.sql), the one money format of every rule pack.

-- full-width ASCII forms U+FF01-U+FF5E and the ideographic space U+3000 -> ASCII (copy of xc_halfwidth, which is
-- defined in normalize.sql and so not yet available here). translate() with this long map costs ~17 µs a value,
-- so it runs only on the few values that hold such a character.
create or replace macro xc__fin_halfwidth(s) as
  case when regexp_matches(s, '[\x{FF01}-\x{FF5E}\x{3000}]') then translate(s,
  '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　',
  '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ')
  else s end;

-- text for keyword matching: half-width, whitespace and invisible characters removed; NULL stays NULL. No case
-- folding: keywords are Chinese, and lower() costs more than the rest together. The common value with nothing to
-- fold is returned as is after one regex test.
create or replace macro xc_fin_text(s) as
  case when regexp_matches(s, '[\x{FF01}-\x{FF5E}\x{3000}\s\p{Z}\p{Cc}\p{Cf}]')
    then regexp_replace(xc__fin_halfwidth(s), '[\s\p{Z}\p{Cc}\p{Cf}]+', '', 'g')
    else s end;

-- Company names: the same supplier is written '滨海县顺达商贸有限公司', '滨海县顺达商贸（有限公司）',
-- '滨海县 顺达商贸有限责任公司' or '顺达商贸(个体工商户)' in different systems. Normalization removes the legal form
-- and the sole-proprietor/partnership marks, every bracket character (their content stays: '(滨海)' is part
-- of the name) and whitespace, after folding full-width forms.
create or replace macro xc_norm_company(s) as nullif(
  regexp_replace(
    regexp_replace(
      lower(xc_fin_text(s)),
      '[(\[【〔<《]?(个体工商户|个体户|普通合伙|有限合伙|特殊普通合伙)[)\]】〕>》]?', '', 'g'),
    '(股份有限公司|有限责任公司|集团有限公司|有限公司|股份公司|有限合伙|[()\[\]【】〔〕<>《》「」"''])', '', 'g'),
  '');

-- Fuzzy only where it is safe: one normalized name contains the other and the shorter has ≥ 4 characters
-- ('顺达商贸' ⊂ '滨海县顺达商贸'). No edit-distance/Jaro-Winkler: two different Chinese firms usually differ in
-- just the one or two characters of their 字号 ('滨海县顺达商贸服务' vs '滨海县顺发商贸服务', Jaro-Winkler 0.93;
-- longer names with one different character pass 0.95), so similarity would merge distinct suppliers and hide leads.
create or replace macro xc_company_norm_match(na, nb) as coalesce(
  na = nb or (least(length(na), length(nb)) >= 4 and (contains(na, nb) or contains(nb, na))), false);

create or replace macro xc_company_match(a, b) as xc_company_norm_match(xc_norm_company(a), xc_norm_company(b));

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

-- Keyword lists are constants within a query, so everything derived from them below (spellings, regex) is folded
-- once by DuckDB; only regexp_matches/regexp_extract run per row. Nothing row-dependent may go inside a lambda here:
-- a lambda over a row value is evaluated per row and costs ~100x more.

-- every spelling of every keyword as {neg_len, alt, kw}, longest spelling first
create or replace macro xc__fin_kw_pairs(kws) as
  list_sort(flatten(list_transform(kws, k -> list_transform(xc_fin_kw_alts(k), a -> {'neg_len': -length(a), 'alt': a, 'kw': k}))));

-- all spellings as one RE2 alternation, longest first ('' for an empty list; callers check len(kws) first)
create or replace macro xc__fin_kw_regex(kws) as
  array_to_string(list_transform(xc__fin_kw_pairs(kws), p -> regexp_escape(p.alt)), '|');

-- text must already be xc_fin_text; false for NULL text or an empty list
create or replace macro xc_fin_has_any(text, kws) as
  coalesce(len(kws) > 0 and regexp_matches(text, xc__fin_kw_regex(kws)), false);

-- the keyword of kws that text (already xc_fin_text) names: the one found first in the text, the longest at that
-- position ('邮电费' rather than '电费', '公务用车运行维护费' rather than '维修(护)费'); NULL when none
create or replace macro xc_fin_match_kw(text, kws) as
  case when len(kws) > 0 then
    list_transform(xc__fin_kw_pairs(kws), p -> p.kw)[
      list_position(list_transform(xc__fin_kw_pairs(kws), p -> p.alt), regexp_extract(text, xc__fin_kw_regex(kws)))]
  end;

-- expense categories of the report (analytics_expense_category): 政府支出经济分类 names and common summary words
create or replace macro xc_fin_default_categories() as [
    '工资', '津贴补贴', '奖金', '绩效工资', '社会保障缴费', '住房公积金', '福利费',
    '办公费', '印刷费', '咨询费', '手续费', '水费', '电费', '邮电费', '取暖费', '物业管理费', '差旅费',
    '维修(护)费', '租赁费', '会议费', '培训费', '公务接待费', '专用材料费', '劳务费', '委托业务费', '工会经费',
    '公务用车运行维护费', '其他交通费用', '税金及附加', '对个人和家庭的补助', '救助', '设备购置', '工程',
    '基础设施建设', '大型修缮'];

-- the voucher a line belongs to: unit|YYYY-MM|voucher_no (most systems restart numbering each month)
create or replace macro xc_fin_voucher_key(unit, voucher_date, voucher_no) as
  concat_ws('|', unit, strftime(voucher_date, '%Y-%m'), voucher_no);

create or replace macro xc_fin_code_in(code, prefixes) as
  coalesce(len(list_filter(prefixes, p -> starts_with(code, p))) > 0, false);

-- '甲、乙' from a list: distinct, sorted, NULLs dropped (cheaper than string_agg(distinct …) on big groups)
create or replace macro xc_fin_join_distinct(l) as nullif(array_to_string(list_sort(list_distinct(l)), '、'), '');

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
--                      expense refunds; with no code: accounts named 应付/预收/应交/收入/结转…). A cash or bank
--                      account without a code is recognised by its name (库存现金; 银行存款, 零余额). The line's own
--                      settlement text wins over the voucher's (a voucher's = any of its lines' settlement text).
--   pay_amount         credit of a paying line, else 0
--   account_text, summary_text   account name and summary as xc_fin_text, for keyword matching
--   acct_month, fiscal_year      'YYYY-MM' and the calendar year of the voucher date
--   v_date, v_summary, v_counterparty, v_counterparty_norm, v_settlement, v_money_transfer
--                      voucher-level context repeated on each line: earliest date; summary of the first expense line
--                      (else of the first line); counterparty of the first expense line that has one, else of the
--                      first credit line, else of any line (and its xc_norm_company form); settlement text; whether
--                      every debit is on a cash/bank account (a transfer between cash and bank, not a payment)
create or replace macro xc_fin_lines(tbl,
    expense_prefixes := ['5', '6', '7'],
    budget_prefixes := ['7'],
    cash_prefixes := ['1001'],
    bank_prefixes := ['1002', '1011']) as table
with
src as (
    select
        v.* exclude (_extra),
        xc_fin_voucher_key(v.unit, v.voucher_date, v.voucher_no) as voucher_key,
        strftime(v.voucher_date, '%Y-%m') as acct_month,
        year(v.voucher_date) as fiscal_year,
        cast(coalesce(v.debit, 0) as decimal(18, 2)) as dr,
        cast(coalesce(v.credit, 0) as decimal(18, 2)) as cr,
        -- a code cell, else the leading digits of a '5001 业务活动费用/30226 劳务费' name cell (as ingest does)
        coalesce(nullif(trim(v.account_code), ''), nullif(regexp_extract(v.account_name, '^\s*([0-9]+)', 1), '')) as code,
        xc_fin_text(v.account_name) as account_text,
        xc_fin_text(v.summary) as summary_text,
        nullif(trim(v.settlement), '') as settlement_clean,
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
    -- arg_min skips NULL args: the first non-empty summary/counterparty by the rank (expense lines first)
    select
        voucher_key,
        bool_or(is_expense_line and not is_budget_account) as v_has_financial_expense,
        min(voucher_date) as v_date,
        arg_min(nullif(trim(summary), ''),
                (case when is_expense_line then 0 else 1 end) * 10000000000 + coalesce(_source_row, 0)) as v_summary,
        arg_min(counterparty_clean,
                (case when is_expense_line then 0 when cr <> 0 then 1 else 2 end) * 10000000000 + coalesce(_source_row, 0))
            as v_counterparty,
        max(settlement_clean) as v_settlement,
        coalesce(bool_and(case when dr <> 0 then is_cash_account or is_bank_account end), false) as v_money_transfer
    from flagged
    group by voucher_key
),
voucher_ctx_named as (
    select *, xc_norm_company(v_counterparty) as v_counterparty_norm
    from voucher_ctx
),
lines as (
    select
        f.*,
        c.* exclude (voucher_key),
        f.is_expense_line and (not f.is_budget_account or not c.v_has_financial_expense) as is_expense,
        case
            when f.cr = 0 then null
            when f.is_cash_account then 'cash'
            when f.is_expense_account or f.is_budget_account then null
            when f.code is not null and not (f.is_bank_account or starts_with(f.code, '1')) then null
            -- no code: liabilities, revenue and closing accounts by name
            when f.code is null and coalesce(regexp_matches(f.account_text, '应付|预收|应交|应缴|暂存|收入|收益|结转|结余|结存|盈余'), false)
                then null
            when contains(coalesce(f.settlement_clean, c.v_settlement, ''), '公务卡') then 'card'
            when contains(coalesce(f.settlement_clean, c.v_settlement, ''), '现金') then 'cash'
            when f.is_bank_account
                or regexp_matches(coalesce(f.settlement_clean, c.v_settlement, ''),
                                  '转账|银行|网银|支票|汇款|电汇|汇兑|授权支付|直接支付|托收') then 'bank'
            else 'other'
        end as pay_method
    from flagged as f
    join voucher_ctx_named as c using (voucher_key)
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
    list_sort(list_distinct(list(nullif(upper(xc_fin_text(invoice_no)), '')))) as invoice_nos,
    xc_fin_join_distinct(list(nullif(trim(fund_source), ''))) as fund_sources,
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


-- Evidence of whole vouchers: every line of each voucher whose key is in keys_tbl (a CTE of the calling rule with
-- a voucher_key column), read from the voucher table itself, in file order. One JSON array per voucher_key.
create or replace macro xc_fin_voucher_evidence(voucher_tbl, keys_tbl) as table
    select
        xc_fin_voucher_key(v.unit, v.voucher_date, v.voucher_no) as voucher_key,
        to_json(list(xc_fin_evidence_item(v) order by v._source_file, v._source_row)) as evidence
    from query_table(voucher_tbl) as v
    where xc_fin_voucher_key(v.unit, v.voucher_date, v.voucher_no) in (select voucher_key from query_table(keys_tbl))
    group by 1;
