/**
 * The one place `xuncha report` and `xuncha review` write into an existing run folder: leads.xlsx and report.html
 * rebuilt from the database alone. First the guard (review/guard.ts): a leads.xlsx holding 核查 values the database
 * does not have is never overwritten. Then both files are written to temporary names in the folder and renamed over
 * the old ones, so a failure leaves the old files whole. (Issue 15's locked commit API can wrap this function.)
 */
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/connection.js';
import { UserError } from '../errors.js';
import { buildReport } from '../report/build-report.js';
import { recordOutputFile, unimportedWork } from '../review/guard.js';
import { ensureReviewTables } from '../review/model.js';
import { writeLeadsXlsx } from './leads-xlsx.js';

export interface RewriteOptions {
  title?: string;
  maskIds: boolean;
  /** the command shown in the refusal message */
  command: string;
}

export async function rewriteRunOutputs(dir: string, db: Db, opts: RewriteOptions): Promise<{ files: string[] }> {
  await ensureReviewTables(db);
  const problems = await unimportedWork(db, dir, { command: opts.command });
  if (problems.length) throw new UserError(problems);
  const tag = `.tmp-${process.pid}`;
  const xlsxTmp = join(dir, `leads.xlsx${tag}`);
  const htmlTmp = join(dir, `report.html${tag}`);
  try {
    await writeLeadsXlsx(db, xlsxTmp);
    await buildReport(db, htmlTmp, { title: opts.title, maskIds: opts.maskIds });
    await recordOutputFile(db, 'leads.xlsx', xlsxTmp);
    await db.run('checkpoint');
    renameSync(xlsxTmp, join(dir, 'leads.xlsx'));
    renameSync(htmlTmp, join(dir, 'report.html'));
  } finally {
    rmSync(xlsxTmp, { force: true });
    rmSync(htmlTmp, { force: true });
  }
  return { files: [join(dir, 'leads.xlsx'), join(dir, 'report.html')] };
}
