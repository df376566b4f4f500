/**
 * The one place `xuncha report` and `xuncha review` write into an existing run folder: leads.xlsx and report.html
 * rebuilt from the database alone, under the folder's lock and committed atomically (outputs/folder.ts).
 *
 * `withRunOutputs` takes the lock (finishing a commit a killed process left), opens the run's database and hands it
 * to the command's own work (review imports there); then the guard (review/guard.ts): a leads.xlsx holding 核查
 * values the database does not have is never overwritten; then both files are written into the staging folder and
 * replace the old ones together. leads.xlsx is declared `acceptChanged` to the folder check because the guard,
 * which reads its 核查 columns, is the finer test: a file the team typed into is replaced only when every value
 * typed is in the database.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Db } from '../db/connection.js';
import { UserError, userError } from '../errors.js';
import { installMacros } from '../normalize/macros.js';
import { buildReport } from '../report/build-report.js';
import { recordOutputFile, unimportedWork } from '../review/guard.js';
import { ensureReviewTables } from '../review/model.js';
import { recoverOutputFolder, withOutputFolder } from './folder.js';
import { writeLeadsXlsx } from './leads-xlsx.js';

export interface RunDb {
  db: Db;
  title: string;
  maskIds: boolean;
  hasLeads: boolean;
}

/** Opens DIR/xuncha.duckdb of a finished run (exit 1 with a clear message when DIR is not one). */
export async function openRunDb(dir: string, requireLeads = true): Promise<RunDb> {
  const dbFile = join(resolve(dir), 'xuncha.duckdb');
  if (!existsSync(dbFile))
    throw userError('report.db_not_found', `在 ${dir} 中找不到 xuncha.duckdb。请指定一次运行的输出目录。`, `No xuncha.duckdb in ${dir}. Point at a run's output folder.`, { file: dir });
  const db = await Db.open(dbFile);
  try {
    await installMacros(db);
    const run = (await db.all<{ report_title: string; mask_ids: boolean }>(`select report_title, mask_ids from runs order by started_at desc limit 1`))[0];
    if (!run) throw userError('report.no_run', `${dbFile} 中没有运行记录（runs 表为空）。`, `${dbFile} has no run recorded (runs is empty).`, { file: dbFile });
    const hasLeads = await db.tableExists('leads');
    if (!hasLeads && requireLeads)
      throw userError('report.no_leads', `${dbFile} 中没有线索表（leads）：这是一次只读取数据的运行（xuncha ingest）。`, `${dbFile} has no leads table (an ingest-only run).`, { file: dbFile });
    return { db, title: run.report_title, maskIds: Boolean(run.mask_ids), hasLeads };
  } catch (e) {
    db.close();
    throw e;
  }
}

export interface RunOutputsOptions {
  /** report | review: recorded in the lock and the marker */
  command: string;
  /** the command line shown in the refusal message */
  commandLine: string;
  /** an ingest-only run may be rebuilt (report.html only) */
  requireLeads: boolean;
  onNote?: (msg: string) => void;
}

/**
 * Runs `work` on the run's database under the folder's lock, then rebuilds leads.xlsx (when the run has leads)
 * and report.html and commits them. Returns what `work` returned and the files rewritten.
 */
export async function withRunOutputs<T>(dir: string, opts: RunOutputsOptions, work: (run: RunDb) => Promise<T>): Promise<{ result: T; files: string[] }> {
  const abs = resolve(dir);
  // a run killed in the middle of its commit may have the database aside: finish that commit first
  recoverOutputFolder(abs, opts.onNote);
  if (!existsSync(join(abs, 'xuncha.duckdb')))
    throw userError('report.db_not_found', `在 ${dir} 中找不到 xuncha.duckdb。请指定一次运行的输出目录。`, `No xuncha.duckdb in ${dir}. Point at a run's output folder.`, { file: dir });
  const files: string[] = [];
  const result = await withOutputFolder(
    abs,
    { command: opts.command, replace: 'staged', writes: ['report.html', 'leads.xlsx'], acceptChanged: ['leads.xlsx'], at: { file: dir }, onNote: opts.onNote },
    async ({ staging }) => {
      const run = await openRunDb(abs, opts.requireLeads);
      try {
        const r = await work(run);
        files.push(...(await writeRunOutputs(run.db, abs, staging, { title: run.title, maskIds: run.maskIds, hasLeads: run.hasLeads, commandLine: opts.commandLine })));
        await run.db.run('checkpoint');
        return r;
      } finally {
        run.db.close();
      }
    },
  );
  return { result, files };
}

/**
 * The guard, then leads.xlsx (when the run has leads) and report.html written into `staging`; returns the paths
 * they will have in `dir` once committed.
 */
export async function writeRunOutputs(
  db: Db,
  dir: string,
  staging: string,
  opts: { title?: string; maskIds: boolean; hasLeads: boolean; commandLine: string },
): Promise<string[]> {
  const files: string[] = [];
  if (opts.hasLeads) {
    await ensureReviewTables(db);
    const problems = await unimportedWork(db, dir, { command: opts.commandLine });
    if (problems.length) throw new UserError(problems);
    await writeLeadsXlsx(db, join(staging, 'leads.xlsx'));
    await recordOutputFile(db, 'leads.xlsx', join(staging, 'leads.xlsx'));
    files.push(join(dir, 'leads.xlsx'));
  }
  await buildReport(db, join(staging, 'report.html'), { title: opts.title, maskIds: opts.maskIds });
  files.push(join(dir, 'report.html'));
  return files;
}
