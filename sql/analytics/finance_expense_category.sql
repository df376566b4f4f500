-- Counted expense per unit and category. The category of a line is the most specific 政府支出经济分类 name or keyword
-- found in its account name (which often carries the classification, e.g. '5001 业务活动费用/30202 印刷费'), else in
-- its summary; '其他' when neither names one. The list is xc_fin_default_categories() (sql/macros/finance.sql): a
-- constant, so DuckDB folds the keyword regex once (a list read from a table column would be re-derived per row).
create or replace table analytics_expense_category as
with
classified as (
    select
        unit,
        coalesce(xc_fin_match_kw(account_text, xc_fin_default_categories()),
                 xc_fin_match_kw(summary_text, xc_fin_default_categories()), '其他') as category,
        expense_amount
    from _x_fin_expense
)
select unit, category, cast(sum(expense_amount) as decimal(18, 2)) as amount
from classified
group by unit, category
order by unit, amount desc, category;
