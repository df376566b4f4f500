-- Normalization macros of SPEC §3.1 (contract: src/README.md, table "Normalization macros").
-- TypeScript mirrors with the same logic live in src/normalize/*.ts; test/normalize checks that both agree on
-- the same inputs, so a change here needs the same change there.
-- Loaded by installMacros (src/normalize/macros.ts) after the reference table _ref_region(code) exists.
-- Every statement is CREATE OR REPLACE, so re-running this file is safe.
-- Macros named xc__* (two underscores) are internal helpers; the public ones are listed in src/README.md.
--
-- "Whitespace or invisible" below is the RE2 class [\s\p{Z}\p{Cc}\p{Cf}]: ASCII whitespace, every Unicode space
-- separator (U+00A0, U+2000-U+200A, U+3000, ...), control characters and format characters (zero-width
-- U+200B-U+200D, U+2060, U+FEFF, soft hyphen U+00AD, bidi marks).
-- Usage for id columns: normalize once, then derive from the normalized column, e.g.
--   select id, xc_id_valid(id) as id_valid, xc_id_birth(id) as birth_date, xc_id_sex(id) as sex,
--          CASE WHEN regexp_full_match(id, '[0-9]{17}[0-9X]') THEN left(id, 6) END as region_code
--   from (select *, xc_norm_id(raw_id) as id from staging)
-- Nesting xc_norm_id(...) inside each xc_id_* call repeats the cleaning (about 2x slower on 1M rows).
-- xc_id_valid holds a subquery on _ref_region (planned as a hash MARK join): it cannot be used inside a lambda.
-- Performance: builtins only, no per-character list comprehensions; translate() is slow in DuckDB (it builds its
-- map per row), so it only runs on the rows that contain a full-width character.

-- true for NULL, empty or whitespace/invisible-only text
-- (text starting with a printable ASCII character is never blank: one cheap test for the usual cell)
CREATE OR REPLACE MACRO xc_is_blank(s) AS CASE
  WHEN s IS NULL THEN true
  WHEN ascii(s) BETWEEN 33 AND 126 THEN false
  ELSE regexp_full_match(s, '[\s\p{Z}\p{Cc}\p{Cf}]*') END;

-- full-width ASCII forms U+FF01-U+FF5E and the ideographic space U+3000 -> ASCII; other text unchanged.
-- Only rows holding such a character pay for the per-character pass (translate() with 95 pairs was 10x slower:
-- DuckDB rebuilds its map for every row). Every U+FF01-U+FF5E character is 3 bytes in UTF-8.
CREATE OR REPLACE MACRO xc_halfwidth(s) AS CASE
  WHEN regexp_matches(s, '[\x{FF01}-\x{FF5E}\x{3000}]') THEN array_to_string(list_transform(string_split(s, ''),
    lambda xc_ch: CASE WHEN xc_ch BETWEEN '！' AND '～' AND strlen(xc_ch) = 3 THEN chr(ord(xc_ch) - 65248) WHEN xc_ch = '　' THEN ' ' ELSE xc_ch END), '')
  ELSE s END;

-- leading and trailing whitespace/invisible characters removed (internal)
CREATE OR REPLACE MACRO xc__trim(s) AS
  regexp_replace(s, '^[\s\p{Z}\p{Cc}\p{Cf}]+|[\s\p{Z}\p{Cc}\p{Cf}]+$', '', 'g');

-- ---------------------------------------------------------------------------------------------------------
-- Resident ID numbers (GB 11643)
-- ---------------------------------------------------------------------------------------------------------

-- ISO 7064 MOD 11-2 check character for n = the first 17 digits as a BIGINT (internal)
CREATE OR REPLACE MACRO xc__mod112(n) AS substr('10X98765432', 1 + CAST((
    7 * ((n // 10000000000000000) % 10) + 9 * ((n // 1000000000000000) % 10) + 10 * ((n // 100000000000000) % 10)
  + 5 * ((n // 10000000000000) % 10) + 8 * ((n // 1000000000000) % 10) + 4 * ((n // 100000000000) % 10)
  + 2 * ((n // 10000000000) % 10) + 1 * ((n // 1000000000) % 10) + 6 * ((n // 100000000) % 10)
  + 3 * ((n // 10000000) % 10) + 7 * ((n // 1000000) % 10) + 9 * ((n // 100000) % 10)
  + 10 * ((n // 10000) % 10) + 5 * ((n // 1000) % 10) + 8 * ((n // 100) % 10)
  + 4 * ((n // 10) % 10) + 2 * ((n // 1) % 10)) % 11 AS INTEGER), 1);

-- check character for a text whose first 17 characters are digits; NULL otherwise (internal)
-- (list_transform([e], lambda xc_n: ...)[1] binds e once: DuckDB does not share repeated subexpressions inside
-- AND/CASE. Lambda parameters are xc_-prefixed everywhere so they cannot capture a caller's column named c, t, n...)
CREATE OR REPLACE MACRO xc__id_check(s) AS CASE
  WHEN regexp_matches(s, '^[0-9]{17}') THEN list_transform([try_cast(left(s, 17) AS BIGINT)], lambda xc_n: xc__mod112(xc_n))[1] END;

-- trimmed, half-width, every whitespace/invisible character removed, leading Excel text marks (') removed,
-- upper case (internal)
CREATE OR REPLACE MACRO xc__id_clean(s) AS
  upper(regexp_replace(xc_halfwidth(s), '^[\s\p{Z}\p{Cc}\p{Cf}'']+|[\s\p{Z}\p{Cc}\p{Cf}]+', '', 'g'));

-- c already cleaned: an 18-character id whose check character is right, followed by a 1-2 digit member number
-- (rosters that number each member: ...181X44) (internal)
CREATE OR REPLACE MACRO xc__id_suffixed(c) AS
  regexp_full_match(c, '[0-9]{17}[0-9X][0-9]{1,2}') AND xc__id_check(c) = substr(c, 18, 1);

-- c already cleaned: a masked id, 14-18 characters of digits, X and mask characters (* or ●) with at least one mask
-- character (or an X before the last place) and at least 4 digits: 3209221965****1234, 320922********1234 (internal)
CREATE OR REPLACE MACRO xc__id_masked_clean(c) AS
  regexp_full_match(c, '[0-9X*●]{14,18}')
  AND (regexp_matches(c, '[*●]') OR contains(left(c, length(c) - 1), 'X'))
  AND length(regexp_replace(c, '[^0-9]', '', 'g')) >= 4;

-- c already cleaned: '' -> NULL; 15 digits whose 19yymmdd is a real date -> 18 digits; a valid 18-character id with a
-- 1-2 digit member suffix -> the id; a masked id -> NULL (not an id: never joined on); anything else unchanged
CREATE OR REPLACE MACRO xc__id_upgrade(c) AS CASE
  WHEN c = '' THEN NULL
  WHEN regexp_full_match(c, '[0-9]{15}') AND try_strptime('19' || substr(c, 7, 6), '%Y%m%d') IS NOT NULL
    THEN left(c, 6) || '19' || substr(c, 7) || xc__id_check(left(c, 6) || '19' || substr(c, 7))
  WHEN xc__id_suffixed(c) THEN left(c, 18)
  WHEN xc__id_masked_clean(c) THEN NULL
  ELSE c END;

-- normalized id text (see src/README.md); NULL if blank or masked
-- (fast path: an id that is already 17 digits + digit or X is returned as is, as the general path would)
CREATE OR REPLACE MACRO xc_norm_id(s) AS CASE
  WHEN regexp_full_match(s, '[0-9]{17}[0-9X]') THEN s
  ELSE list_transform([xc__id_clean(s)], lambda xc_c: xc__id_upgrade(xc_c))[1] END;

-- how a written id departs from an id (SPEC §3.2): 'suffix' (a valid 18-character id followed by a 1-2 digit member
-- number; xc_norm_id returns the id), 'masked' (xc_norm_id returns NULL), NULL otherwise
CREATE OR REPLACE MACRO xc_id_form(s) AS CASE
  WHEN s IS NULL OR regexp_full_match(s, '[0-9]{17}[0-9X]') THEN NULL
  ELSE list_transform([xc__id_clean(s)], lambda xc_c: CASE
    WHEN xc__id_suffixed(xc_c) THEN 'suffix' WHEN xc__id_masked_clean(xc_c) THEN 'masked' END)[1] END;

-- true when the text is a masked id (3209221965****1234); false otherwise, never NULL
CREATE OR REPLACE MACRO xc_id_masked(s) AS coalesce(xc_id_form(s) = 'masked', false);

-- birth date of an 18-character id (17 digits + digit or X): a real calendar date within 1880-01-01..today, else NULL
CREATE OR REPLACE MACRO xc_id_birth(id) AS CASE
  WHEN regexp_full_match(id, '[0-9]{17}[0-9X]')
   AND CAST(try_strptime(substr(id, 7, 8), '%Y%m%d') AS DATE) BETWEEN DATE '1880-01-01' AND current_date
  THEN CAST(try_strptime(substr(id, 7, 8), '%Y%m%d') AS DATE) END;

-- '男' when the 17th digit is odd, '女' when even; NULL unless the id is 17 digits + digit or X
CREATE OR REPLACE MACRO xc_id_sex(id) AS CASE
  WHEN regexp_full_match(id, '[0-9]{17}[0-9X]') THEN CASE WHEN ord(substr(id, 17, 1)) % 2 = 1 THEN '男' ELSE '女' END END;

-- true when: 17 digits + digit or X, MOD 11-2 check character right, birth date real and within 1880..today, and
-- the first 6 digits a GB/T 2260 code in use at any time (1980-2024; table _ref_region). false otherwise, never NULL.
CREATE OR REPLACE MACRO xc_id_valid(id) AS coalesce(CASE
  WHEN regexp_full_match(id, '[0-9]{17}[0-9X]')
  THEN list_transform([try_cast(left(id, 17) AS BIGINT)], lambda xc_n: xc__mod112(xc_n))[1] = substr(id, 18, 1)
   AND CAST(try_strptime(substr(id, 7, 8), '%Y%m%d') AS DATE) BETWEEN DATE '1880-01-01' AND current_date
   AND left(id, 6) IN (SELECT code FROM _ref_region) END, false);

-- ---------------------------------------------------------------------------------------------------------
-- Names
-- ---------------------------------------------------------------------------------------------------------

-- half-width, every whitespace/invisible character removed, middle-dot variants (• ・ ‧ ･ ∙ ⋅ ⸱ ·(U+0387)) -> '·'
-- (U+00B7), and '.'/'。' between two Han characters -> '·' (买买提.艾力); NULL if nothing is left
-- (fast path: text made only of Han characters is already normalized)
CREATE OR REPLACE MACRO xc_norm_name(s) AS CASE
  WHEN regexp_full_match(s, '\p{Han}+') THEN s
  ELSE nullif(regexp_replace(regexp_replace(
    regexp_replace(xc_halfwidth(s), '[\s\p{Z}\p{Cc}\p{Cf}]+', '', 'g'),
    '[\x{2022}\x{30FB}\x{2027}\x{FF65}\x{2219}\x{22C5}\x{2E31}\x{0387}]', '·', 'g'),
  '(\p{Han})[.。](\p{Han})', '\1·\2', 'g'), '') END;

-- ---------------------------------------------------------------------------------------------------------
-- Dates
-- ---------------------------------------------------------------------------------------------------------

-- half-width, runs of whitespace/invisible characters -> one space, trimmed (internal)
CREATE OR REPLACE MACRO xc__date_clean(s) AS
  xc__trim(regexp_replace(xc_halfwidth(s), '[\s\p{Z}\p{Cc}\p{Cf}]+', ' ', 'g'));

-- Excel serial day number (integer part) -> DATE. Excel counts 1900 as a leap year: serial 60 is the fake
-- 1900-02-29 (-> NULL), 1..59 are 1900-01-01..1900-02-28, from 61 on the epoch is 1899-12-30. (internal)
CREATE OR REPLACE MACRO xc__excel_serial(n) AS CASE
  WHEN n >= 61 AND n <= 2958465 THEN DATE '1899-12-30' + CAST(n AS INTEGER)
  WHEN n >= 1 AND n < 60 THEN DATE '1899-12-31' + CAST(n AS INTEGER) END;

-- Text forms -> 'Y-M-D' text (or 'Y-M-' for a month), anything else -> '--' (internal). One regexp:
--   Y sep M [sep D [time]]   sep in - / . 年 月, optional 日/号, time H:M[:S[.f]] [Z|+08:00] after a space or T
--   YYYYMM, YYYYMMDD, YYYYMMDDhhmmss
CREATE OR REPLACE MACRO xc__date_ymd(c) AS regexp_replace(c,
  '^(?:([1-9][0-9]{3}) ?[-/.年] ?([0-9]{1,2}) ?(?:[-/.月] ?(?:([0-9]{1,2}) ?[日号]?(?:(?: |T) ?[0-9]{1,2}(?::[0-9]{1,2}){1,2}(?:\.[0-9]+)? ?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?)?)?|([1-9][0-9]{3})([0-9]{2})(?:([0-9]{2})(?:[0-9]{6})?)?|(?s:.*))$',
  '\1\4-\2\5-\3\6');

-- c already cleaned by xc__date_clean (internal)
CREATE OR REPLACE MACRO xc__parse_date_clean(c) AS CASE
  WHEN regexp_full_match(c, '[0-9]{1,5}(?:\.[0-9]*)?') AND NOT regexp_full_match(c, '(?:1[89]|20)[0-9]{2}\.[0-9]{1,2}')
    THEN xc__excel_serial(floor(try_cast(c AS DOUBLE)))
  ELSE list_transform([xc__date_ymd(c)],
    lambda xc_y: CAST(try_strptime(CASE WHEN suffix(xc_y, '-') THEN xc_y || '1' ELSE xc_y END, '%Y-%m-%d') AS DATE))[1] END;

-- DATE from every form of SPEC §3.1; NULL if blank, unparseable or impossible (2023-02-30, month 13)
-- (fast path for text that already is YYYY-MM-DD; the general path gives the same answer for it)
CREATE OR REPLACE MACRO xc_parse_date(s) AS CASE
  WHEN regexp_full_match(s, '[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}') THEN CAST(try_strptime(s, '%Y-%m-%d') AS DATE)
  ELSE list_transform([xc__date_clean(s)], lambda xc_c: xc__parse_date_clean(xc_c))[1] END;

-- true for words meaning "no date" (open-ended period), after trimming and half-width; false otherwise
-- (text with a digit is never one of them: cheap exit for real dates. list_contains, not IN (...): DuckDB plans a
-- long IN list as a join, which would clean every row before the CASE could skip it)
CREATE OR REPLACE MACRO xc_is_open_date(s) AS CASE
  WHEN s IS NULL OR regexp_matches(s, '[0-9\x{FF10}-\x{FF19}]') THEN false
  ELSE coalesce(list_contains(
    ['至今', '长期', '长期有效', '永久', '永久有效', '无', '空', '无期限', '-', '--', '—', '——', '/', '至 今'], xc__date_clean(s)), false) END;

-- ---------------------------------------------------------------------------------------------------------
-- Money and numbers
-- ---------------------------------------------------------------------------------------------------------

-- half-width; whitespace/invisible, thousands separators ',' and currency marks (¥ ￥ RMB CNY 人民币 元 元整) removed; minus
-- variants (− ﹣) -> '-'; (x) -> -x  (internal)
CREATE OR REPLACE MACRO xc__money_text(s) AS regexp_replace(replace(replace(
    regexp_replace(xc_halfwidth(s), '[\s\p{Z}\p{Cc}\p{Cf},]+|RMB|CNY|人民币|元整|[¥￥元]', '', 'gi'),
  '−', '-'), '﹣', '-'), '^\((.*)\)$', '-\1');

-- same as xc__money_text and a trailing unit (亩 ㎡ m² m2 平方米 平米 公顷 万元; never scaled) removed (internal)
CREATE OR REPLACE MACRO xc__number_text(s) AS regexp_replace(replace(replace(
    regexp_replace(xc_halfwidth(s), '[\s\p{Z}\p{Cc}\p{Cf},]+|RMB|CNY|人民币|[¥￥]|(?:亩|㎡|m²|m2|平方米|平米|公顷|万元|元)[\s\p{Z}\p{Cc}\p{Cf}]*$', '', 'gi'),
  '−', '-'), '﹣', '-'), '^\((.*)\)$', '-\1');

-- DECIMAL(18,2), rounded half away from zero; NULL if blank or not a number (or too large)
-- (an exponent is accepted only as Excel writes big numbers: E+nn)
-- (fast path: plain digits with an optional fraction are cast directly)
CREATE OR REPLACE MACRO xc_parse_money(s) AS CASE
  WHEN regexp_full_match(s, '-?[0-9]+(?:\.[0-9]+)?') THEN try_cast(s AS DECIMAL(18, 2))
  ELSE list_transform([xc__money_text(s)], lambda xc_t: CASE
  WHEN regexp_full_match(xc_t, '[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]\+?[0-9]{1,2})?')
  THEN try_cast(xc_t AS DECIMAL(18, 2)) END)[1] END;

-- DOUBLE; NULL if blank, not a number or out of range (1e400)
CREATE OR REPLACE MACRO xc_parse_number(s) AS CASE
  WHEN regexp_full_match(s, '-?[0-9]{1,15}(?:\.[0-9]+)?') THEN try_cast(s AS DOUBLE)
  ELSE list_transform([xc__number_text(s)], lambda xc_t: CASE
  WHEN regexp_full_match(xc_t, '[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?')
  THEN nullif(nullif(try_cast(xc_t AS DOUBLE), 'inf'::DOUBLE), '-inf'::DOUBLE) END)[1] END;

-- ---------------------------------------------------------------------------------------------------------
-- Bank accounts and periods
-- ---------------------------------------------------------------------------------------------------------

-- digits only (after half-width); NULL if there are none
CREATE OR REPLACE MACRO xc_norm_account(s) AS CASE
  WHEN regexp_full_match(s, '[0-9]+') THEN s
  ELSE nullif(regexp_replace(xc_halfwidth(s), '[^0-9]+', '', 'g'), '') END;

-- 'YYYY-MM' when the text is a month or a date (2023-03, 2023年3月, 202303, 2023.3, 2023/03, 2023-03-05, an Excel
-- serial of 5 digits); otherwise the trimmed text; NULL if blank. A bare number of up to 4 digits stays text.
-- (fast path for text that already is YYYY-MM)
CREATE OR REPLACE MACRO xc_norm_period(s) AS CASE
  WHEN regexp_full_match(s, '[1-9][0-9]{3}-(?:0[1-9]|1[0-2])') THEN s
  ELSE list_transform([xc__date_clean(s)], lambda xc_c: CASE
  WHEN xc_c IS NULL OR xc_c = '' THEN NULL
  WHEN regexp_full_match(xc_c, '[0-9]{1,4}') THEN xc__trim(s)
  ELSE coalesce(strftime(xc__parse_date_clean(xc_c), '%Y-%m'), xc__trim(s)) END)[1] END;

-- a month as 'YYYY-MM' from the forms xc_norm_period knows (工资月份 2023年3月, 202303, a date cell); NULL when blank or
-- not a month
CREATE OR REPLACE MACRO xc_parse_month(s) AS list_transform([xc_norm_period(s)], lambda xc_p: CASE
  WHEN regexp_full_match(xc_p, '[1-9][0-9]{3}-(?:0[1-9]|1[0-2])') THEN xc_p END)[1];
