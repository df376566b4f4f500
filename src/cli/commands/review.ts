/**
 * `xuncha review DIR FILE…` (SPEC §2.6): import filled 核查 working papers into a run's database, then rewrite
 * leads.xlsx and report.html with the statuses. Every problem of every file is reported at once and nothing is
 * stored when there is one (exit 1). The whole command holds the run folder's lock (outputs/run-outputs.ts).
 */
import { relative, resolve } from 'node:path';
import { formatDiagnostic } from '../../errors.js';
import { withRunOutputs } from '../../outputs/run-outputs.js';
import { importReviews } from '../../review/import.js';
import { REVIEW_STATUSES } from '../../review/model.js';
import { EXIT } from '../exit.js';
import { createProgress } from '../progress.js';

export async function reviewCommand(dir: string, files: string[], opts: { quiet?: boolean }): Promise<number> {
  const progress = createProgress({ quiet: opts.quiet });
  await withRunOutputs(
    dir,
    { command: 'review', commandLine: `xuncha review ${dir} …`, requireLeads: true, onNote: (m) => progress.info(m) },
    async ({ db }) => {
      const summary = await importReviews(db, files, { display: (f) => relative(process.cwd(), resolve(f)) || f });
      for (const w of summary.warnings) process.stderr.write(formatDiagnostic(w) + '\n');
      const lines = ['', '核查表导入 / review import'];
      for (const s of summary.sheets) lines.push(`  ${s.file}${s.sheet != null ? ` [${s.sheet}]` : ''}  ${s.rows.toLocaleString('en-US')} 行/rows`);
      lines.push(
        `  填写了核查内容的行/rows with review values: ${summary.filled.toLocaleString('en-US')}；` +
          `新增或变更/new or changed: ${summary.stored.toLocaleString('en-US')} 条线索/leads；与数据库相同/unchanged: ${summary.unchanged.toLocaleString('en-US')} 行/rows`,
      );
      const counts = await db.all<{ status: string; n: string }>(`select status, count(*) as n from lead_status group by all`, undefined, 'status counts');
      const by = new Map(counts.map((c) => [c.status, Number(c.n)]));
      lines.push('  当前状态/current status: ' + REVIEW_STATUSES.map((s) => `${s} ${by.get(s) ?? 0}`).join(' · '));
      process.stdout.write(lines.join('\n') + '\n');
    },
  );
  if (!opts.quiet) process.stderr.write(`已重写/rewritten: leads.xlsx, report.html in ${dir}\n`);
  return EXIT.ok;
}
