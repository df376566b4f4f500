/**
 * Header detection and mapping (SPEC §3, §3.2): pure functions over the preview rows a reader returns.
 *
 * - The header is the row (among the first rows) whose cells name the most fields; title rows above it
 *   (`滨海县2023年低保名册`, `制表单位：…`) name none. Its text above the header is the source's `{title}`.
 * - Two-row headers: a group row over a sub-header row (merged group cells, or a group label followed by blank
 *   cells in CSV) gives columns named `group/sub` (`养老/起缴时间`, `金额/借方`). A column is mapped on the
 *   combination (`户主信息/身份证号` → 户主身份证号 → head_id_number), or on its sub-header alone when that word
 *   appears under one group only; a sub-header repeated under several groups (`单位` under 大病/生育/公积金) maps
 *   by its combination or not at all, so it is never a duplicate-field error.
 * - Header words: `columns:` first, then the table's aliases, then its `weak` words (only for fields no alias named;
 *   the first in list order wins, confirmed by values). A header with a bracketed unit (`金额（元）`,
 *   `注册资本(万元)`) or note (`身份证号码(18位)`) matches after it is stripped; 万元 scales money.
 * - Values (value-profile.ts): a sample of each column's values rejects a header mapping they contradict, maps a
 *   required field no header named when exactly one column clearly holds it, and keeps suggestions plausible.
 * - Fields given by `constants:` count as mapped; a column naming such a field is kept in `_extra`.
 * - Unmapped columns are kept (in `_extra`); an unmapped required field is an error listing the headers found with
 *   sample values and the nearest fields; a `columns:` key that matches no header is an error naming the nearest.
 */
import Fuse from 'fuse.js';
import { diag, UserError, type Diagnostic } from '../errors.js';
import { mappableFields, normalizeHeader, TABLES, type CanonicalTableName, type FieldSpec } from '../schema/canonical-tables.js';
import { isBlank } from '../normalize/halfwidth.js';
import { parseNumber } from '../normalize/money.js';
import { fitShare, profileColumn, recogniseByValues, rejectReason, type ColumnProfile } from './value-profile.js';

export type MappedBy = 'columns' | 'alias' | 'weak' | 'values';

export interface ColumnMapping {
  /** 1-based column index in the staging table (c1…cN) */
  index: number;
  /** column name: the header text (line breaks removed), `group/sub` under a two-row header, `列N` when empty */
  header: string;
  /** canonical field, or null when the column is kept in _extra */
  field: string | null;
  /** 10000 for 万元 money columns, else 1 */
  scale: number;
  /** the header cells of this column as written in the file (upper and lower row), for repeated-header rows */
  texts: string[];
  /** the header as written (line breaks kept), for messages through showHeader */
  label: string;
  /** how the field was found */
  by?: MappedBy;
}

export interface ValueDecision {
  header: string;
  field: string;
  zh: string;
  en: string;
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
  /** fields recognised by their values (no header named them) */
  byValues: ValueDecision[];
  /** header mappings the values contradicted (the column is kept in _extra) */
  rejected: ValueDecision[];
  /** columns that name a field given by constants (kept in _extra) */
  overridden: { header: string; field: string }[];
  /** the first non-blank row above the header (its distinct cells joined by a space), or null */
  title: string | null;
  /** notes for stderr (bilingual), e.g. a weak header word that matched two columns */
  notes: string[];
}

interface AliasIndex {
  table: CanonicalTableName;
  fields: FieldSpec[];
  byName: Map<string, FieldSpec>;
  strong: Map<string, string>;
  /** normalized weak word → field and its rank in the field's weak list */
  weak: Map<string, { field: string; rank: number }>;
  explicit: Map<string, string>;
}

function aliasIndex(table: CanonicalTableName, columns?: Record<string, string>): AliasIndex {
  const fields = mappableFields(table);
  const strong = new Map<string, string>();
  const weak = new Map<string, { field: string; rank: number }>();
  for (const f of fields) {
    strong.set(normalizeHeader(f.name), f.name);
    for (const a of f.aliases) strong.set(normalizeHeader(a), f.name);
  }
  for (const f of fields) {
    (f.weak ?? []).forEach((a, rank) => {
      const k = normalizeHeader(a);
      if (!strong.has(k) && !weak.has(k)) weak.set(k, { field: f.name, rank });
    });
  }
  const explicit = new Map(Object.entries(columns ?? {}).map(([h, f]) => [normalizeHeader(h), f]));
  return { table, fields, byName: new Map(fields.map((f) => [f.name, f])), strong, weak, explicit };
}

const NOTE_RE = /\s*[(（\[【][^()（）\[\]【】]*[)）\]】]\s*$/;
const UNIT_RE = /[(（\[【]\s*(?:单位[:：]?\s*)?(万元|元|亩|平方米|㎡|m2|人民币元|万)\s*[)）\]】]\s*$/i;

/** The normalized forms a header text is looked up by: as written, without a bracketed unit, without a trailing note. */
function lookupForms(header: string): { key: string; scale: number }[] {
  const out: { key: string; scale: number }[] = [];
  const norm = normalizeHeader(header);
  if (!norm) return out;
  const unit = header.match(UNIT_RE)?.[1];
  const scale = unit === '万元' || unit === '万' ? 10000 : 1;
  out.push({ key: norm, scale });
  if (unit) out.push({ key: normalizeHeader(header.replace(UNIT_RE, '')), scale });
  const noted = header.match(NOTE_RE);
  if (noted) out.push({ key: normalizeHeader(header.slice(0, noted.index)), scale: /万元/.test(noted[0]) ? 10000 : 1 });
  return out;
}

type Hit = { field: string; scale: number; by: MappedBy; rank: number; key: string };

/** Match header texts (candidates in priority order) to a field: explicit columns, then aliases, then weak words. */
function matchTexts(texts: string[], idx: AliasIndex): Hit | null {
  const forms = texts.flatMap((t) => lookupForms(t));
  for (const f of forms) {
    const ex = idx.explicit.get(f.key);
    if (ex) return { field: ex, scale: f.scale, by: 'columns', rank: 0, key: f.key };
  }
  for (const f of forms) {
    const s = idx.strong.get(f.key);
    if (s) return { field: s, scale: f.scale, by: 'alias', rank: 0, key: f.key };
  }
  for (const f of forms) {
    const w = idx.weak.get(f.key);
    if (w) return { field: w.field, scale: f.scale, by: 'weak', rank: w.rank, key: f.key };
  }
  return null;
}

/** Match one header cell to a field (explicit columns first, then aliases, then weak words). */
export function matchHeader(header: string, table: CanonicalTableName, columns?: Record<string, string>): { field: string | null; scale: number } {
  const m = matchTexts([header], aliasIndex(table, columns));
  return { field: m?.field ?? null, scale: m?.scale ?? 1 };
}

function cellText(v: unknown): string {
  return v == null ? '' : String(v).replace(/^\uFEFF/, '').trim();
}

/** A header text as shown in messages: line breaks and tabs escaped, so a multi-line Excel header stays on one line. */
export function showHeader(h: string): string {
  return h.replace(/\r\n|\r|\n/g, '\\n').replace(/\t/g, '\\t');
}

/** Column name for a header text: line breaks inside an Excel header cell removed. */
function columnName(h: string): string {
  return h.replace(/\s*(?:\r\n|\r|\n)\s*/g, '');
}

export interface DetectOptions {
  table: CanonicalTableName;
  file: string;
  sheet?: string | null;
  headerRow?: number;
  columns?: Record<string, string>;
  /** fields filled by `constants:` for every row */
  constants?: string[];
  /** how many leading rows may be title rows */
  maxScan?: number;
}

interface ColumnHead {
  name: string;
  /** as written, for messages */
  label: string;
  /** texts to match, in priority order */
  candidates: string[];
  /** header cells as written */
  texts: string[];
  group: string;
  sub: string;
}

const GROUP_SUFFIX = /(?:基本信息|基本情况|信息|情况|资料)$/;
const DATE_LIKE = /^(?:[12][0-9]{3}\s*[-/.年]\s*[0-9]{1,2}(?:\s*[-/.月]\s*[0-9]{1,2})?|(?:19|20)[0-9]{6})/;

/** A cell that holds a value rather than a header word: a number, a date, an ID. */
function valueLike(v: string): boolean {
  if (!v) return false;
  if (parseNumber(v) != null) return true;
  if (DATE_LIKE.test(v.replace(/\s/g, ''))) return true;
  return /^[0-9X*]{15,20}$/i.test(v.replace(/\s/g, ''));
}

const NOTE_CELL = /^(?:[(（\[【<《][^()（）\[\]【】]*[)）\]】>》]|(?:单位[:：]?)?(?:元|万元|亩|平方米|㎡|人|户|%|必填|选填|非必填|必填项|选填项))$/;

/** A row of bracketed notes and units only (（必填）, （元）, 单位：元), as import templates put under their headers. */
function notesRow(row: string[] | undefined): boolean {
  const cells = (row ?? []).filter(Boolean);
  return cells.length >= 2 && cells.every((c) => NOTE_CELL.test(c.replace(/\s/g, '')));
}

function singleHeads(row: string[]): ColumnHead[] {
  return row.map((h) => ({ name: columnName(h), label: h, candidates: h ? [h] : [], texts: h ? [h] : [], group: '', sub: '' }));
}

/**
 * Column heads from a group row over a sub-header row. Returns null unless the lower row reads as header words
 * (no numbers, dates or IDs). `spans`: groups with at least two sub-columns.
 */
function twoRowHeads(upper: string[], lower: string[], asAbove: boolean): { heads: ColumnHead[]; spans: number; merged: number } | null {
  const n = Math.max(upper.length, lower.length);
  const lo = Array.from({ length: n }, (_, i) => lower[i] ?? '');
  const up = Array.from({ length: n }, (_, i) => upper[i] ?? '');
  const loCells = lo.filter(Boolean);
  if (loCells.length < 2 || loCells.some(valueLike)) return null;
  if (asAbove) {
    // a group row above the best header row: short labels, no "制表单位：" notes, no single title over everything
    const labels = up.filter(Boolean);
    if (labels.some((l) => l.length > 16 || /[:：]/.test(l) || valueLike(l))) return null;
    if (new Set(labels).size < 2) return null;
  }
  const groups: string[] = [];
  for (let i = 0; i < n; i++) {
    if (up[i]) groups[i] = up[i];
    // CSV: a group label stands in its first column only; the blank cells after it belong to it while the lower row goes on
    else if (lo[i] && i > 0 && groups[i - 1] && lo[i - 1] && normalizeHeader(groups[i - 1]) !== normalizeHeader(lo[i - 1])) groups[i] = groups[i - 1];
    else groups[i] = '';
  }
  const subsUnder = new Map<string, Set<string>>();
  const subCount = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    const s = lo[i];
    if (g && s && normalizeHeader(g) !== normalizeHeader(s)) {
      const set = subsUnder.get(g) ?? new Set<string>();
      set.add(normalizeHeader(s));
      subsUnder.set(g, set);
      subCount.set(normalizeHeader(s), (subCount.get(normalizeHeader(s)) ?? 0) + 1);
    }
  }
  const spans = [...subsUnder.values()].filter((s) => s.size >= 2).length;
  // groups written as merged cells (the reader repeats the label over the merge), not a label followed by blanks
  const merged = [...subsUnder.keys()].filter((g) => up.some((u, i) => u === g && up[i + 1] === g)).length;
  if (asAbove && spans === 0) return null;
  const heads: ColumnHead[] = [];
  for (let i = 0; i < n; i++) {
    const g = groups[i];
    const s = lo[i];
    const texts = [up[i], lo[i]].filter(Boolean);
    if (g && s && normalizeHeader(g) !== normalizeHeader(s)) {
      const gs = g.replace(GROUP_SUFFIX, '');
      const cands = [`${g}/${s}`, `${g}${s}`];
      if (gs && gs !== g) cands.push(`${gs}${s}`);
      if ((subCount.get(normalizeHeader(s)) ?? 0) <= 1) cands.push(s);
      heads.push({ name: `${columnName(g)}/${columnName(s)}`, label: `${g}/${s}`, candidates: cands, texts, group: g, sub: s });
    } else if (g) {
      heads.push({ name: columnName(g), label: g, candidates: [g], texts, group: '', sub: '' });
    } else if (s) {
      heads.push({ name: columnName(s), label: s, candidates: [s], texts, group: '', sub: '' });
    } else {
      heads.push({ name: '', label: '', candidates: [], texts: [], group: '', sub: '' });
    }
  }
  return { heads, spans, merged };
}

/** Distinct fields the heads name (explicit and aliases count 1, weak words 0.5). */
function headsScore(heads: ColumnHead[], idx: AliasIndex): number {
  const strong = new Set<string>();
  const weak = new Set<string>();
  for (const h of heads) {
    const m = matchTexts(h.candidates, idx);
    if (!m) continue;
    if (m.by === 'weak') weak.add(m.field);
    else strong.add(m.field);
  }
  let s = strong.size;
  for (const w of weak) if (!strong.has(w)) s += 0.5;
  return s;
}

/** How well the best single header row of a preview names the table's fields (for ranking sheets). */
export function bestHeaderScore(preview: string[][], opts: DetectOptions): number {
  const idx = aliasIndex(opts.table, opts.columns);
  let best = 0;
  const n = Math.min(preview.length, opts.maxScan ?? 30);
  for (let i = 0; i < n; i++) best = Math.max(best, headsScore(singleHeads((preview[i] ?? []).map(cellText)), idx));
  return best;
}

const TOTAL_RE = /^(合计|总计|小计|本页合计|本页小计|累计|总合计|本月合计|本年累计)/;

export function detectHeader(preview: string[][], opts: DetectOptions): HeaderResult {
  const idx = aliasIndex(opts.table, opts.columns);
  const at = { file: opts.file, ...(opts.sheet ? { sheet: opts.sheet } : {}) };
  const rows = preview.map((r) => (r ?? []).map(cellText));

  // --- 1. the header row
  let headerIdx: number; // 0-based
  if (opts.headerRow != null) {
    headerIdx = opts.headerRow - 1;
    if (headerIdx >= rows.length) {
      throw new UserError(
        diag('ingest.header_row_out_of_range', `header_row: ${opts.headerRow} 超出了文件的行数（共 ${rows.length} 行）。`, `header_row ${opts.headerRow} is beyond the end of the file (${rows.length} rows).`, at),
      );
    }
  } else {
    const maxScan = Math.min(rows.length, opts.maxScan ?? 30);
    let best = -1;
    let bestScore = 0;
    for (let i = 0; i < maxScan; i++) {
      const s = headsScore(singleHeads(rows[i]), idx);
      if (s > bestScore) {
        best = i;
        bestScore = s;
      }
    }
    if (best < 0) {
      const firstRows = rows
        .slice(0, 5)
        .map((r, i) => `  第${i + 1}行: ${r.filter(Boolean).slice(0, 12).map(showHeader).join(' | ')}`)
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

  // --- 2. one header row or two (group row over sub-header row)
  let heads = singleHeads(rows[headerIdx]);
  let firstIdx = headerIdx;
  let lastIdx = headerIdx;
  const single = headsScore(heads, idx);
  let bestTwo = -1;
  const below = rows[headerIdx + 1] ? twoRowHeads(rows[headerIdx], rows[headerIdx + 1], false) : null;
  if (below) {
    const s = headsScore(below.heads, idx);
    // a sub-header row under groups, or a row of notes and units under the header (（必填）, （元）) belongs to it
    if (below.spans >= 1 || notesRow(rows[headerIdx + 1]) ? s >= single : s > single) {
      heads = below.heads;
      lastIdx = headerIdx + 1;
      bestTwo = s;
    }
  }
  if (opts.headerRow == null && headerIdx > 0 && rows[headerIdx - 1]?.some(Boolean)) {
    // a group row above the best row: taken when it names more fields, or when its groups are merged cells (a
    // label followed by blank CSV cells above the header is as likely a title or a note)
    const above = twoRowHeads(rows[headerIdx - 1], rows[headerIdx], true);
    if (above) {
      const s = headsScore(above.heads, idx);
      if ((s > single || (s === single && above.merged > 0)) && s > bestTwo) {
        heads = above.heads;
        firstIdx = headerIdx - 1;
        lastIdx = headerIdx;
      }
    }
  }
  while (heads.length && !heads[heads.length - 1].name) heads.pop();
  const headerRows = lastIdx - firstIdx + 1;

  // title text: the first non-blank row above the header
  let title: string | null = null;
  for (let i = 0; i < firstIdx; i++) {
    const cells = [...new Set(rows[i].filter(Boolean))];
    if (cells.length) {
      title = cells.join(' ');
      break;
    }
  }

  // --- 3. sample values below the header
  const sample: string[][] = heads.map(() => []);
  for (let r = lastIdx + 1, taken = 0; r < rows.length && taken < 200; r++) {
    const row = rows[r];
    if (!row.some((c) => !isBlank(c))) continue;
    if (row.slice(0, 3).some((c) => TOTAL_RE.test(c.replace(/\s/g, '')))) continue;
    if (heads.filter((h, i) => h.texts.length && h.texts.includes(row[i] ?? '')).length >= 2) continue; // repeated header
    heads.forEach((_, i) => sample[i].push(row[i] ?? ''));
    taken++;
  }
  const profiles = sample.map((v) => profileColumn(v));

  // --- 4. map by header words
  const columns: ColumnMapping[] = [];
  const usedNames = new Map<string, number>();
  const usedExplicit = new Set<string>();
  const hits: (Hit | null)[] = [];
  heads.forEach((h, i) => {
    let name = h.name || `列${i + 1}`;
    const seen = usedNames.get(name) ?? 0;
    usedNames.set(name, seen + 1);
    if (seen > 0) name = `${name}_${seen + 1}`;
    const m = matchTexts(h.candidates, idx);
    if (m?.by === 'columns') usedExplicit.add(m.key);
    hits.push(m);
    columns.push({ index: i + 1, header: name, field: null, scale: m?.scale ?? 1, texts: h.texts, label: seen > 0 ? name : h.label || name });
  });

  const rejected: ValueDecision[] = [];
  const notes: string[] = [];
  const overridden: { header: string; field: string }[] = [];
  const constants = new Set(opts.constants ?? []);
  const dupes: Diagnostic[] = [];
  const mapping: Record<string, string> = {};
  const labelOf = (name: string) => columns.find((c) => c.header === name)?.label ?? name;

  // explicit columns and aliases
  columns.forEach((c, i) => {
    const m = hits[i];
    if (!m || m.by === 'weak') return;
    const field = idx.byName.get(m.field);
    if (!field) return;
    if (m.by === 'alias') {
      const why = rejectReason(field, profiles[i], false);
      if (why) {
        rejected.push({ header: c.header, field: m.field, ...why });
        return;
      }
    }
    if (mapping[m.field] !== undefined) {
      dupes.push(
        diag(
          'ingest.duplicate_header',
          `${opts.file} 中有两列都对应字段 ${m.field}："${showHeader(labelOf(mapping[m.field]))}" 和 "${showHeader(c.label)}"（第${i + 1}列）。无法确定用哪一列，请用 columns 明确映射其中一列，或删除重复列。`,
          `Two columns of ${opts.file} map to field ${m.field}: "${showHeader(labelOf(mapping[m.field]))}" and "${showHeader(c.label)}" (column ${i + 1}). Map one explicitly with columns:, or remove the duplicate.`,
          { ...at, row: lastIdx + 1 },
        ),
      );
      return;
    }
    c.field = m.field;
    c.by = m.by;
    c.scale = m.scale;
    mapping[m.field] = c.header;
  });
  if (dupes.length) throw new UserError(dupes);

  // weak words, for fields nothing else named: lowest rank first, confirmed by values; a tie is left unmapped
  const weakByField = new Map<string, number[]>();
  columns.forEach((c, i) => {
    const m = hits[i];
    if (m?.by === 'weak' && !c.field && mapping[m.field] === undefined) weakByField.set(m.field, [...(weakByField.get(m.field) ?? []), i]);
  });
  for (const [fieldName, cols] of weakByField) {
    const field = idx.byName.get(fieldName)!;
    const ok = cols.filter((i) => {
      const why = rejectReason(field, profiles[i], true);
      if (why) rejected.push({ header: columns[i].header, field: fieldName, ...why });
      return !why;
    });
    if (!ok.length) continue;
    const best = Math.min(...ok.map((i) => hits[i]!.rank));
    const top = ok.filter((i) => hits[i]!.rank === best);
    if (top.length > 1) {
      notes.push(
        `${opts.file}：列 ${top.map((i) => `“${showHeader(columns[i].label)}”`).join('、')} 都可能是 ${fieldName}，无法确定，均保留在 _extra；如需要请在 columns 中指定。` +
          ` Columns ${top.map((i) => `"${showHeader(columns[i].label)}"`).join(', ')} could each be ${fieldName}; none was mapped (map one with columns:).`,
      );
      continue;
    }
    const c = columns[top[0]];
    c.field = fieldName;
    c.by = 'weak';
    c.scale = hits[top[0]]!.scale;
    mapping[fieldName] = c.header;
  }

  // constants win over columns
  for (const c of columns) {
    if (c.field && constants.has(c.field)) {
      overridden.push({ header: c.header, field: c.field });
      delete mapping[c.field];
      c.field = null;
      c.by = undefined;
    }
  }

  // --- 5. required fields no header named: recognised by values when exactly one column clearly holds them
  const spec = TABLES[opts.table];
  const has = (f: string) => mapping[f] !== undefined || constants.has(f);
  const voucherAlt = opts.table === 'voucher' && has('amount') && has('direction');
  const fuse = fieldFuse(opts.table);
  const otherRole = (header: string, field: FieldSpec) => otherPerson(header, field, fuse, idx);
  const valueCandidates = (field: FieldSpec) =>
    columns
      .map((c, i) => ({ c, i, why: c.field || overridden.some((o) => o.header === c.header) ? null : recogniseByValues(field, c.header, profiles[i]) }))
      .filter((x): x is { c: ColumnMapping; i: number; why: { zh: string; en: string } } => x.why != null && !otherRole(x.c.header, field));
  const byValues: ValueDecision[] = [];
  const ambiguous = new Map<string, string[]>();
  const wanted: FieldSpec[] = [];
  for (const f of spec.fields) {
    if (!f.required || has(f.name)) continue;
    if (voucherAlt && (f.name === 'debit' || f.name === 'credit')) continue;
    wanted.push(f);
  }
  const groups = new Map<string, FieldSpec[]>();
  for (const f of spec.fields) if (f.oneOf) groups.set(f.oneOf, [...(groups.get(f.oneOf) ?? []), f]);
  for (const [, fs] of groups) if (!fs.some((f) => has(f.name))) wanted.push(...fs);
  for (const f of wanted) {
    if (has(f.name) || (f.oneOf && groups.get(f.oneOf)!.some((g) => has(g.name)))) continue;
    const cands = valueCandidates(f);
    if (cands.length === 1) {
      const { c, why } = cands[0];
      c.field = f.name;
      c.by = 'values';
      mapping[f.name] = c.header;
      byValues.push({ header: c.header, field: f.name, ...why });
    } else if (cands.length > 1) {
      ambiguous.set(f.name, cands.map((x) => x.c.header));
    }
  }

  // --- 6. an unmapped required field is an error
  const headerList = columns.filter((c) => heads[c.index - 1]?.name);
  const problems = missingRequired(opts.table, mapping, constants, headerList, profiles, ambiguous, at, idx);
  if (problems.length) throw new UserError(problems);

  // --- 7. a columns: key that matches no header
  const unused: Diagnostic[] = [];
  for (const [key, field] of Object.entries(opts.columns ?? {})) {
    if (usedExplicit.has(normalizeHeader(key))) continue;
    if (lookupForms(key).some((f) => usedExplicit.has(f.key))) continue;
    const near = nearestHeaders(key, heads);
    unused.push(
      diag(
        'ingest.column_not_found',
        `columns 中的「${showHeader(key)}」（→ ${field}）在 ${opts.file} 的表头中找不到。${near.length ? `最接近的表头：${near.map((h) => `「${showHeader(h)}」`).join('、')}。` : ''}文件中的表头：${headerList.map((c) => showHeader(c.label)).join('、')}。`,
        `columns key "${showHeader(key)}" (→ ${field}) matches no header of ${opts.file}.${near.length ? ` Nearest: ${near.map((h) => `"${showHeader(h)}"`).join(', ')}.` : ''} Headers: ${headerList.map((c) => showHeader(c.label)).join(', ')}.`,
        { ...at, key: `columns.${key}` },
      ),
    );
  }
  if (unused.length) throw new UserError(unused);

  // --- 8. suggestions for unmapped columns: near a field's words, and the values fit the field's type
  const suggestions: Record<string, string> = {};
  columns.forEach((c, i) => {
    if (c.field || !heads[i]?.name || overridden.some((o) => o.header === c.header)) return;
    const r = fuse.search(normalizeHeader(c.header)).find((x) => (x.score ?? 1) <= 0.35 && mapping[x.item.field] === undefined && !constants.has(x.item.field));
    if (!r) return;
    const f = idx.byName.get(r.item.field)!;
    if (fitShare(f.type, profiles[i], true) >= 0.5) suggestions[c.header] = f.name;
  });

  // the manifest lists the mapping in column order
  const ordered: Record<string, string> = {};
  for (const c of columns) if (c.field) ordered[c.field] = c.header;
  return {
    headerRow: lastIdx + 1,
    headerRows,
    columns,
    mapping: ordered,
    suggestions,
    byValues,
    rejected,
    overridden,
    title,
    notes,
  };
}

/** Words naming a person other than the row's subject: 户主, 申请人, 干部, 开户人, 经办人 … */
const ROLE_WORDS = /户主|申请人|干部|配偶|代理人|经办人|监护人|联系人|法定代表人|法人|开户|账户|持卡|领款|收款|负责人|审核|制单|复核|记账|出纳|股东|投资人|承包方|权利人|所有人|车主|死者|备案人/;

/**
 * Whether a header names another person or field than `field`, so its values must not make it `field`: the header
 * holds a role word the field's own words do not (户主身份证号 is not the member's ID in a payout list), or it reads
 * as another field of the same type (户主证件 → head_id_number).
 */
function otherPerson(header: string, field: FieldSpec, fuse: ReturnType<typeof fieldFuse>, idx: AliasIndex): boolean {
  const role = field.type === 'id' || field.type === 'name' ? header.match(ROLE_WORDS)?.[0] : undefined;
  if (role && !field.aliases.some((a) => a.includes(role))) return true;
  const r = fuse.search(normalizeHeader(header))[0];
  if (!r || (r.score ?? 1) > 0.5 || r.item.field === field.name) return false;
  return idx.byName.get(r.item.field)?.type === field.type;
}

function nearestHeaders(key: string, heads: ColumnHead[]): string[] {
  const items = heads.filter((h) => h.name).map((h) => ({ name: h.name, norm: normalizeHeader(h.name) }));
  const fuse = new Fuse(items, { keys: ['norm'], includeScore: true, threshold: 0.6, ignoreLocation: true });
  return fuse
    .search(normalizeHeader(key))
    .slice(0, 3)
    .map((r) => r.item.name);
}

function fieldFuse(table: CanonicalTableName) {
  const items = mappableFields(table).flatMap((f) =>
    [...f.aliases, ...(f.weak ?? [])].map((a) => ({ field: f.name, alias: normalizeHeader(a), shown: a })),
  );
  return new Fuse(items, { keys: ['alias'], includeScore: true, threshold: 0.5, ignoreLocation: true });
}

/** `header（a、b、c）` for messages */
function withSamples(header: string, p: ColumnProfile | undefined): string {
  return p && p.samples.length ? `${showHeader(header)}（${p.samples.join('、')}）` : showHeader(header);
}

function missingRequired(
  table: CanonicalTableName,
  mapping: Record<string, string>,
  constants: Set<string>,
  columns: ColumnMapping[],
  profiles: ColumnProfile[],
  ambiguous: Map<string, string[]>,
  at: { file: string; sheet?: string },
  idx: AliasIndex,
): Diagnostic[] {
  const spec = TABLES[table];
  const out: Diagnostic[] = [];
  const has = (f: string) => mapping[f] !== undefined || constants.has(f);
  const fuse = fieldFuse(table);
  const listed = columns.map((c) => withSamples(c.label, profiles[c.index - 1])).join('、');
  const listedEn = columns.map((c) => showHeader(c.label) + (profiles[c.index - 1]?.samples.length ? ` (${profiles[c.index - 1].samples.join(', ')})` : '')).join(', ');
  const nearest = (field: FieldSpec): string[] => {
    // columns whose values look like the field come first (several of them: which one is not clear), then columns
    // whose header is near the field's words and whose values fit its type; columns mapped to another field are
    // not offered (the head-of-household ID is not the member's ID)
    const byVal = ambiguous.get(field.name) ?? [];
    const hits: { header: string; score: number }[] = [];
    for (const c of columns) {
      if (c.field || byVal.includes(c.header)) continue;
      if ((field.type === 'id' || field.type === 'name') && otherPerson(c.header, field, fuse, idx)) continue;
      const r = fuse.search(normalizeHeader(c.header)).filter((x) => x.item.field === field.name)[0];
      if (r && fitShare(field.type, profiles[c.index - 1], true) >= 0.5) hits.push({ header: c.header, score: r.score ?? 1 });
    }
    return [...byVal, ...hits.sort((a, b) => a.score - b.score).map((h) => h.header)].slice(0, 3);
  };
  const report = (field: FieldSpec, extraZh = '', extraEn = '') => {
    const near = nearest(field);
    const amb = ambiguous.get(field.name);
    const words = [...field.aliases, ...(field.weak ?? [])];
    out.push(
      diag(
        'ingest.missing_required_column',
        `${at.file}：${spec.zh}（${table}）缺少必需的列「${field.zh}」（${field.name}）${extraZh}。可识别的列名：${words.join('、')}。文件中的列（样本值）：${listed}。` +
          (amb ? `按值看，${amb.map((h) => `「${showHeader(h)}」`).join('、')}都像${field.zh}，无法确定是哪一列。` : '') +
          (near.length
            ? `最接近的列：${near.map((h) => `「${showHeader(h)}」`).join('、')}——如果是它，请在流水线的 columns 中写 "${near[0]}: ${field.name}"。`
            : `请在流水线的 columns 中指定哪一列是它。`) +
          `如果文件里没有这一列（例如一个单位一个文件的账），可以用 constants 为整个文件给出固定值，如 constants: { ${field.name}: "{file}" }（{file} 为文件名，{sheet} 为工作表名，{title} 为标题行）。`,
        `${at.file}: table ${table} needs column ${field.name}${extraEn}; recognised headers: ${words.join(', ')}. Headers found (sample values): ${listedEn}.` +
          (amb ? ` By their values ${amb.map((h) => `"${showHeader(h)}"`).join(', ')} could each be ${field.name}.` : '') +
          (near.length ? ` Closest: ${near.map((h) => `"${showHeader(h)}"`).join(', ')} — map it with columns: { "${near[0]}": ${field.name} }.` : ' Map it with columns:.') +
          ` If the file has no such column, give one value for the whole file with constants: { ${field.name}: "{file}" } ({file}, {sheet}, {title}).`,
        at,
      ),
    );
  };
  const voucherAlt = table === 'voucher' && has('amount') && has('direction');
  for (const f of spec.fields) {
    if (!f.required || has(f.name)) continue;
    // voucher: debit/credit may come as one amount column plus a 借/贷 direction column
    const money = table === 'voucher' && (f.name === 'debit' || f.name === 'credit');
    if (money && voucherAlt) continue;
    report(f, money ? '（或“金额”+“借贷方向”两列）' : '', money ? ' (or an amount column plus a direction column)' : '');
  }
  const groups = new Map<string, FieldSpec[]>();
  for (const f of spec.fields) if (f.oneOf) groups.set(f.oneOf, [...(groups.get(f.oneOf) ?? []), f]);
  for (const [, fs] of groups) {
    if (!fs.some((f) => has(f.name))) report(fs[0], `（或「${fs.slice(1).map((f) => f.zh).join('、')}」之一）`, ` (or one of ${fs.slice(1).map((f) => f.name).join(', ')})`);
  }
  return out;
}
