/**
 * `xuncha report DIR`: rebuild report.html and leads.xlsx from an existing run's database alone (rule metadata from
 * rule_runs, statuses from reviews). Refuses (exit 1) to overwrite a leads.xlsx holding 核查 values not imported.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Db } from '../../db/connection.js';
import { userError } from '../../errors.js';
import { installMacros } from '../../normalize/macros.js';
import { rewriteRunOutputs } from '../../outputs/run-outputs.js';
import { buildReport } from '../../report/build-report.js';
import { EXIT } from '../exit.js';

export async function openRunDb(dir: string, requireLeads = true): Promise<{ db: Db; title: string; maskIds: boolean; hasLeads: boolean }> {
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

export async function reportCommand(dir: string, opts: { quiet?: boolean }): Promise<number> {
  const { db, title, maskIds, hasLeads } = await openRunDb(dir, false);
  try {
    // an ingest-only run has no lead list: only its report is rebuilt
    if (hasLeads) await rewriteRunOutputs(resolve(dir), db, { title, maskIds, command: `xuncha report ${dir}` });
    else await buildReport(db, join(resolve(dir), 'report.html'), { title, maskIds });
  } finally {
    db.close();
  }
  if (!opts.quiet) process.stderr.write(`已重建/rebuilt: ${join(dir, 'report.html')}, ${join(dir, 'leads.xlsx')}\n`);
  return EXIT.ok;
}
