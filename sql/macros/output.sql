-- Spreadsheet formula guard (SPEC §7): a text cell starting with = + - @ tab or CR gets a leading apostrophe,
-- so Excel/WPS show it as text instead of evaluating it.
create or replace macro xc_formula_guard(s) as
  case when s is not null and regexp_matches(s, '^[=+\-@\t\r]') then '''' || s else s end;
