/**
 * Ingest stage: every source file → staging table of text cells (readers/) → classified rows (title, header,
 * blank, total, data, reject) → normalized canonical rows + `rejects`, with per-file accounting
 * `rows_read = rows_loaded + rows_rejected + rows_skipped` checked for every file.
 *
 * All heavy work is set-based SQL over the staging table; JS only sees the first rows (header detection).
 * Header texts reach SQL only as quoted literals (quoteLiteral) and column names only as c1…cN.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, createReadStream, statSync } from 'node:fs';
import type { Db } from '../db/connection.js';
import { quoteIdent, quoteLiteral } from '../db/quote.js';
import { InternalError } from '../errors.js';
import { CANONICAL_TABLE_NAMES, TABLES, canonicalColumns, createTableSql, hasPersonId, type CanonicalTableName, type FieldSpec } from '../schema/canonical-tables.js';
import type { PipelineConfig, SourceSpec } from '../config/types.js';
import type { Progress } from '../cli/progress.js';
import { installMacros } from '../normalize/macros.js';
import { detectHeader, type ColumnMapping, type HeaderResult } from './map-headers.js';
import { openSource } from './readers/index.js';

export interface SkippedCounts {
  title: number;
  header: number;
  blank: number;
  total: number;
}

export interface InputEntry {
  table: CanonicalTableName;
  path: string;
  size: number;
  sha256: string;
  format: string;
  encoding: string | null;
  sheet: string | null;
  header_row: number;
  mapping: Record<string, string>;
  unmapped: string[];
  suggestions: Record<string, string>;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  rows_skipped: number;
  skipped: SkippedCounts;
  seconds: number;
  /** of seconds: reading the file into the stage table, and classifying + normalizing + loading it */
  read_seconds: number;
  normalize_seconds: number;
}

export interface IngestSummary {
  inputs: InputEntry[];
  tables: Record<string, number>;
  presentTables: string[];
  totals: { rows_read: number; rows_loaded: number; rows_rejected: number; rows_skipped: number };
  seconds: number;
}

const REJECTS_DDL = `create table if not exists rejects (
  source_file VARCHAR, source_row INTEGER, table_name VARCHAR, reason_code VARCHAR, reason_zh VARCHAR, raw VARCHAR)`;

const STAGE = '_x_stage';

export async function ingest(db: Db, config: PipelineConfig, progress?: Progress): Promise<IngestSummary> {
  const t0 = performance.now();
  await installMacros(db);
  for (const t of CANONICAL_TABLE_NAMES) await db.run(createTableSql(t, { ifNotExists: true }), undefined, `create ${t}`);
  await db.run(REJECTS_DDL, undefined, 'create rejects');
  const inputs: InputEntry[] = [];
  for (const src of config.sources) {
    inputs.push(await ingestSource(db, src, progress));
  }
  const tables: Record<string, number> = {};
  for (const t of CANONICAL_TABLE_NAMES) {
    tables[t] = Number(await db.scalar(`select count(*) from ${quoteIdent(t)}`, undefined, `count ${t}`));
  }
  const totals = { rows_read: 0, rows_loaded: 0, rows_rejected: 0, rows_skipped: 0 };
  for (const i of inputs) {
    totals.rows_read += i.rows_read;
    totals.rows_loaded += i.rows_loaded;
    totals.rows_rejected += i.rows_rejected;
    totals.rows_skipped += i.rows_skipped;
  }
  const presentTables = [...new Set(config.sources.map((s) => s.table))];
  return { inputs, tables, presentTables, totals, seconds: (performance.now() - t0) / 1000 };
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function ingestSource(db: Db, src: SourceSpec, progress?: Progress): Promise<InputEntry> {
  const t0 = performance.now();
  const label = `读取/read ${src.displayPath}`;
  const size = statSync(src.path).size;
  const shaPromise = sha256File(src.path);
  const opened = await openSource(src);
  try {
    const previewRows = Math.max(60, (src.header_row ?? 0) + 2);
    const preview = await opened.preview(previewRows);
    const header = detectHeader(preview, {
      table: src.table,
      file: src.displayPath,
      sheet: opened.sheet,
      headerRow: src.header_row,
      columns: src.columns,
    });
    for (const [h, field] of Object.entries(header.suggestions)) {
      progress?.info(
        `提示/hint ${src.displayPath}: 未识别的列“${h}”已保留在 _extra；如果它是 ${field}，请在流水线的 columns 中写 "${h}: ${field}"。` +
          ` Unmapped column "${h}" kept in _extra; if it is ${field}, map it with columns:.`,
      );
    }
    const ncols = Math.max(header.columns.length, 1);
    await db.run(`drop table if exists ${STAGE}`);
    const { rowsRead } = await opened.load(db, {
      stageTable: STAGE,
      headerRow: header.headerRow,
      ncols,
      onProgress: (rows, bytes) => progress?.tick(label, rows, 'rows', bytes ? `${(bytes / 1e6).toFixed(1)} MB` : undefined),
    });

    // rows above the header: blank or title
    const firstHeaderRow = header.headerRow - header.headerRows + 1;
    let aboveBlank = 0;
    let aboveTitle = 0;
    for (let i = 0; i < firstHeaderRow - 1; i++) {
      const row = preview[i] ?? [];
      if (row.every((c) => c == null || String(c).trim() === '')) aboveBlank++;
      else aboveTitle++;
    }

    const tLoad = performance.now();
    const c = await classifyAndLoad(db, src, header, ncols);
    const tNorm = performance.now();
    if (process.env.XUNCHA_PROFILE) process.stderr.write(`[profile] ${src.displayPath}: read ${(tLoad - t0).toFixed(0)} ms, normalize ${(performance.now() - tLoad).toFixed(0)} ms\n`);
    const stageRows = Object.values(c).reduce((a, b) => a + b, 0);
    const loaded = c.data ?? 0;
    const rejected = c.reject ?? 0;
    const skipped: SkippedCounts = {
      title: aboveTitle,
      header: header.headerRows + (c.header ?? 0),
      blank: aboveBlank + (c.blank ?? 0),
      total: c.total ?? 0,
    };
    const rowsSkipped = skipped.title + skipped.header + skipped.blank + skipped.total;
    if (rowsRead !== firstHeaderRow - 1 + header.headerRows + stageRows) {
      throw new InternalError(
        `row accounting mismatch for ${src.displayPath}: reader saw ${rowsRead} rows, header ends at row ${header.headerRow}, staged ${stageRows}`,
      );
    }
    await db.run(`drop table if exists ${STAGE}`);
    const entry: InputEntry = {
      table: src.table,
      path: src.displayPath,
      size,
      sha256: await shaPromise,
      format: opened.format,
      encoding: opened.encoding,
      sheet: opened.sheet,
      header_row: header.headerRow,
      mapping: header.mapping,
      unmapped: header.columns.filter((col) => !col.field).map((col) => col.header),
      suggestions: header.suggestions,
      rows_read: rowsRead,
      rows_loaded: loaded,
      rows_rejected: rejected,
      rows_skipped: rowsSkipped,
      skipped,
      seconds: (performance.now() - t0) / 1000,
      read_seconds: (tLoad - t0) / 1000,
      normalize_seconds: (tNorm - tLoad) / 1000,
    };
    const secs = entry.seconds;
    progress?.done(
      label,
      `${rowsRead.toLocaleString('en-US')} 行读取 · ${loaded.toLocaleString('en-US')} 入库 · ${rejected} 拒收 · ${rowsSkipped} 跳过  (${secs.toFixed(2)} s, ${Math.round(rowsRead / Math.max(secs, 1e-3)).toLocaleString('en-US')} rows/s)`,
    );
    return entry;
  } finally {
    await opened.close();
  }
}

/**
 * Text cells: leading/trailing whitespace (ASCII, U+3000, U+FEFF) removed, '' → NULL. The regexp runs only on the
 * few cells that start or end with such a character (first code point and byte suffixes are cheap tests).
 */
const TRIM_ENDS = [9, 10, 12, 13, 32, 12288, 65279];
// (ORs, not ascii(..) IN (...): DuckDB plans a long IN list as a hash join)
const TRIM = (e: string) =>
  `case when ascii(${e}) <= 32 or ascii(${e}) = 12288 or ascii(${e}) = 65279 or ${TRIM_ENDS.map((c) => `suffix(${e}, chr(${c}))`).join(' or ')} ` +
  `then nullif(regexp_replace(${e}, '^[\\s\\x{3000}\\x{FEFF}]+|[\\s\\x{3000}\\x{FEFF}]+$', '', 'g'), '') else nullif(${e}, '') end`;

interface FieldExpr {
  field: FieldSpec;
  col: ColumnMapping;
  /** parsed value expression over stage columns */
  value: string;
  /**
   * condition: the cell is not usable (unparseable, or empty for key fields); `{v}` stands for the parsed value
   * column. Written so that the usual row (value parsed) costs one NULL test: the CASE runs the text tests only
   * when the value is NULL.
   */
  bad?: string;
  reasonCode?: string;
  reasonZh?: string;
}

function fieldExpr(f: FieldSpec, col: ColumnMapping): FieldExpr {
  const c = `c${col.index}`;
  const h = quoteLiteral(col.header);
  const blank = `xc_is_blank(${c})`;
  const keyEmpty = f.key ? `${blank}` : 'false';
  const emptyReason = `printf('%s为空（%s）', ${quoteLiteral(f.zh)}, ${h})`;
  // a blank cell always parses to NULL, so for a key field "blank or unparseable" is "{v} is null"
  const unusable = (extra: string) => (f.key ? `{v} is null` : `case when {v} is null then not ${blank}${extra} else false end`);
  switch (f.type) {
    case 'id':
      return { field: f, col, value: `xc_norm_id(${c})`, bad: keyEmpty, reasonCode: 'id.empty', reasonZh: emptyReason };
    case 'name':
      return { field: f, col, value: `xc_norm_name(${c})`, bad: keyEmpty, reasonCode: `${f.name}.empty`, reasonZh: emptyReason };
    case 'account':
      return { field: f, col, value: `xc_norm_account(${c})` };
    case 'text':
      return { field: f, col, value: TRIM(c), bad: keyEmpty, reasonCode: `${f.name}.empty`, reasonZh: emptyReason };
    case 'date':
      // an open-ended word (至今, 长期) is no date: fine in an optional column, unusable in a key column
      return {
        field: f,
        col,
        value: `xc_parse_date(${c})`,
        bad: unusable(` and not xc_is_open_date(${c})`),
        reasonCode: 'date.unparseable',
        reasonZh: `case when ${blank} then ${emptyReason} else printf('%s“%s”不是可识别的日期（列：%s）', ${quoteLiteral(f.zh)}, ${c}, ${h}) end`,
      };
    case 'money': {
      const parsed = `xc_parse_money(${c})`;
      const scaled = col.scale !== 1 ? `cast(${parsed} * ${col.scale} as DECIMAL(18,2))` : parsed;
      return {
        field: f,
        col,
        value: scaled,
        bad: unusable(''),
        reasonCode: 'money.unparseable',
        reasonZh: `case when ${blank} then ${emptyReason} else printf('%s“%s”不是可识别的金额（列：%s）', ${quoteLiteral(f.zh)}, ${c}, ${h}) end`,
      };
    }
    case 'month':
      return {
        field: f,
        col,
        value: `xc_parse_month(${c})`,
        bad: unusable(''),
        reasonCode: 'month.unparseable',
        reasonZh: `case when ${blank} then ${emptyReason} else printf('%s“%s”不是可识别的月份（列：%s）', ${quoteLiteral(f.zh)}, ${c}, ${h}) end`,
      };
    case 'number':
      return {
        field: f,
        col,
        value: `xc_parse_number(${c})`,
        bad: unusable(''),
        reasonCode: 'number.unparseable',
        reasonZh: `case when ${blank} then ${emptyReason} else printf('%s“%s”不是可识别的数字（列：%s）', ${quoteLiteral(f.zh)}, ${c}, ${h}) end`,
      };
  }
}

/**
 * Classify the staged rows and load them in one set-based pass over the stage table (no intermediate copy of the
 * file, so a province-sized file streams through in bounded memory). Person ids are normalized and validated once
 * per distinct cell text (payout tables repeat each id on every row) and joined back. Rows that are not clean data
 * are marked in the canonical table and moved out afterwards (see the load statement below).
 */
async function classifyAndLoad(db: Db, src: SourceSpec, header: HeaderResult, ncols: number): Promise<Record<string, number>> {
  const table = src.table;
  const spec = TABLES[table];
  const allFields = [...spec.fields, ...(spec.alternates ?? [])];
  const byField = new Map<string, ColumnMapping>();
  for (const col of header.columns) if (col.field) byField.set(col.field, col);
  const cells = Array.from({ length: ncols }, (_, i) => `c${i + 1}`);

  // --- classification: blank, total (合计/总计/小计), repeated header, data
  // blank: every cell NULL or whitespace. AND stops at the first non-blank cell, so a data row costs one test.
  const allBlank = '(' + cells.map((c) => `xc_is_blank(${c})`).join(' and ') + ')';
  const firstCells = cells.slice(0, Math.min(3, ncols));
  const keyCols = ['id_number', 'name', 'unit', 'voucher_no', 'summary', 'company_name', 'vendor']
    .map((f) => byField.get(f))
    .filter((x): x is ColumnMapping => Boolean(x))
    .map((x) => `c${x.index}`);
  const totalCells = [...new Set([...firstCells, ...keyCols])];
  // every total word contains 计: a cheap substring test gates the regexes
  const totalProbe = totalCells
    .map((c) => `regexp_matches(regexp_replace(coalesce(${c}, ''), '[\\s\\x{3000}]', '', 'g'), '^(合计|总计|小计|本页合计|本页小计|累计|总合计|本月合计|本年累计)')`)
    .join(' or ');
  const mappedCols = header.columns.filter((col) => col.field);
  const headerEq = mappedCols.map((col) => `(trim(coalesce(c${col.index}, '')) = ${quoteLiteral(col.header)})::int`);
  // a header repeated on each printed page: at least half the mapped cells equal their header text; a substring
  // test on the first two mapped cells rules out almost every data row before the trimmed comparisons run
  const repeatedHeader =
    headerEq.length >= 2
      ? `(${mappedCols
          .slice(0, 2)
          .map((col) => `contains(coalesce(c${col.index}, ''), ${quoteLiteral(col.header)})`)
          .join(' or ')}) and (${headerEq.join(' + ')}) * 2 >= ${headerEq.length}`
      : 'false';
  const classExpr = `case when _error is not null then 'reject'
              when ${allBlank} then 'blank'
              when ${totalProbe ? `(${totalCells.map((c) => `contains(coalesce(${c}, ''), '计')`).join(' or ')}) and (${totalProbe})` : 'false'} then 'total'
              when ${repeatedHeader} then 'header'
              else 'data' end`;

  // --- field expressions: each cell is parsed once, into _v_<field>; checks and derived columns read that
  const exprs: FieldExpr[] = [];
  for (const f of allFields) {
    const col = byField.get(f.name);
    if (col) exprs.push(fieldExpr(f, col));
  }
  const ex = new Map(exprs.map((e) => [e.field.name, e]));
  const V = (name: string) => quoteIdent(`_v_${name}`);

  // voucher specials: account code inside the account-name cell; amount + 借/贷 direction; blank debit/credit = 0
  const valueOf = (name: string): string => {
    const e = ex.get(name);
    if (table === 'voucher') {
      if (name === 'account_code' && !e && ex.get('account_name')) {
        return `nullif(regexp_extract(${V('account_name')}, '^\\s*([0-9]+)', 1), '')`;
      }
      if ((name === 'debit' || name === 'credit') && !e && ex.get('amount') && ex.get('direction')) {
        const dir = `regexp_replace(coalesce(c${ex.get('direction')!.col.index}, ''), '\\s', '', 'g')`;
        const word = name === 'debit' ? '借' : '贷';
        return `case when ${dir} like '%${word}%' then coalesce(${V('amount')}, 0) else 0 end::DECIMAL(18,2)`;
      }
      if (name === 'debit' || name === 'credit') return e ? `coalesce(${V(name)}, 0)` : '0::DECIMAL(18,2)';
    }
    return e ? V(name) : 'NULL';
  };

  const checks: { bad: string; code: string; zh: string }[] = [];
  for (const e of exprs) {
    if (e.bad && e.bad !== 'false') checks.push({ bad: e.bad.replaceAll('{v}', V(e.field.name)), code: e.reasonCode!, zh: e.reasonZh! });
  }
  if (table === 'voucher' && !ex.get('debit') && ex.get('amount') && ex.get('direction')) {
    const dcol = `c${ex.get('direction')!.col.index}`;
    checks.push({
      bad: `not regexp_matches(coalesce(${dcol}, ''), '借|贷')`,
      code: 'voucher.bad_direction',
      zh: `printf('借贷方向“%s”无法识别，应为“借”或“贷”（列：%s）', coalesce(${dcol}, ''), ${quoteLiteral(ex.get('direction')!.col.header)})`,
    });
  }
  const reasonCode = checks.length ? `case ${checks.map((k) => `when ${k.bad} then ${quoteLiteral(k.code)}`).join(' ')} end` : 'NULL';
  // every problem of the row, not just the first: the analyst fixes them in one pass
  const reasonZh = checks.length ? `nullif(concat_ws('；', ${checks.map((k) => `case when ${k.bad} then ${k.zh} end`).join(', ')}), '')` : 'NULL';

  const extraCols = header.columns.filter((col) => !col.field || (table === 'voucher' && (col.field === 'amount' || col.field === 'direction')));
  const extra = extraCols.length
    ? `json_object(${extraCols.map((col) => `${quoteLiteral(col.header)}, c${col.index}`).join(', ')})`
    : 'NULL';
  const rawJson = `json_object(${header.columns.map((col) => `${quoteLiteral(col.header)}, c${col.index}`).join(', ')})`;
  const idCol = hasPersonId(table) ? ex.get('id_number') : undefined;

  const marked = `json_object('class', case when _reason is not null then 'reject' else _class end, 'reason', _reason,
       'reason_zh', case when _class = 'reject' then '文件格式错误：' || case
              when _error like '%.too_many_fields' then '该行的列数多于表头，无法确定各值属于哪一列'
              when _error = 'csv.bad_quoting' then '引号不配对，该行无法可靠地拆分成列'
              else _error end
            when _class = 'data' then ${reasonZh} end,
       'raw', case when _reason is not null then coalesce(_raw, ${rawJson}::VARCHAR) end)`;
  const canonical = canonicalColumns(table);
  const selectCols = canonical.map((cd) => {
    if (cd.name === '_source_file') return `${quoteLiteral(src.displayPath)} as _source_file`;
    // marked rows (_bad): negative row number, class and reasons in _extra (see the load statement)
    if (cd.name === '_source_row') return `case when _bad then -_row else _row end as _source_row`;
    if (cd.name === '_extra') return `case when _bad then ${marked} else ${extra} end as _extra`;
    if (hasPersonId(table) && ['id_valid', 'birth_date', 'sex', 'region_code'].includes(cd.name)) {
      if (!idCol) return `NULL as ${quoteIdent(cd.name)}`;
      if (cd.name === 'id_valid') return `coalesce(_id_valid, false) as id_valid`;
      if (cd.name === 'birth_date') return `_id_birth as birth_date`;
      if (cd.name === 'sex') return `_id_sex as sex`;
      return `case when _id_valid then substr(${V('id_number')}, 1, 6) end as region_code`;
    }
    return `cast(${valueOf(cd.name)} as ${cd.sqlType}) as ${quoteIdent(cd.name)}`;
  });

  const prof = process.env.XUNCHA_PROFILE ? (l: string, t: number) => process.stderr.write(`[profile]   ${l} ${(performance.now() - t).toFixed(0)} ms\n`) : () => {};
  const dump = (sql: string) => {
    if (process.env.XUNCHA_PROFILE_SQL) appendFileSync(process.env.XUNCHA_PROFILE_SQL, sql + ';\n\n');
  };

  // --- one pass: every staged row is classified, checked and parsed into the canonical table. A row that is not
  // clean data (blank, total, repeated header, reader error, failed check) is marked there with a negative
  // _source_row and its class, reasons and raw text in _extra; the marked rows then move to `rejects` (or are
  // counted as skipped) and are deleted. They are few, so a province-sized file streams through once.
  let t = performance.now();
  const idCell = idCol ? `c${idCol.col.index}` : null;
  const values = exprs.map((e) => (idCell && e === idCol ? `_ids._id as ${V('id_number')}` : `${e.value} as ${V(e.field.name)}`));
  const loadSql = `insert into ${quoteIdent(table)} select ${selectCols.join(',\n       ')}
     from (
       select *, _class <> 'data' or _reason is not null as _bad
       from (
         select *, case when _class = 'reject' then _error when _class = 'data' then ${reasonCode} end as _reason
         from (
           select s.*${values.length ? ', ' + values.join(', ') : ''}
             ${idCell ? ', _ids.valid as _id_valid, _ids.birth as _id_birth, _ids.sex as _id_sex' : ''},
             ${classExpr} as _class
           from ${STAGE} s
           ${
             idCell
               ? `left join (select _k, _id, xc_id_valid(_id) as valid, xc_id_birth(_id) as birth, xc_id_sex(_id) as sex
                             from (select _k, xc_norm_id(_k) as _id from (select distinct ${idCell} as _k from ${STAGE} where ${idCell} is not null))) as _ids
                    on _ids._k = s.${idCell}`
               : ''
           }
         )
       )
     )`;
  dump(loadSql);
  await db.run(loadSql, undefined, `load ${table} from ${src.displayPath}`);
  prof('load', t);

  t = performance.now();
  const mine = `_source_row < 0 and _source_file = ${quoteLiteral(src.displayPath)}`;
  await db.run(
    `insert into rejects
     select _source_file, -_source_row, ${quoteLiteral(table)}, json_extract_string(_extra, 'reason'), json_extract_string(_extra, 'reason_zh'),
       json_extract_string(_extra, 'raw')
     from ${quoteIdent(table)} where ${mine} and json_extract_string(_extra, 'class') = 'reject' order by -_source_row`,
    undefined,
    `rejects ${src.displayPath}`,
  );
  const counts: Record<string, number> = {};
  let exceptions = 0;
  for (const r of await db.all<{ cls: string; n: string }>(
    `select json_extract_string(_extra, 'class') as cls, count(*) as n from ${quoteIdent(table)} where ${mine} group by all`,
    undefined,
    'count classes',
  )) {
    counts[r.cls] = Number(r.n);
    exceptions += Number(r.n);
  }
  if (exceptions) await db.run(`delete from ${quoteIdent(table)} where ${mine}`, undefined, `drop marked rows of ${src.displayPath}`);
  const stageRows = Number(await db.scalar(`select count(*) from ${STAGE}`, undefined, 'stage rows'));
  if (stageRows - exceptions > 0) counts.data = stageRows - exceptions;
  prof('rejects', t);
  return counts;
}
