/**
 * Ingest stage: every source file → staging table of text cells (readers/) → classified rows (title, header,
 * blank, total, data, reject) → normalized canonical rows + `rejects`, with per-file accounting
 * `rows_read = rows_loaded + rows_rejected + rows_skipped` checked for every file.
 *
 * All heavy work is set-based SQL over the staging table; JS only sees the first rows (header detection).
 * Header texts reach SQL only as quoted literals (quoteLiteral) and column names only as c1…cN.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, createReadStream, statSync, type Stats } from 'node:fs';
import { basename } from 'node:path';
import type { Db } from '../db/connection.js';
import { quoteIdent, quoteLiteral } from '../db/quote.js';
import { InternalError, UserError, diag, userError } from '../errors.js';
import { throwIfCancelled } from '../lifecycle.js';
import {
  CANONICAL_TABLE_NAMES,
  ID_DERIVED_COLUMNS,
  TABLES,
  canonicalColumns,
  createTableSql,
  hasPersonId,
  mappableFields,
  type CanonicalTableName,
  type FieldSpec,
} from '../schema/canonical-tables.js';
import type { PipelineConfig, SourceSpec } from '../config/types.js';
import type { Progress } from '../cli/progress.js';
import { installMacros } from '../normalize/macros.js';
import { parseDate } from '../normalize/date.js';
import { parseMoney, parseNumber } from '../normalize/money.js';
import { detectHeader, showHeader, type ColumnMapping, type HeaderResult } from './map-headers.js';
import { planSheets, type SheetPick } from './sheets.js';
import { limitsFromEngine, type ReaderLimits } from './readers/index.js';

export interface SkippedCounts {
  title: number;
  header: number;
  blank: number;
  total: number;
}

export interface InputEntry {
  table: CanonicalTableName;
  path: string;
  /** what the rows carry in _source_file when it is not `path`: `file[sheet]` for stacked sheets */
  source_file?: string;
  size: number;
  sha256: string;
  format: string;
  encoding: string | null;
  sheet: string | null;
  header_row: number;
  mapping: Record<string, string>;
  unmapped: string[];
  suggestions: Record<string, string>;
  /** required fields no header named, recognised by their values: field → column and the evidence */
  mapped_by_values?: Record<string, { header: string; evidence: string }>;
  /** header mappings the values contradicted: column → the field its header suggested and the evidence */
  rejected_by_values?: Record<string, { field: string; evidence: string }>;
  /** `constants:` as filled in for this file/sheet */
  constants?: Record<string, string>;
  /** ID cells in the forms of SPEC §3.2: 18-character ID + member suffix (ID used), masked (id_masked) */
  id_forms?: { suffix: number; masked: number };
  /** no `sheet:` / `sheet: all`: the sheets not read and why (on the first entry of the file) */
  sheets_passed_over?: { sheet: string; reason: string }[];
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
  const limits = limitsFromEngine(config.engine);
  for (const src of config.sources) {
    inputs.push(...(await ingestSource(db, src, progress, limits)));
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

function tooManyColumns(file: string, sheet: string | null, row: number, limit: number): UserError {
  const where = sheet ? `${file}[${sheet}]` : file;
  return new UserError(
    diag(
      'ingest.too_many_columns',
      `${where} 的表头（第${row}行）超过 ${limit} 列（engine.max_columns），不像一份名册或明细导出，已停止读取。请确认表头行（header_row）是否正确，或删除多余的列后再运行；确需读取这么宽的表，可在流水线 engine: 下调大 max_columns。`,
      `The header of ${where} (row ${row}) has more than ${limit} columns (engine.max_columns), which no roster or ledger export has; reading stopped. Check header_row, or remove the extra columns; raise engine.max_columns if the table really is that wide.`,
      { file, ...(sheet ? { sheet } : {}), row, key: 'engine.max_columns' },
    ),
  );
}

export async function sha256File(path: string): Promise<string> {
  return (await hashFile(path)).sha256;
}

async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    throwIfCancelled();
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

/**
 * A file that changes while it is read (a copy still in progress, an export being rewritten) would load a mix of
 * versions under a sha256 that matches neither: compare size, mtime and identity before and after the read, and
 * the bytes the hash saw.
 */
function checkUnchanged(src: SourceSpec, before: Stats, hashedBytes: number): void {
  const e = changedError(src, before, hashedBytes);
  if (e) throw e;
}

function changedError(src: SourceSpec, before: Stats, hashedBytes = before.size): Error | undefined {
  let after: Stats | undefined;
  try {
    after = statSync(src.path);
  } catch {
    /* removed meanwhile: changed */
  }
  if (after && after.size === before.size && after.mtimeMs === before.mtimeMs && after.ino === before.ino && hashedBytes === before.size) return undefined;
  const sizes = after ? `${before.size} → ${after.size}` : `${before.size} → 已删除/removed`;
  return userError(
    'ingest.file_changed',
    `数据文件 ${src.displayPath} 在读取过程中被修改了（大小 ${sizes} 字节）。它可能还在复制中，或正被其他程序写入。请等文件完整后重新运行。`,
    `The data file ${src.displayPath} changed while it was read (size ${sizes} bytes). It may still be being copied or written by another program. Wait until it is complete and run again.`,
    { file: src.displayPath },
  );
}

async function ingestSource(db: Db, src: SourceSpec, progress: Progress | undefined, limits: ReaderLimits): Promise<InputEntry[]> {
  const t0 = performance.now();
  const before = statSync(src.path);
  const size = before.size;
  const hashPromise = hashFile(src.path);
  // a failing read makes the hash pass unneeded; never leave its rejection unhandled
  hashPromise.catch(() => {});
  const hashed = async () => {
    const r = await hashPromise;
    checkUnchanged(src, before, r.bytes);
    return r.sha256;
  };
  const detectOpts = {
    table: src.table,
    headerRow: src.header_row,
    columns: src.columns,
    constants: Object.keys(src.constants ?? {}),
  };
  // whatever a half-copied file makes a reader say, the message that helps is that the file changed
  const plan = await planSheets(src, (preview, sheet) => detectHeader(preview, { ...detectOpts, file: src.displayPath, sheet }), detectOpts, limits).catch((e: unknown) => {
    throw changedError(src, before) ?? e;
  });
  const out: InputEntry[] = [];
  try {
    if (plan.passedOver.length || (plan.picks.length === 1 && plan.picks[0].spec.sheet !== src.sheet && plan.picks[0].opened.sheetNames && plan.picks[0].opened.sheetNames.length > 1)) {
      const taken = plan.picks.map((p) => `「${p.opened.sheet}」`).join('、');
      progress?.info(
        `工作表/sheets ${src.displayPath}: 读取 ${taken}` +
          (plan.passedOver.length ? `；跳过 ${plan.passedOver.map((p) => `「${p.sheet}」(${p.reason})`).join('、')}` : '') +
          `  read ${plan.picks.map((p) => p.opened.sheet).join(', ')}`,
      );
    }
    let first = true;
    for (const pick of plan.picks) {
      const entry = await ingestSheet(db, pick, plan.stacked, progress, t0, size, hashed, limits);
      if (first && plan.passedOver.length) entry.sheets_passed_over = plan.passedOver;
      first = false;
      out.push(entry);
    }
  } catch (e) {
    throw changedError(src, before) ?? e;
  } finally {
    for (const p of plan.picks) await p.opened.close();
  }
  return out;
}

/** The text a constant stands for: {file}, {sheet} and {title} filled in; dates found inside a title. */
function resolveConstants(src: SourceSpec, sheet: string | null, header: HeaderResult): Record<string, string> {
  const out: Record<string, string> = {};
  const fileStem = basename(src.displayPath).replace(/\.[^.]+$/, '');
  const fields = new Map(mappableFields(src.table).map((f) => [f.name, f]));
  const at = { file: src.displayPath, ...(sheet ? { sheet } : {}) };
  for (const [name, raw] of Object.entries(src.constants ?? {})) {
    const field = fields.get(name)!;
    let usedTitle = false;
    let v = raw.replace(/\{\s*(file|sheet|title)\s*\}/g, (_, k: string) => {
      if (k === 'file') return fileStem;
      if (k === 'sheet') return sheet ?? '';
      usedTitle = true;
      if (header.title == null) {
        throw new UserError(
          diag(
            'ingest.no_title',
            `constants.${name} 用了 {title}，但 ${src.displayPath} 的表头上方没有标题行。`,
            `constants.${name} uses {title}, but ${src.displayPath} has no title row above its header.`,
            { ...at, key: `constants.${name}` },
          ),
        );
      }
      return header.title;
    });
    v = v.trim();
    // a date (or a month) stated inside a longer text, e.g. the title 滨海县2023年3月低保金发放明细 → 2023年3月
    // (date fields, and text fields holding a period or month: period, pay_month …)
    if ((field.type === 'date' || /period|month/.test(name)) && raw !== v && !parseDate(v)) {
      const m = v.match(/(?:19|20)[0-9]{2}\s*(?:[-/.年]\s*[0-9]{1,2}\s*(?:[-/.月]\s*(?:[0-9]{1,2}\s*[日号]?)?)?|[0-9]{4}(?:[0-9]{2})?)/);
      if (m) v = m[0].trim().replace(/[-/.]$/, '');
    }
    const bad =
      field.type === 'date' ? !parseDate(v) : field.type === 'money' ? parseMoney(v) == null : field.type === 'number' ? parseNumber(v) == null : v === '';
    if (bad) {
      throw new UserError(
        diag(
          'ingest.bad_constant',
          `constants.${name} 的值「${v}」${usedTitle ? `（取自标题「${header.title}」）` : ''}不是可用的${field.type === 'date' ? '日期' : field.type === 'money' ? '金额' : field.type === 'number' ? '数字' : '文字'}。`,
          `constants.${name} = "${v}" is not a valid ${field.type === 'date' ? 'date' : field.type === 'money' ? 'amount' : field.type === 'number' ? 'number' : 'text'} for ${src.displayPath}.`,
          { ...at, key: `constants.${name}` },
        ),
      );
    }
    out[name] = v;
  }
  return out;
}

async function ingestSheet(
  db: Db,
  pick: SheetPick,
  stacked: boolean,
  progress: Progress | undefined,
  t0: number,
  size: number,
  sha256: () => Promise<string>,
  limits: ReaderLimits,
): Promise<InputEntry> {
  const { opened, preview, header } = pick;
  const src = pick.spec;
  const tStart = performance.now();
  const sourceLabel = stacked && opened.sheet ? `${src.displayPath}[${opened.sheet}]` : src.displayPath;
  const label = `读取/read ${sourceLabel}`;
  const constants = resolveConstants(src, opened.sheet, header);
  for (const n of header.notes) progress?.info(`提示/hint ${n}`);
  for (const d of header.byValues) {
    progress?.info(
      `按值识别/by values ${sourceLabel}: 列“${showHeader(d.header)}”作为 ${d.field}（${d.zh}）。如不对，请在 columns 中指定。` +
        ` Column "${showHeader(d.header)}" taken as ${d.field}: ${d.en}.`,
    );
  }
  for (const d of header.rejected) {
    progress?.info(
      `按值否定/values disagree ${sourceLabel}: 列“${showHeader(d.header)}”的表头像 ${d.field}，但${d.zh}，未作为 ${d.field}，保留在 _extra。` +
        ` Column "${showHeader(d.header)}" not taken as ${d.field}: ${d.en}.`,
    );
  }
  for (const o of header.overridden) {
    progress?.info(`提示/hint ${sourceLabel}: ${o.field} 取自 constants，列“${showHeader(o.header)}”保留在 _extra。 ${o.field} comes from constants; column "${showHeader(o.header)}" kept in _extra.`);
  }
  for (const [h, field] of Object.entries(header.suggestions)) {
    progress?.info(
      `提示/hint ${sourceLabel}: 未识别的列“${showHeader(h)}”已保留在 _extra；如果它是 ${field}，请在流水线的 columns 中写 "${h}: ${field}"。` +
        ` Unmapped column "${showHeader(h)}" kept in _extra; if it is ${field}, map it with columns:.`,
    );
  }
  if (header.columns.length > limits.maxColumns) throw tooManyColumns(src.displayPath, opened.sheet, header.headerRow, limits.maxColumns);
  const ncols = Math.max(header.columns.length, 1);
  await db.run(`drop table if exists ${STAGE}`);
  const { rowsRead } = await opened.load(db, {
    stageTable: STAGE,
    headerRow: header.headerRow,
    ncols,
    onProgress: (rows, bytes) => {
      // readers working in JS (transcoding, XLSX) stop here when the run is cancelled (Ctrl-C, SIGTERM)
      throwIfCancelled();
      progress?.tick(label, rows, 'rows', bytes ? `${(bytes / 1e6).toFixed(1)} MB` : undefined);
    },
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
  const c = await classifyAndLoad(db, src, sourceLabel, header, ncols, constants);
  const tNorm = performance.now();
  if (process.env.XUNCHA_PROFILE) process.stderr.write(`[profile] ${sourceLabel}: read ${(tLoad - tStart).toFixed(0)} ms, normalize ${(performance.now() - tLoad).toFixed(0)} ms\n`);
  const stageRows = Object.values(c.counts).reduce((a, b) => a + b, 0);
  const loaded = c.counts.data ?? 0;
  const rejected = c.counts.reject ?? 0;
  const skipped: SkippedCounts = {
    title: aboveTitle,
    header: header.headerRows + (c.counts.header ?? 0),
    blank: aboveBlank + (c.counts.blank ?? 0),
    total: c.counts.total ?? 0,
  };
  const rowsSkipped = skipped.title + skipped.header + skipped.blank + skipped.total;
  if (rowsRead !== firstHeaderRow - 1 + header.headerRows + stageRows) {
    throw new InternalError(
      `row accounting mismatch for ${sourceLabel}: reader saw ${rowsRead} rows, header ends at row ${header.headerRow}, staged ${stageRows}`,
    );
  }
  await db.run(`drop table if exists ${STAGE}`);
  if (c.idForms.suffix || c.idForms.masked) {
    progress?.info(
      `身份证号/IDs ${sourceLabel}: ` +
        (c.idForms.suffix ? `${c.idForms.suffix.toLocaleString('en-US')} 个是18位号码后带成员序号，已取前18位（原文保留在 _extra）；` : '') +
        (c.idForms.masked ? `${c.idForms.masked.toLocaleString('en-US')} 个是打码号码（id_masked），不参与比对，也不算无效号码。` : '') +
        ` ${c.idForms.suffix} with a member suffix (ID used), ${c.idForms.masked} masked (never joined on).`,
    );
  }
  const end = performance.now();
  const entry: InputEntry = {
    table: src.table,
    path: src.displayPath,
    ...(sourceLabel !== src.displayPath ? { source_file: sourceLabel } : {}),
    size,
    sha256: await sha256(),
    format: opened.format,
    encoding: opened.encoding,
    sheet: opened.sheet,
    header_row: header.headerRow,
    mapping: header.mapping,
    unmapped: header.columns.filter((col) => !col.field).map((col) => col.header),
    suggestions: header.suggestions,
    ...(header.byValues.length ? { mapped_by_values: Object.fromEntries(header.byValues.map((d) => [d.field, { header: d.header, evidence: d.zh }])) } : {}),
    ...(header.rejected.length ? { rejected_by_values: Object.fromEntries(header.rejected.map((d) => [d.header, { field: d.field, evidence: d.zh }])) } : {}),
    ...(Object.keys(constants).length ? { constants } : {}),
    ...(c.idForms.suffix || c.idForms.masked ? { id_forms: c.idForms } : {}),
    rows_read: rowsRead,
    rows_loaded: loaded,
    rows_rejected: rejected,
    rows_skipped: rowsSkipped,
    skipped,
    // the first sheet of a file also carries the opening of the workbook and the choice of sheets
    seconds: (end - (stacked ? tStart : t0)) / 1000,
    read_seconds: (tLoad - (stacked ? tStart : t0)) / 1000,
    normalize_seconds: (tNorm - tLoad) / 1000,
  };
  const secs = entry.seconds;
  progress?.done(
    label,
    `${rowsRead.toLocaleString('en-US')} 行读取 · ${loaded.toLocaleString('en-US')} 入库 · ${rejected} 拒收 · ${rowsSkipped} 跳过  (${secs.toFixed(2)} s, ${Math.round(rowsRead / Math.max(secs, 1e-3)).toLocaleString('en-US')} rows/s)`,
  );
  return entry;
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

function fieldExpr(f: FieldSpec, col: ColumnMapping, cell?: string): FieldExpr {
  const c = cell ?? `c${col.index}`;
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
async function classifyAndLoad(
  db: Db,
  src: SourceSpec,
  sourceLabel: string,
  header: HeaderResult,
  ncols: number,
  constants: Record<string, string>,
): Promise<{ counts: Record<string, number>; idForms: { suffix: number; masked: number } }> {
  const table = src.table;
  const spec = TABLES[table];
  const allFields = [...spec.fields, ...(spec.alternates ?? [])];
  const byField = new Map<string, ColumnMapping>();
  for (const col of header.columns) if (col.field) byField.set(col.field, col);
  // constants: a field filled with the same text on every row (a literal in place of a stage column)
  const constCell = new Map<string, string>();
  for (const [name, v] of Object.entries(constants)) {
    byField.set(name, { index: 0, header: `constants.${name}`, label: `constants.${name}`, field: name, scale: 1, texts: [] });
    constCell.set(name, quoteLiteral(v));
  }
  const cells = Array.from({ length: ncols }, (_, i) => `c${i + 1}`);

  // --- classification: blank, total (合计/总计/小计), repeated header, data
  // blank: every cell NULL or whitespace. AND stops at the first non-blank cell, so a data row costs one test.
  const allBlank = '(' + cells.map((c) => `xc_is_blank(${c})`).join(' and ') + ')';
  const firstCells = cells.slice(0, Math.min(3, ncols));
  const keyCols = ['id_number', 'name', 'unit', 'voucher_no', 'summary', 'company_name', 'vendor']
    .map((f) => byField.get(f))
    .filter((x): x is ColumnMapping => Boolean(x) && x!.index > 0)
    .map((x) => `c${x.index}`);
  const totalCells = [...new Set([...firstCells, ...keyCols])];
  // every total word contains 计: a cheap substring test gates the regexes
  const totalProbe = totalCells
    .map((c) => `regexp_matches(regexp_replace(coalesce(${c}, ''), '[\\s\\x{3000}]', '', 'g'), '^(合计|总计|小计|本页合计|本页小计|累计|总合计|本月合计|本年累计)')`)
    .join(' or ');
  // a header repeated on each printed page (one or both rows of a two-row header): at least two cells equal one of
  // their column's header texts, and at least half of the row's non-blank cells do. A substring test on the first
  // two header texts of each header row rules out almost every data row before the comparisons run.
  const withTexts = header.columns.filter((col) => col.texts.length && col.index <= ncols);
  const headerEq = withTexts.map(
    (col) => `(trim(coalesce(c${col.index}, '')) in (${[...new Set(col.texts)].map((t) => quoteLiteral(t)).join(', ')}))::int`,
  );
  const gateCols = [0, 1].flatMap((k) => withTexts.filter((col) => col.texts[k] && (k === 0 || col.texts[1] !== col.texts[0])).slice(0, 2).map((col) => ({ col, text: col.texts[k] })));
  const nonBlank = cells.map((c) => `(not xc_is_blank(${c}))::int`).join(' + ');
  const repeatedHeader =
    headerEq.length >= 2
      ? `(${gateCols.map(({ col, text }) => `contains(coalesce(c${col.index}, ''), ${quoteLiteral(text)})`).join(' or ')}) and (${headerEq.join(' + ')}) >= 2 and (${headerEq.join(' + ')}) * 2 >= (${nonBlank})`
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
    if (col) exprs.push(fieldExpr(f, col, constCell.get(f.name)));
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
      // 凭证字 in a column of its own (金蝶 KIS/K3, 用友 U8): voucher_no becomes 字-号 (收-5), unless the number already
      // starts with the word (记-5)
      if (name === 'voucher_no' && e && ex.get('voucher_word')) {
        const w = V('voucher_word');
        return `case when ${w} is null or ${V(name)} is null or starts_with(${V(name)}, ${w}) then ${V(name)} else ${w} || '-' || ${V(name)} end`;
      }
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

  const extraCols = header.columns.filter(
    (col) => !col.field || (table === 'voucher' && (col.field === 'amount' || col.field === 'direction' || col.field === 'voucher_word')),
  );
  let extra = extraCols.length
    ? `json_object(${extraCols.map((col) => `${quoteLiteral(col.header)}, c${col.index}`).join(', ')})`
    : 'NULL';
  const rawJson = `json_object(${header.columns.map((col) => `${quoteLiteral(col.header)}, c${col.index}`).join(', ')})`;
  const idCol = hasPersonId(table) && ex.get('id_number')?.col.index ? ex.get('id_number') : undefined;
  // ID cells in the forms of SPEC §3.2 keep their written text in _extra under the column's header: an 18-character
  // ID with a member suffix (the ID is used) and a masked ID (not an ID: the field is NULL)
  const keepRaw = (cond: string, col: ColumnMapping) =>
    (extra = `case when ${cond} then json_merge_patch(coalesce(${extra}, '{}'::JSON), json_object(${quoteLiteral(col.header)}, c${col.index})) else ${extra} end`);
  if (idCol) keepRaw('_id_form is not null', idCol.col);
  for (const e of exprs) {
    if (e.field.type === 'id' && e !== idCol && e.col.index > 0) keepRaw(`xc_id_form(c${e.col.index}) is not null`, e.col);
  }

  const marked = `json_object('class', case when _reason is not null then 'reject' else _class end, 'reason', _reason,
       'reason_zh', case when _class = 'reject' then '文件格式错误：' || case
              when _error like '%.too_many_fields' then '该行的列数多于表头，无法确定各值属于哪一列'
              when _error = 'csv.bad_quoting' then '引号不配对，该行无法可靠地拆分成列'
              else _error end
            when _class = 'data' then ${reasonZh} end,
       'raw', case when _reason is not null then coalesce(_raw, ${rawJson}::VARCHAR) end)`;
  const canonical = canonicalColumns(table);
  const selectCols = canonical.map((cd) => {
    if (cd.name === '_source_file') return `${quoteLiteral(sourceLabel)} as _source_file`;
    // marked rows (_bad): negative row number, class and reasons in _extra (see the load statement)
    if (cd.name === '_source_row') return `case when _bad then -_row else _row end as _source_row`;
    if (cd.name === '_extra') return `case when _bad then ${marked} else ${extra} end as _extra`;
    if (hasPersonId(table) && (ID_DERIVED_COLUMNS as readonly string[]).includes(cd.name)) {
      if (!idCol) return cd.name === 'id_masked' ? `false as id_masked` : `NULL as ${quoteIdent(cd.name)}`;
      // a masked ID is neither valid nor invalid (SPEC §3.2)
      if (cd.name === 'id_valid') return `case when _id_form = 'masked' then NULL else coalesce(_id_valid, false) end as id_valid`;
      if (cd.name === 'id_masked') return `coalesce(_id_form = 'masked', false) as id_masked`;
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
  // person ids: normalized and validated once per distinct cell text (payout tables repeat each id on every row), with
  // the number of rows of each, so the ID forms of SPEC §3.2 are counted without another pass over the stage
  const IDS = '_x_ids';
  if (idCell) {
    await db.run(
      `create or replace temp table ${IDS} as
       select _k, n, _id, xc_id_valid(_id) as valid, xc_id_birth(_id) as birth, xc_id_sex(_id) as sex, form
       from (select _k, n, xc_norm_id(_k) as _id, xc_id_form(_k) as form
             from (select ${idCell} as _k, count(*) as n from ${STAGE} where ${idCell} is not null group by 1))`,
      undefined,
      'distinct ids',
    );
  }
  const values = exprs.map((e) => (idCell && e === idCol ? `_ids._id as ${V('id_number')}` : `${e.value} as ${V(e.field.name)}`));
  const loadSql = `insert into ${quoteIdent(table)} select ${selectCols.join(',\n       ')}
     from (
       select *, _class <> 'data' or _reason is not null as _bad
       from (
         select *, case when _class = 'reject' then _error when _class = 'data' then ${reasonCode} end as _reason
         from (
           select s.*${values.length ? ', ' + values.join(', ') : ''}
             ${idCell ? ', _ids.valid as _id_valid, _ids.birth as _id_birth, _ids.sex as _id_sex, _ids.form as _id_form' : ''},
             ${classExpr} as _class
           from ${STAGE} s
           ${
             idCell
               ? `left join ${IDS} as _ids on _ids._k = s.${idCell}`
               : ''
           }
         )
       )
     )`;
  dump(loadSql);
  await db.run(loadSql, undefined, `load ${table} from ${src.displayPath}`);
  prof('load', t);

  t = performance.now();
  const mine = `_source_row < 0 and _source_file = ${quoteLiteral(sourceLabel)}`;
  await db.run(
    `insert into rejects
     select _source_file, -_source_row, ${quoteLiteral(table)}, json_extract_string(_extra, 'reason'), json_extract_string(_extra, 'reason_zh'),
       json_extract_string(_extra, 'raw')
     from ${quoteIdent(table)} where ${mine} and json_extract_string(_extra, 'class') = 'reject' order by -_source_row`,
    undefined,
    `rejects ${sourceLabel}`,
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
  if (exceptions) await db.run(`delete from ${quoteIdent(table)} where ${mine}`, undefined, `drop marked rows of ${sourceLabel}`);
  const stageRows = Number(await db.scalar(`select count(*) from ${STAGE}`, undefined, 'stage rows'));
  if (stageRows - exceptions > 0) counts.data = stageRows - exceptions;
  prof('rejects', t);

  // ID cells of the file in the forms of SPEC §3.2
  const idForms = { suffix: 0, masked: 0 };
  if (idCell) {
    const r = await db.all<{ form: string; n: string }>(`select form, sum(n) as n from ${IDS} where form is not null group by all`, undefined, 'id forms');
    for (const x of r) if (x.form === 'suffix' || x.form === 'masked') idForms[x.form] = Number(x.n);
    await db.run(`drop table if exists ${IDS}`);
  }
  return { counts, idForms };
}
