/**
 * `xuncha report DIR`: rebuild report.html and leads.xlsx from an existing run's database alone. Both are written
 * into a staging folder and replace the old ones atomically, under the folder's lock (outputs/folder.ts).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Db } from '../../db/connection.js';
import { userError } from '../../errors.js';
import { buildReport } from '../../report/build-report.js';
import { loadCatalog } from '../../rules/index.js';
import { writeLeadsXlsx } from '../../outputs/leads-xlsx.js';
import { recoverOutputFolder, withOutputFolder } from '../../outputs/folder.js';
import { installMacros } from '../../normalize/macros.js';
import { EXIT } from '../exit.js';
import { createProgress } from '../progress.js';

export async function reportCommand(dir: string, opts: { quiet?: boolean }): Promise<number> {
  const progress = createProgress({ quiet: opts.quiet });
  const dbFile = join(resolve(dir), 'xuncha.duckdb');
  // a run killed in the middle of its commit may have the database aside: finish that commit first
  recoverOutputFolder(dir, (m) => progress.info(m));
  if (!existsSync(dbFile))
    throw userError('report.db_not_found', `在 ${dir} 中找不到 xuncha.duckdb。请指定一次运行的输出目录。`, `No xuncha.duckdb in ${dir}. Point at a run's output folder.`, { file: dir });
  await withOutputFolder(
    dir,
    { command: 'report', replace: 'staged', writes: ['report.html', 'leads.xlsx'], at: { file: dir }, onNote: (m) => progress.info(m) },
    async ({ staging }) => {
      const db = await Db.open(dbFile);
      try {
        await installMacros(db);
        const run = (await db.all<{ report_title: string; mask_ids: boolean }>(`select report_title, mask_ids from runs order by started_at desc limit 1`))[0];
        if (!run) throw userError('report.no_run', `${dbFile} 中没有运行记录（runs 表为空）。`, `${dbFile} has no run recorded (runs is empty).`, { file: dbFile });
        await buildReport(db, join(staging, 'report.html'), { title: run.report_title, maskIds: Boolean(run.mask_ids) });
        // custom rules of that run are re-read from their files (rule_runs keeps their path) for the 说明 sheet
        const custom = (await db.all<{ f: string }>(`select distinct source_file as f from rule_runs`))
          .map((r) => r.f)
          .filter((f) => isAbsolute(f) && existsSync(f));
        await writeLeadsXlsx(db, join(staging, 'leads.xlsx'), loadCatalog(custom));
      } finally {
        db.close();
      }
    },
  );
  if (!opts.quiet) process.stderr.write(`已重建/rebuilt: ${join(dir, 'report.html')}, ${join(dir, 'leads.xlsx')}\n`);
  return EXIT.ok;
}
