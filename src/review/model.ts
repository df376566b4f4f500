/**
 * The lead lifecycle's data model (SPEC §2.6): the 核查 status vocabulary, the `reviews` table (history of every
 * imported or carried status; the latest import of a lead is its current status) and the `followup` table of a
 * run made with `--previous`. Pure constants and SQL: the outputs and the report read these without importing
 * the review stage itself.
 */
import type { Db } from '../db/connection.js';

/** 核查状态 vocabulary, in the order teams work through it. `未核查` is the default of a lead never reviewed. */
export const REVIEW_STATUSES = ['未核查', '核查中', '属实', '部分属实', '不属实', '已整改'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export const DEFAULT_STATUS: ReviewStatus = '未核查';
/** statuses that say the lead was found true (整改率 denominator; the report's 属实 share counts these) */
export const FOUND_TRUE_STATUSES: readonly ReviewStatus[] = ['属实', '部分属实', '已整改'];
/** statuses that close a verification (the 属实 share is taken over these) */
export const CONCLUDED_STATUSES: readonly ReviewStatus[] = ['属实', '部分属实', '不属实', '已整改'];

/** The working paper's 核查 columns, after the SPEC §5 lead columns. */
export const REVIEW_HEADERS_ZH = ['核查状态', '核查结果', '核查人', '核查日期'] as const;
/** Column shown after the 核查 columns when the run compared itself with an earlier one. */
export const FOLLOWUP_HEADER_ZH = '回头看';

/** followup values (SPEC §2.6), in the order the working paper and report rank them. */
export const FOLLOWUP_VALUES = ['整改不到位', '仍存在', '新发现', '已消失'] as const;
export type FollowupValue = (typeof FOLLOWUP_VALUES)[number];

export const REVIEWS_DDL = `create table if not exists reviews (
  lead_id VARCHAR, status VARCHAR, result VARCHAR, reviewer VARCHAR, reviewed_on DATE,
  source_file VARCHAR, source_row INTEGER, imported_at TIMESTAMP)`;

export const FOLLOWUP_DDL = `create or replace table followup (
  lead_id VARCHAR, rule_id VARCHAR, subject_key VARCHAR, previous_status VARCHAR, in_previous BOOLEAN,
  in_current BOOLEAN, followup VARCHAR, rule_name VARCHAR, town VARCHAR, village VARCHAR, unit VARCHAR,
  previous_dir VARCHAR)`;

/**
 * The current review of each reviewed lead (lead_id, status, result, reviewer, reviewed_on, source_file,
 * source_row, imported_at): its latest import. `reviews` must exist.
 */
export function currentReviewsSql(table = 'reviews'): string {
  return `select lead_id, status, result, reviewer, reviewed_on, source_file, source_row, imported_at
    from ${table}
    qualify row_number() over (partition by lead_id order by imported_at desc, source_file desc, source_row desc nulls last) = 1`;
}

/** `lead_status`: every lead with its current status (未核查 when never reviewed), for analysts and the report. */
export const LEAD_STATUS_VIEW = `create or replace view lead_status as
  select l.lead_id, coalesce(r.status, '${DEFAULT_STATUS}') as status, r.result, r.reviewer, r.reviewed_on,
         r.source_file, r.source_row, r.imported_at
  from leads as l left join (${currentReviewsSql()}) as r using (lead_id)`;

/** Creates `reviews` (empty) and the `lead_status` view when missing; every run and every rewrite calls this. */
export async function ensureReviewTables(db: Db): Promise<void> {
  await db.run(REVIEWS_DDL, undefined, 'create reviews');
  if (await db.tableExists('leads')) await db.run(LEAD_STATUS_VIEW, undefined, 'create lead_status');
}
