/**
 * Header detection and alias mapping (SPEC §3): pure functions over the preview rows a reader returns.
 *
 * - The header is the row (among the first rows) with the most cells that are exact aliases of the table's fields;
 *   title rows above it (`滨海县2023年低保名册`, `制表单位：…`) match none.
 * - A two-row header (a merged group cell above, the field names below) is combined: a column whose upper cell
 *   is not an alias takes the lower cell when that one is.
 * - A header with a bracketed unit (`金额（元）`, `注册资本(万元)`) matches after the unit is stripped; 万元 scales money.
 * - Unmapped columns are kept (in `_extra`); an unmapped required field is an error listing the headers found and
 *   the closest aliases.
 */
import Fuse from 'fuse.js';
import { diag, UserError, type Diagnostic } from '../errors.js';
import { TABLES, normalizeHeader, type CanonicalTableName, type FieldSpec } from '../schema/canonical-tables.js';

export interface ColumnMapping {
  /** 1-based column index in the staging table (c1…cN) */
  index: number;
  /** header text as found (trimmed) */
  header: string;
  /** canonical field, or null when the column is kept in _extra */
  field: string | null;
  /** 10000 for 万元 money columns, else 1 */
  scale: number;
}

export interface HeaderResult {
  /** 1-based physical row of the (last) header row; data starts below it */
  headerRow: number;
  /** physical rows that make up the header (1 or 2) */
  headerRows: number;
  columns: ColumnMapping[];
  /** canonical field → header, for the manifest */
  mapping: Record<string, string>;
  /** unmapped headers with the nearest field, for the user's information */
  suggestions: Record<string, string>;
}

interface AliasIndex {
  byAlias: Map<string, string>;
  fields: FieldSpec[];
}

function aliasIndex(table: CanonicalTableName): AliasIndex {
  const fields = [...TABLES[table].fields, ...(TABLES[table].alternates ?? [])];
  const byAlias = new Map<string, string>();
  for (const f of fields) {
    byAlias.set(normalizeHeader(f.name), f.name);
    for (const a of f.aliases) byAlias.set(normalizeHeader(a), f.name);
  }
  return { byAlias, fields };
}

const NOTE_RE = /\s*[(（\[【][^()（）\[\]【】]*[)）\]】]\s*$/;
const UNIT_RE = /[(（\[【]\s*(?:单位[:：]?\s*)?(万元|元|亩|平方米|㎡|m2|人民币元|万)\s*[)）\]】]\s*$/i;

/** Match one header cell to a field: explicit columns first, then exact alias, then alias after stripping a unit. */
export function matchHeader(
  header: string,
  idx: AliasIndex,
  explicit: Map<string, string>,
): { field: string | null; scale: number } {
  const norm = normalizeHeader(header);
  if (!norm) return { field: null, scale: 1 };
  const unit = header.match(UNIT_RE)?.[1];
  const scale = unit === '万元' || unit === '万' ? 10000 : 1;
  const ex = explicit.get(norm);
  if (ex) return { field: ex, scale };
  const exact = idx.byAlias.get(norm);
  if (exact) return { field: exact, scale: 1 };
  if (unit) {
    const stripped = normalizeHeader(header.replace(UNIT_RE, ''));
    const f = explicit.get(stripped) ?? idx.byAlias.get(stripped);
    if (f) return { field: f, scale };
  }
  // a trailing bracketed note: `身份证号码(18位)`, `姓名（户主）`, `发放日期【年月日】`
  const noted = header.match(NOTE_RE);
  if (noted) {
    const stripped = normalizeHeader(header.slice(0, noted.index));
    const f = explicit.get(stripped) ?? idx.byAlias.get(stripped);
    if (f) return { field: f, scale: /万元/.test(noted[0]) ? 10000 : 1 };
  }
  return { field: null, scale: 1 };
}

function cellText(v: unknown): string {
  return v == null ? '' : String(v).replace(/^\uFEFF/, '').trim();
}

export interface DetectOptions {
  table: CanonicalTableName;
  file: string;
  sheet?: string | null;
  headerRow?: number;
  columns?: Record<string, string>;
  /** how many leading rows may be title rows */
  maxScan?: number;
}

export function detectHeader(preview: string[][], opts: DetectOptions): HeaderResult {
  const idx = aliasIndex(opts.table);
  const explicit = new Map(Object.entries(opts.columns ?? {}).map(([h, f]) => [normalizeHeader(h), f]));
  const at = { file: opts.file, ...(opts.sheet ? { sheet: opts.sheet } : {}) };
  const score = (row: string[] | undefined) => {
    if (!row) return 0;
    const seen = new Set<string>();
    for (const c of row) {
      const m = matchHeader(cellText(c), idx, explicit);
      if (m.field) seen.add(m.field);
    }
    return seen.size;
  };

  let headerIdx: number; // 0-based index into preview
  if (opts.headerRow != null) {
    headerIdx = opts.headerRow - 1;
    if (headerIdx >= preview.length) {
      throw new UserError(
        diag('ingest.header_row_out_of_range', `header_row: ${opts.headerRow} 超出了文件的行数（共 ${preview.length} 行）。`, `header_row ${opts.headerRow} is beyond the end of the file (${preview.length} rows).`, at),
      );
    }
  } else {
    const maxScan = Math.min(preview.length, opts.maxScan ?? 30);
    let best = -1;
    let bestScore = 0;
    for (let i = 0; i < maxScan; i++) {
      const s = score(preview[i]);
      if (s > bestScore) {
        best = i;
        bestScore = s;
      }
    }
    if (best < 0) {
      const firstRows = preview
        .slice(0, 5)
        .map((r, i) => `  第${i + 1}行: ${r.map(cellText).filter(Boolean).slice(0, 12).join(' | ')}`)
        .join('\n');
      throw new UserError(
        diag(
          'ingest.header_not_found',
          `在 ${opts.file} 的前 ${maxScan} 行中找不到 ${TABLES[opts.table].zh}（${opts.table}）的表头：没有一个单元格是已知的列名。请在流水线中用 header_row 指定表头所在行，或用 columns 指定列名映射。\n${firstRows}`,
          `No header row for table ${opts.table} in the first ${maxScan} rows of ${opts.file}: no cell is a known column name. Set header_row, or map headers with columns:.`,
          at,
        ),
      );
    }
    headerIdx = best;
  }

  const upper = (preview[headerIdx] ?? []).map(cellText);
  let headers = upper.slice();
  let headerRows = 1;
  // two-row header: lower row supplies field names under merged group cells
  const lower = preview[headerIdx + 1]?.map(cellText);
  if (opts.headerRow == null && lower) {
    let gains = 0;
    const combined = headers.slice();
    const n = Math.max(headers.length, lower.length);
    for (let i = 0; i < n; i++) {
      const up = headers[i] ?? '';
      const lo = lower[i] ?? '';
      const upField = matchHeader(up, idx, explicit).field;
      const loField = matchHeader(lo, idx, explicit).field;
      const mergedAbove = up !== '' && (headers[i - 1] === up || headers[i + 1] === up);
      if (loField && (!upField || mergedAbove)) {
        combined[i] = lo;
        gains++;
      } else if (!up && lo) combined[i] = lo;
    }
    if (gains > 0 && score(combined) > score(headers)) {
      headers = combined;
      headerRows = 2;
    }
  }
  // trim trailing empty header cells
  while (headers.length && !headers[headers.length - 1]) headers.pop();

  const columns: ColumnMapping[] = [];
  const mapping: Record<string, string> = {};
  const dupes: Diagnostic[] = [];
  const usedNames = new Map<string, number>();
  headers.forEach((h, i) => {
    let header = h || `列${i + 1}`;
    const m = matchHeader(h, idx, explicit);
    if (m.field && mapping[m.field] !== undefined) {
      dupes.push(
        diag(
          'ingest.duplicate_header',
          `${opts.file} 中有两列都对应字段 ${m.field}："${mapping[m.field]}" 和 "${h}"（第${i + 1}列）。无法确定用哪一列，请用 columns 明确映射其中一列，或删除重复列。`,
          `Two columns of ${opts.file} map to field ${m.field}: "${mapping[m.field]}" and "${h}" (column ${i + 1}). Map one explicitly with columns:, or remove the duplicate.`,
          { ...at, row: headerIdx + headerRows },
        ),
      );
    }
    const seen = usedNames.get(header) ?? 0;
    usedNames.set(header, seen + 1);
    if (seen > 0) header = `${header}_${seen + 1}`;
    if (m.field) mapping[m.field] = h;
    columns.push({ index: i + 1, header, field: m.field, scale: m.scale });
  });
  if (dupes.length) throw new UserError(dupes);

  const problems = missingRequired(opts.table, mapping, headers, at);
  if (problems.length) throw new UserError(problems);

  const suggestions: Record<string, string> = {};
  const fuse = fieldFuse(opts.table);
  for (const c of columns) {
    if (c.field || !c.header) continue;
    const r = fuse.search(normalizeHeader(c.header))[0];
    if (r && (r.score ?? 1) <= 0.35) suggestions[c.header] = r.item.field;
  }
  return { headerRow: headerIdx + headerRows, headerRows, columns, mapping, suggestions };
}

function fieldFuse(table: CanonicalTableName) {
  const items = [...TABLES[table].fields, ...(TABLES[table].alternates ?? [])].flatMap((f) =>
    f.aliases.map((a) => ({ field: f.name, alias: normalizeHeader(a), shown: a })),
  );
  return new Fuse(items, { keys: ['alias'], includeScore: true, threshold: 0.5, ignoreLocation: true });
}

function missingRequired(
  table: CanonicalTableName,
  mapping: Record<string, string>,
  headers: string[],
  at: { file: string; sheet?: string },
): Diagnostic[] {
  const spec = TABLES[table];
  const out: Diagnostic[] = [];
  const has = (f: string) => mapping[f] !== undefined;
  const fuse = fieldFuse(table);
  const nearest = (field: FieldSpec) => {
    // the found headers closest to this field's aliases
    const hits: { header: string; score: number }[] = [];
    for (const h of headers.filter(Boolean)) {
      const r = fuse.search(normalizeHeader(h)).filter((x) => x.item.field === field.name)[0];
      if (r) hits.push({ header: h, score: r.score ?? 1 });
    }
    return hits.sort((a, b) => a.score - b.score).slice(0, 3);
  };
  const report = (field: FieldSpec, extraZh = '', extraEn = '') => {
    const near = nearest(field);
    out.push(
      diag(
        'ingest.missing_required_column',
        `${at.file}：${spec.zh}（${table}）缺少必需的列「${field.zh}」（${field.name}）${extraZh}。可识别的列名：${field.aliases.join('、')}。文件中的列：${headers.filter(Boolean).join('、')}。${near.length ? `最接近的列：${near.map((n) => n.header).join('、')}——如果是它，请在流水线的 columns 中写 "${near[0].header}: ${field.name}"。` : '请在流水线的 columns 中指定哪一列是它。'}`,
        `${at.file}: table ${table} needs column ${field.name}${extraEn}; recognised headers: ${field.aliases.join(', ')}. Headers found: ${headers.filter(Boolean).join(', ')}.${near.length ? ` Closest: ${near.map((n) => n.header).join(', ')} — map it with columns: { "${near[0].header}": ${field.name} }.` : ' Map it with columns:.'}`,
        at,
      ),
    );
  };
  for (const f of spec.fields) {
    if (!f.required || has(f.name)) continue;
    // voucher: debit/credit may come as one amount column plus a 借/贷 direction column
    if (table === 'voucher' && (f.name === 'debit' || f.name === 'credit') && has('amount') && has('direction')) continue;
    report(f, table === 'voucher' && (f.name === 'debit' || f.name === 'credit') ? '（或“金额”+“借贷方向”两列）' : '', table === 'voucher' ? ' (or an amount column plus a direction column)' : '');
  }
  const groups = new Map<string, FieldSpec[]>();
  for (const f of spec.fields) if (f.oneOf) groups.set(f.oneOf, [...(groups.get(f.oneOf) ?? []), f]);
  for (const [, fs] of groups) {
    if (!fs.some((f) => has(f.name))) report(fs[0], `（或「${fs.slice(1).map((f) => f.zh).join('、')}」之一）`, ` (or one of ${fs.slice(1).map((f) => f.name).join(', ')})`);
  }
  return out;
}
