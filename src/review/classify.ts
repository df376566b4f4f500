/**
 * What each working-paper row says, against the run's leads and current reviews (set-based, in DuckDB).
 *
 * A row's 核查 cells are its **content** when any of them says something beyond the default: a status other than
 * 未核查, or any 核查结果 / 核查人 / 核查日期. A row with content is a **statement** when it differs from the lead's
 * current review in the database. Blank cells (and absent columns) mean "no change": they never clear a stored
 * value, so a copy of the working paper that was handed out before an import, re-imported later, leaves newer
 * results alone, and importing one file twice changes nothing. Rows without content (untouched 未核查 rows, blank
 * rows, a repeated header) say nothing and are passed over.
 *
 * Problems: a row with content but no 线索编号, a 线索编号 not in this run, a status outside the vocabulary, a
 * 核查日期 that is not a date, and one lead given different values by two statement rows of one import.
 */
import type { Db } from '../db/connection.js';
import { quoteIdent } from '../db/quote.js';
import { diag, type Diagnostic } from '../errors.js';
import { DEFAULT_STATUS, REVIEW_STATUSES, currentReviewsSql } from './model.js';

export interface Tables {
  /** the paper table (readWorkingPapers) */
  paper: string;
  /** the run's leads, e.g. `leads` or `prev.leads` */
  leads: string;
  /** the run's reviews, or null when the database has none */
  reviews: string | null;
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const STATUS_LIST = REVIEW_STATUSES.map(lit).join(', ');

/** Builds temp table `out` with one row per paper row and its classification. Needs the xc_* macros. */
export async function classifyRows(db: Db, t: Tables, out: string): Promise<void> {
  const cur = t.reviews
    ? `(${currentReviewsSql(t.reviews)})`
    : `(select NULL::VARCHAR as lead_id, NULL::VARCHAR as status, NULL::VARCHAR as result, NULL::VARCHAR as reviewer, NULL::DATE as reviewed_on where false)`;
  await db.run(
    `create or replace temp table ${quoteIdent(out)} as
     with p as (
       select *,
         nullif(lower(regexp_replace(xc_halfwidth(lead_id), '[\\s\\x{3000}\\x{feff}'']', '', 'g')), '') as lid,
         nullif(regexp_replace(xc_halfwidth(status), '[\\s\\x{3000}]', '', 'g'), '') as st,
         nullif(trim(regexp_replace(result, '\\r\\n?', '\n', 'g')), '') as res,
         nullif(trim(reviewer), '') as rev,
         xc_parse_date(reviewed_on) as dt
       from ${quoteIdent(t.paper)}
     ),
     q as (
       select p.*,
         coalesce(lid in ('线索编号', 'lead_id'), false) as is_header,
         coalesce(st <> ${lit(DEFAULT_STATUS)}, false) or res is not null or rev is not null or p.reviewed_on is not null as content,
         k.lead_id is not null as known,
         c.status as cur_status, c.result as cur_result, c.reviewer as cur_reviewer, c.reviewed_on as cur_date
       from p
       left join (select distinct lead_id from ${t.leads}) as k on k.lead_id = p.lid
       left join ${cur} as c on c.lead_id = p.lid
     ),
     r as (
       select q.*,
         content and not is_header and lid is null as p_no_id,
         content and not is_header and lid is not null and not known as p_unknown,
         content and not is_header and st is not null and st not in (${STATUS_LIST}) as p_bad_status,
         content and not is_header and reviewed_on is not null and dt is null as p_bad_date,
         coalesce(st, cur_status, ${lit(DEFAULT_STATUS)}) as eff_status
       from q
     )
     select r.*,
       (p_no_id or p_unknown or p_bad_status or p_bad_date) as problem,
       content and not is_header and not (p_no_id or p_unknown or p_bad_status or p_bad_date) and not (
         eff_status = coalesce(cur_status, ${lit(DEFAULT_STATUS)})
         and (res is null or res is not distinct from cur_result)
         and (rev is null or rev is not distinct from cur_reviewer)
         and (dt is null or dt is not distinct from cur_date)
       ) as statement
     from r`,
    undefined,
    'classify working-paper rows',
  );
}

/** Leads given different values by two statement rows: temp table `out` (lid, field). */
export async function findConflicts(db: Db, rows: string, out: string): Promise<void> {
  await db.run(
    `create or replace temp table ${quoteIdent(out)} as
     select lid,
       count(distinct eff_status) > 1 as c_status,
       count(distinct res) > 1 as c_result,
       count(distinct rev) > 1 as c_reviewer,
       count(distinct dt) > 1 as c_date
     from ${quoteIdent(rows)} where statement
     group by lid
     having count(distinct eff_status) > 1 or count(distinct res) > 1 or count(distinct rev) > 1 or count(distinct dt) > 1`,
    undefined,
    'find conflicting statements',
  );
}

interface ProblemRow {
  file: string;
  sheet: string | null;
  source_row: number;
  lead_id: string | null;
  status: string | null;
  reviewed_on: string | null;
  p_no_id: boolean;
  p_unknown: boolean;
  p_bad_status: boolean;
  p_bad_date: boolean;
}

const at = (r: { file: string; sheet: string | null; source_row: number }) => ({ file: r.file, ...(r.sheet != null ? { sheet: r.sheet } : {}), row: Number(r.source_row) });

/** Diagnostics for every problem row and every conflict, in file/sheet/row order. */
export async function problemDiagnostics(db: Db, rows: string, conflicts: string | null): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const bad = await db.all<ProblemRow>(
    `select file, sheet, source_row, lead_id, status, reviewed_on, p_no_id, p_unknown, p_bad_status, p_bad_date
     from ${quoteIdent(rows)} where problem order by file_no, sheet_no, source_row`,
    undefined,
    'problem rows',
  );
  const allowed = REVIEW_STATUSES.join('、');
  for (const r of bad) {
    if (r.p_no_id)
      out.push(
        diag(
          'review.missing_lead_id',
          `这一行填写了核查内容，但“线索编号”为空，无法知道是哪条线索。请补上线索编号（从 xuncha 生成的 leads.xlsx 复制）。`,
          `This row has review values but an empty 线索编号 (lead_id); fill in the lead id from the leads.xlsx xuncha wrote.`,
          at(r),
        ),
      );
    if (r.p_unknown)
      out.push(
        diag(
          'review.unknown_lead',
          `线索编号 "${r.lead_id}" 不是本次运行的线索。请确认导入的是本次运行输出目录中的核查表，并且没有改动线索编号。`,
          `Lead id "${r.lead_id}" is not a lead of this run. Check that the working paper belongs to this run's output folder and its 线索编号 was not edited.`,
          at(r),
        ),
      );
    if (r.p_bad_status)
      out.push(
        diag(
          'review.bad_status',
          `核查状态 "${r.status}" 不在可选范围内。可选值：${allowed}。`,
          `核查状态 (status) "${r.status}" is not allowed. Allowed values: ${REVIEW_STATUSES.join(', ')}.`,
          at(r),
        ),
      );
    if (r.p_bad_date)
      out.push(
        diag(
          'review.bad_date',
          `核查日期 "${r.reviewed_on}" 不是日期。请写成日期，例如 2024-03-05 或 2024年3月5日。`,
          `核查日期 (reviewed_on) "${r.reviewed_on}" is not a date. Write a date such as 2024-03-05.`,
          at(r),
        ),
      );
  }
  if (!conflicts) return out;
  const c = await db.all<{ lid: string; c_status: boolean; c_result: boolean; c_reviewer: boolean; c_date: boolean; places: string; first_file: string; first_sheet: string | null; first_row: number }>(
    `select c.lid, c.c_status, c.c_result, c.c_reviewer, c.c_date,
        string_agg(r.eff_status || coalesce('/' || r.res, '') || '（' || r.source_file || ' 第' || r.source_row || '行）', '；' order by r.file_no, r.sheet_no, r.source_row) as places,
        arg_min(r.file, [r.file_no, r.sheet_no, r.source_row]) as first_file,
        arg_min(r.sheet, [r.file_no, r.sheet_no, r.source_row]) as first_sheet,
        arg_min(r.source_row, [r.file_no, r.sheet_no, r.source_row]) as first_row
     from ${quoteIdent(conflicts)} c join ${quoteIdent(rows)} r on r.lid = c.lid and r.statement
     group by all order by min([r.file_no, r.sheet_no, r.source_row])`,
    undefined,
    'conflict details',
  );
  for (const x of c) {
    const what = [x.c_status ? '核查状态' : '', x.c_result ? '核查结果' : '', x.c_reviewer ? '核查人' : '', x.c_date ? '核查日期' : ''].filter(Boolean).join('、');
    out.push(
      diag(
        'review.conflict',
        `线索 ${x.lid} 在本次导入中被填写了不同的${what}：${x.places}。请统一为一个结果后再导入（或分两次导入，后导入的为准）。`,
        `Lead ${x.lid} is given different values (${what}) in this import: ${x.places}. Make them agree, or import the files one at a time (the later import wins).`,
        { file: x.first_file, ...(x.first_sheet != null ? { sheet: x.first_sheet } : {}), row: Number(x.first_row) },
      ),
    );
  }
  return out;
}

/** At most `per` diagnostics of each code, then one line saying how many more of that code there are. */
export function capDiagnostics(list: Diagnostic[], per = 50): Diagnostic[] {
  const seen = new Map<string, number>();
  const out: Diagnostic[] = [];
  for (const d of list) {
    const n = (seen.get(d.code) ?? 0) + 1;
    seen.set(d.code, n);
    if (n <= per) out.push(d);
  }
  for (const [code, n] of seen) {
    if (n > per)
      out.push({
        code,
        level: list.find((d) => d.code === code)?.level ?? 'error',
        zh: `另有 ${n - per} 处同类问题（${code}）未逐一列出。`,
        en: `${n - per} more problems of the same kind (${code}) are not listed.`,
      });
  }
  return out;
}
