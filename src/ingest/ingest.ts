/**
 * Ingest stage: every source file → staging table of text cells (readers/) → classified rows (title, header,
 * blank, total, data, reject) → normalized canonical rows + `rejects`, with per-file accounting
 * `rows_read = rows_loaded + rows_rejected + rows_skipped` checked for every file.
 *
 * All heavy work is set-based SQL over the staging table; JS only sees the first rows (header detection).
 * Header texts reach SQL only as quoted literals (quoteLiteral) and column names only as c1…cN.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
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
const PARSED = '_x_parsed';

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
    await db.run(`drop table if exists ${STAGE}; drop table if exists ${PARSED};`);
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

const TRIM = (e: string) => `nullif(regexp_replace(${e}, '^[\\s\\x{3000}\\x{FEFF}]+|[\\s\\x{3000}\\x{FEFF}]+$', '', 'g'), '')`;

interface FieldExpr {
  field: FieldSpec;
  col: ColumnMapping;
  /** parsed value expression over stage columns */
  value: string;
  /** condition: the cell is not usable (unparseable, or empty for key fields); `{v}` stands for the parsed value column */
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
      return {
        field: f,
        col,
        value: `xc_parse_date(${c})`,
        bad: `(${f.key ? `${blank} or ` : ''}({v} is null and not ${blank} and not xc_is_open_date(${c}))${f.key ? ` or xc_is_open_date(${c})` : ''})`,
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
        bad: `(${f.key ? `${blank} or ` : ''}({v} is null and not ${blank}))`,
        reasonCode: 'money.unparseable',
        reasonZh: `case when ${blank} then ${emptyReason} else printf('%s“%s”不是可识别的金额（列：%s）', ${quoteLiteral(f.zh)}, ${c}, ${h}) end`,
      };
    }
    case 'number':
      return {
        field: f,
        col,
        value: `xc_parse_number(${c})`,
        bad: `(${f.key ? `${blank} or ` : ''}({v} is null and not ${blank}))`,
        reasonCode: 'number.unparseable',
        reasonZh: `case when ${blank} then ${emptyReason} else printf('%s“%s”不是可识别的数字（列：%s）', ${quoteLiteral(f.zh)}, ${c}, ${h}) end`,
      };
  }
}

/**
 * Rows normalized per statement: bounds the parsed work table so a province-sized file does not spill to disk.
 * XUNCHA_CHUNK_ROWS overrides it (tests use a tiny value to cross chunk borders).
 */
const chunkRows = () => Number(process.env.XUNCHA_CHUNK_ROWS) || 2_000_000;

async function classifyAndLoad(db: Db, src: SourceSpec, header: HeaderResult, ncols: number): Promise<Record<string, number>> {
  const table = src.table;
  const spec = TABLES[table];
  const allFields = [...spec.fields, ...(spec.alternates ?? [])];
  const byField = new Map<string, ColumnMapping>();
  for (const col of header.columns) if (col.field) byField.set(col.field, col);
  const cells = Array.from({ length: ncols }, (_, i) => `c${i + 1}`);

  // --- classification: blank, total (合计/总计/小计), repeated header, data
  // blank: every cell NULL or whitespace. AND stops at the first non-blank cell, so a data row costs one test.
  const allBlank = '(' + cells.map((c) => `(${c} is null or regexp_full_match(${c}, '[\\s\\x{3000}\\x{FEFF}]*'))`).join(' and ') + ')';
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
  const personId = hasPersonId(table) && ex.has('id_number');

  const canonical = canonicalColumns(table);
  const selectCols = canonical.map((cd) => {
    if (cd.name === '_source_file') return `${quoteLiteral(src.displayPath)} as _source_file`;
    if (cd.name === '_source_row') return `_row as _source_row`;
    if (cd.name === '_extra') return `${extra} as _extra`;
    if (hasPersonId(table) && ['id_valid', 'birth_date', 'sex', 'region_code'].includes(cd.name)) {
      if (!personId) return `NULL as ${quoteIdent(cd.name)}`;
      const id = V('id_number');
      if (cd.name === 'id_valid') return `coalesce(_ids.valid, false) as id_valid`;
      if (cd.name === 'birth_date') return `_ids.birth as birth_date`;
      if (cd.name === 'sex') return `_ids.sex as sex`;
      return `case when _ids.valid then substr(${id}, 1, 6) end as region_code`;
    }
    return `cast(${valueOf(cd.name)} as ${cd.sqlType}) as ${quoteIdent(cd.name)}`;
  });

  const t0 = performance.now();
  // cells the canonical row still needs after parsing: unmapped columns (for _extra) and the voucher direction
  const keepCells = [...new Set([...extraCols.map((c) => `c${c.index}`), ...(ex.get('direction') ? [`c${ex.get('direction')!.col.index}`] : [])])];
  const parsedSql = `create or replace temp table ${PARSED} as
     with cls as (
       select *,
         case when _error is not null then 'reject'
              when ${allBlank} then 'blank'
              when ${totalProbe ? `(${totalCells.map((c) => `contains(coalesce(${c}, ''), '计')`).join(' or ')}) and (${totalProbe})` : 'false'} then 'total'
              when ${repeatedHeader} then 'header'
              else 'data' end as _class
       from ${STAGE} where _row between $lo and $hi
     ),
     vals as (
       select *${exprs.length ? ', ' + exprs.map((e) => `case when _class = 'data' then ${e.value} end as ${V(e.field.name)}`).join(', ') : ''}
       from cls
     ),
     checked as (
       select *,
         case when _class = 'reject' then _error when _class = 'data' then ${reasonCode} end as _reason,
         case when _class = 'reject' then '文件格式错误：' || case
                when _error like '%.too_many_fields' then '该行的列数多于表头，无法确定各值属于哪一列'
                when _error = 'csv.bad_quoting' then '引号不配对，该行无法可靠地拆分成列'
                else _error end
              when _class = 'data' then ${reasonZh} end as _reason_zh
       from vals
     )
     select _row,
       case when _reason is not null then 'reject' else _class end as _class,
       _reason, _reason_zh,
       case when _reason is not null then coalesce(_raw, ${rawJson}::VARCHAR) end as _raw_json
       ${exprs.length ? ', ' + exprs.map((e) => V(e.field.name)).join(', ') : ''}
       ${keepCells.length ? ', ' + keepCells.join(', ') : ''}
     from checked`;
  const range = (await db.all<{ lo: number | null; hi: number | null }>(`select min(_row) as lo, max(_row) as hi from ${STAGE}`, undefined, 'stage rows'))[0];
  const counts: Record<string, number> = {};
  const prof = process.env.XUNCHA_PROFILE ? (l: string, t: number) => process.stderr.write(`[profile]   ${l} ${(performance.now() - t).toFixed(0)} ms\n`) : () => {};
  const CHUNK_ROWS = chunkRows();
  for (let lo = Number(range?.lo ?? 1); range?.hi != null && lo <= Number(range.hi); lo += CHUNK_ROWS) {
    const tc = performance.now();
    if (process.env.XUNCHA_PROFILE_SQL) (await import('node:fs')).writeFileSync(process.env.XUNCHA_PROFILE_SQL, parsedSql);
    await db.run(parsedSql, { lo, hi: lo + CHUNK_ROWS - 1 }, `classify ${src.displayPath}`);
    prof('parse', tc);
    const tq = performance.now();
    await db.run(
      `insert into rejects
       select ${quoteLiteral(src.displayPath)}, _row, ${quoteLiteral(table)}, _reason, _reason_zh, _raw_json
       from ${PARSED} where _class = 'reject'`,
      undefined,
      `rejects ${src.displayPath}`,
    );
    await db.run(
      // payout tables repeat each person's id on every row: validate each distinct id once and join the result
      `insert into ${quoteIdent(table)} select ${selectCols.join(',\n       ')} from ${PARSED}
       ${
         personId
           ? `left join (select id, xc_id_valid(id) as valid, xc_id_birth(id) as birth, xc_id_sex(id) as sex
                         from (select distinct ${V('id_number')} as id from ${PARSED} where _class = 'data' and ${V('id_number')} is not null)) as _ids
                on _ids.id = ${V('id_number')}`
           : ''
       }
       where _class = 'data'`,
      undefined,
      `load ${table} from ${src.displayPath}`,
    );
    prof('rejects+insert', tq);
    for (const r of await db.all<{ cls: string; n: string }>(`select _class as cls, count(*) as n from ${PARSED} group by all`, undefined, 'count classes')) {
      counts[r.cls] = (counts[r.cls] ?? 0) + Number(r.n);
    }
  }
  return counts;
}
