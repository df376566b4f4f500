/**
 * The lead table as it travels inside report.html.
 *
 * Columnar and dictionary-encoded (the default): one array per column; repeated texts (rule, severity,
 * town, village, unit) become small integers into a dictionary, with pinyin initials precomputed for names
 * and dictionary entries so the page can search 张三 by `zs`. Evidence is split off into chunks of
 * EVIDENCE_CHUNK leads, each its own JSON script block parsed only when a lead of that chunk is opened;
 * evidence records are encoded as [table, file, row, keyset, ...values] against shared dictionaries, the
 * values as indexes into the chunk's own string table (ids, names, types and dates repeat within a lead).
 * 'rows' (plain JSON objects, evidence inline) exists only to measure what the encoding saves.
 */
import { pinyin } from 'pinyin-pro';
import type { Db } from '../db/connection.js';
import { maskField, maskIdsInText } from './mask.js';
import { TABLES, type CanonicalTableName } from '../schema/canonical-tables.js';
import { DEFAULT_STATUS, REVIEW_STATUSES, currentReviewsSql } from '../review/model.js';

export const EVIDENCE_CHUNK = 1000;

export interface LeadRow {
  lead_id: string;
  rule_id: string | null;
  rule_name: string | null;
  category: string | null;
  severity: string | null;
  score: number | string | null;
  town: string | null;
  village: string | null;
  unit: string | null;
  subject_key: string | null;
  subject_name: string | null;
  household_key: string | null;
  amount: string | number | null;
  period_start: string | null;
  period_end: string | null;
  description: string | null;
  evidence: string | null;
  /** current 核查状态 (未核查 when never reviewed) and the review behind it */
  status?: string | null;
  result?: string | null;
  reviewer?: string | null;
  reviewed_on?: string | null;
  review_source?: string | null;
  /** 回头看 value when the run was compared with an earlier one */
  followup?: string | null;
}

interface EvidenceItem {
  table?: unknown;
  source_file?: unknown;
  source_row?: unknown;
  fields?: unknown;
}

class Dict {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  /** -1 for null/empty */
  id(v: string | null | undefined): number {
    if (v == null || v === '') return -1;
    let i = this.index.get(v);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(v);
      this.index.set(v, i);
    }
    return i;
  }
}

const pyCache = new Map<string, string>();
/** Pinyin initials of the Chinese characters in `text` (other characters dropped): 欧阳娜娜 → oynn. */
export function pinyinInitials(text: string | null | undefined): string {
  if (!text) return '';
  let v = pyCache.get(text);
  if (v === undefined) {
    const han = text.match(/[\u3400-\u9fff]/g);
    v = han ? pinyin(han.join(''), { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase() : '';
    if (pyCache.size < 500_000) pyCache.set(text, v);
  }
  return v;
}

export async function readLeads(db: Db): Promise<LeadRow[]> {
  if (!(await db.tableExists('leads'))) return [];
  const reviews = await db.tableExists('reviews');
  const followup = await db.tableExists('followup');
  return db.all<LeadRow>(
    `select l.lead_id, rule_id, rule_name, category, severity, score, l.town, l.village, l.unit, l.subject_key, subject_name,
            household_key, amount, period_start, period_end, description, evidence,
            ${reviews ? `coalesce(r.status, '${DEFAULT_STATUS}') as status, r.result, r.reviewer, cast(r.reviewed_on as varchar) as reviewed_on,
            r.source_file || coalesce(' 第' || r.source_row || '行', '') as review_source` : `'${DEFAULT_STATUS}' as status`}
            ${followup ? ', f.followup' : ''}
     from leads as l
     ${reviews ? `left join (${currentReviewsSql()}) as r using (lead_id)` : ''}
     ${followup ? `left join (select lead_id, followup from followup where in_current) as f using (lead_id)` : ''}
     order by score desc nulls last, l.lead_id`,
    undefined,
    'report read leads',
  );
}

function parseEvidence(text: string | null): EvidenceItem[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as EvidenceItem[]) : [v as EvidenceItem];
  } catch {
    return [{ table: '', source_file: '', source_row: null, fields: { evidence: text } }];
  }
}

function fieldText(v: unknown): string | null {
  if (v == null) return null;
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Chinese labels of canonical fields (and a few common evidence extras) for the evidence panel. */
export function fieldLabels(): Record<string, string> {
  const labels: Record<string, string> = {
    id_number: '身份证号', name: '姓名', death_date: '死亡日期', months: '月数', period: '期间', amount: '金额',
    _source_file: '来源文件', _source_row: '行号', household_id: '户号', id_valid: '身份证号有效',
  };
  for (const t of Object.values(TABLES)) for (const f of t.fields) labels[f.name] ??= f.zh;
  return labels;
}

export function tableLabels(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(TABLES)) out[k as CanonicalTableName] = t.zh;
  return out;
}

export interface EncodedLeads {
  /** the header block (everything but evidence) */
  main: unknown;
  /** evidence chunks, in order: chunk k covers leads [k*EVIDENCE_CHUNK, (k+1)*EVIDENCE_CHUNK) */
  evidenceChunks: unknown[];
}

export function encodeLeads(rows: LeadRow[], maskIds: boolean, format: 'columnar' | 'rows' = 'columnar'): EncodedLeads {
  const m = (s: string | null | undefined): string | null => (s == null ? null : maskIds ? maskIdsInText(s) : s);
  const mf = (field: string, s: string | null | undefined): string | null => (s == null ? null : maskIds ? maskField(field, s) : s);
  const labels = { fields: fieldLabels(), tables: tableLabels() };

  if (format === 'rows') {
    return {
      main: {
        format: 'rows',
        labels,
        rows: rows.map((r) => ({
          id: r.lead_id,
          rule_id: r.rule_id,
          rule_name: r.rule_name,
          category: r.category,
          severity: r.severity,
          score: r.score == null ? null : Number(r.score),
          town: m(r.town),
          village: m(r.village),
          unit: m(r.unit),
          key: m(r.subject_key),
          name: m(r.subject_name),
          hh: m(r.household_key),
          amount: r.amount == null ? null : Number(r.amount),
          ps: r.period_start,
          pe: r.period_end,
          desc: m(r.description),
          py: pinyinInitials(r.subject_name),
          status: r.status ?? DEFAULT_STATUS,
          review: r.result || r.reviewer || r.reviewed_on ? [m(r.result ?? null), r.reviewer ?? null, r.reviewed_on ?? null, m(r.review_source ?? null)] : null,
          followup: r.followup ?? null,
          evidence: parseEvidence(r.evidence).map((e) => ({
            table: fieldText(e.table),
            source_file: m(fieldText(e.source_file)),
            source_row: e.source_row,
            fields: Object.fromEntries(Object.entries((e.fields as Record<string, unknown>) ?? {}).map(([k, v]) => [k, mf(k, fieldText(v))])),
          })),
        })),
      },
      evidenceChunks: [],
    };
  }

  const rule = new Dict();
  const ruleMeta: [string, string, string][] = []; // [rule_id, rule_name, category] per rule dict entry
  const sev = new Dict();
  const town = new Dict();
  const village = new Dict();
  const unit = new Dict();
  const evTable = new Dict();
  const evFile = new Dict();
  const evKeys = new Dict();
  const dates = new Dict();
  const n = rows.length;
  const cols = {
    id: new Array<string>(n),
    rule: new Array<number>(n),
    sev: new Array<number>(n),
    score: new Array<number | null>(n),
    town: new Array<number>(n),
    village: new Array<number>(n),
    unit: new Array<number>(n),
    key: new Array<string | null>(n),
    name: new Array<string | null>(n),
    py: new Array<string>(n),
    hh: new Array<string | null>(n),
    amount: new Array<number | null>(n),
    ps: new Array<number>(n),
    pe: new Array<number>(n),
    desc: new Array<string | null>(n),
    nev: new Array<number>(n),
    /** index into dict.status */
    st: new Array<number>(n),
    /** index into dict.followup, -1 = none */
    fu: new Array<number>(n),
  };
  /** review details of reviewed leads only: lead index → [result, reviewer, reviewed_on, source] */
  const reviews: Record<number, (string | null)[]> = {};
  const status = new Dict();
  for (const s of REVIEW_STATUSES) status.id(s);
  const followup = new Dict();
  // Evidence chunks: {s: strings of the chunk, r: per lead [[table, file, row, keyset, ...value indexes]]}.
  // Interning per chunk pays off because a lead's records repeat the same id, name, type and dates.
  const chunks: { s: string[]; r: unknown[][] }[] = [];
  let chunkStrings = new Dict();
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    const ruleKey = `${r.rule_id ?? ''}\u0000${r.rule_name ?? ''}\u0000${r.category ?? ''}`;
    const ri = rule.id(ruleKey);
    if (ri === ruleMeta.length) ruleMeta.push([r.rule_id ?? '', m(r.rule_name ?? r.rule_id ?? '') ?? '', r.category ?? '']);
    cols.id[i] = r.lead_id;
    cols.rule[i] = ri;
    cols.sev[i] = sev.id(r.severity);
    cols.score[i] = r.score == null ? null : Number(r.score);
    cols.town[i] = town.id(m(r.town));
    cols.village[i] = village.id(m(r.village));
    cols.unit[i] = unit.id(m(r.unit));
    cols.key[i] = m(r.subject_key);
    cols.name[i] = m(r.subject_name);
    cols.py[i] = pinyinInitials(r.subject_name);
    cols.hh[i] = m(r.household_key);
    cols.amount[i] = r.amount == null ? null : Number(r.amount);
    cols.ps[i] = dates.id(r.period_start);
    cols.pe[i] = dates.id(r.period_end);
    cols.desc[i] = m(r.description);
    cols.st[i] = status.id(r.status || DEFAULT_STATUS);
    cols.fu[i] = followup.id(r.followup ?? null);
    if (r.result || r.reviewer || r.reviewed_on) reviews[i] = [m(r.result ?? null), r.reviewer ?? null, r.reviewed_on ?? null, m(r.review_source ?? null)];
    const ev = parseEvidence(r.evidence).map((e) => {
      const fields = e.fields && typeof e.fields === 'object' ? (e.fields as Record<string, unknown>) : {};
      const keys = Object.keys(fields);
      const row = e.source_row == null || e.source_row === '' ? null : Number(e.source_row);
      return [
        evTable.id(fieldText(e.table)),
        evFile.id(m(fieldText(e.source_file))),
        Number.isFinite(row) ? row : fieldText(e.source_row),
        evKeys.id(JSON.stringify(keys)),
        ...keys.map((k) => chunkStrings.id(mf(k, fieldText(fields[k])))),
      ];
    });
    cols.nev[i] = ev.length;
    const c = Math.floor(i / EVIDENCE_CHUNK);
    if (!chunks[c]) {
      chunkStrings = new Dict();
      chunks[c] = { s: chunkStrings.values, r: [] };
    }
    chunks[c].r.push(ev);
  }
  return {
    main: {
      format: 'columnar',
      n,
      chunk: EVIDENCE_CHUNK,
      labels,
      dict: {
        rule: ruleMeta,
        rulePy: ruleMeta.map((r) => pinyinInitials(r[1])),
        sev: sev.values,
        town: town.values,
        townPy: town.values.map(pinyinInitials),
        village: village.values,
        villagePy: village.values.map(pinyinInitials),
        unit: unit.values,
        unitPy: unit.values.map(pinyinInitials),
        evTable: evTable.values,
        evFile: evFile.values,
        evKeys: evKeys.values.map((k) => JSON.parse(k) as string[]),
        date: dates.values,
        status: status.values,
        followup: followup.values,
      },
      cols,
      reviews,
    },
    evidenceChunks: chunks,
  };
}
