-- Evidence items (SPEC §5): every lead lists the records behind it as {table, source_file, source_row, fields}.
-- `fields` is stored as JSON so that items from different tables fit in one LIST and serialize as an object.
-- Rules aggregate items with an ORDER BY (source_file, source_row) so leads.csv stays byte-identical across runs.
create or replace macro xc_evidence(tbl, source_file, source_row, fields) as
    {'table': cast(tbl as varchar), 'source_file': cast(source_file as varchar),
     'source_row': cast(source_row as integer), 'fields': to_json(fields)};

-- Money as Chinese reports print it: 7,200.00
create or replace macro xc_fmt_money(x) as format('{:,.2f}', cast(coalesce(x, 0) as decimal(18, 2)));

-- Date as YYYY-MM-DD, or a placeholder when unknown
create or replace macro xc_fmt_date(d) as coalesce(strftime(cast(d as date), '%Y-%m-%d'), '日期不详');
