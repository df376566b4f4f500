/**
 * `xuncha review DIR FILE…` core (SPEC §2.6): read every working paper, classify its rows (classify.ts), and — only
 * when no file, sheet or row has a problem — store one `reviews` row per lead whose 核查 values changed, all with
 * the same imported_at, in one statement. A failed import stores nothing; importing the same file again stores
 * nothing (its rows now equal the database).
 */
import type { Db } from '../db/connection.js';
import { UserError, type Diagnostic } from '../errors.js';
import { installMacros } from '../normalize/macros.js';
import { capDiagnostics, classifyRows, findConflicts, problemDiagnostics } from './classify.js';
import { ensureReviewTables } from './model.js';
import { readWorkingPapers, type SheetRead } from './working-paper.js';

const PAPER = '_x_review_paper';
const ROWS = '_x_review_rows';
const CONFLICTS = '_x_review_conflicts';

export interface ImportSummary {
  sheets: SheetRead[];
  /** rows with 核查 content */
  filled: number;
  /** leads whose review changed (= rows added to reviews) */
  stored: number;
  /** rows with content equal to what the database already holds */
  unchanged: number;
  /** non-blocking notes (a file none of whose ids belong to this run) */
  warnings: Diagnostic[];
  importedAt: string | null;
}

/** Timestamp for a new import: now (UTC), but always after every earlier import of this database. */
async function nextImportTime(db: Db, now: Date): Promise<string> {
  const ts = now.toISOString().replace('T', ' ').replace('Z', '');
  const v = await db.scalar<string>(
    `select cast(greatest($ts::TIMESTAMP, coalesce(max(imported_at) + interval 1 millisecond, $ts::TIMESTAMP)) as varchar) from reviews`,
    { ts },
    'next import time',
  );
  return String(v ?? ts);
}

export async function importReviews(db: Db, files: string[], opts: { display?: (file: string) => string; now?: Date } = {}): Promise<ImportSummary> {
  await installMacros(db);
  await ensureReviewTables(db);
  const read = await readWorkingPapers(db, files, PAPER, opts.display);
  await classifyRows(db, { paper: PAPER, leads: 'leads', reviews: 'reviews' }, ROWS);
  await findConflicts(db, ROWS, CONFLICTS);
  const diags = [...read.diagnostics, ...(await problemDiagnostics(db, ROWS, CONFLICTS))];
  if (diags.some((d) => d.level === 'error')) throw new UserError(capDiagnostics(diags));

  const foreign = await db.all<{ file: string }>(
    `select file from ${ROWS} where lid is not null and not is_header group by file, file_no having count(*) filter (where known) = 0 order by file_no`,
    undefined,
    'foreign papers',
  );
  const warnings: Diagnostic[] = foreign.map((f) => ({
    code: 'review.foreign_paper',
    level: 'warning',
    zh: `核查表 ${f.file} 中没有一个线索编号属于本次运行：它可能是另一次运行的核查表。没有导入任何内容。`,
    en: `None of the lead ids in ${f.file} belong to this run: it may be another run's working paper. Nothing was imported from it.`,
    at: { file: f.file },
  }));

  const counts = (await db.all<{ filled: string; statements: string; unchanged: string }>(
    `select count(*) filter (where content and not is_header) as filled,
            count(distinct lid) filter (where statement) as statements,
            count(*) filter (where content and not is_header and not statement) as unchanged
     from ${ROWS}`,
    undefined,
    'import counts',
  ))[0];
  let importedAt: string | null = null;
  const stored = Number(counts.statements);
  if (stored > 0) {
    importedAt = await nextImportTime(db, opts.now ?? new Date());
    await db.run(
      `insert into reviews
       select lid, any_value(eff_status), coalesce(max(res), any_value(cur_result)), coalesce(max(rev), any_value(cur_reviewer)),
              coalesce(max(dt), any_value(cur_date)),
              arg_min(source_file, [file_no, sheet_no, source_row]), arg_min(source_row, [file_no, sheet_no, source_row]),
              $ts::TIMESTAMP
       from ${ROWS} where statement group by lid`,
      { ts: importedAt },
      'store reviews',
    );
  }
  for (const t of [PAPER, ROWS, CONFLICTS]) await db.run(`drop table if exists ${t}`);
  return { sheets: read.sheets, filled: Number(counts.filled), stored, unchanged: Number(counts.unchanged), warnings, importedAt };
}
