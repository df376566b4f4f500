/**
 * `xuncha report DIR`: rebuild report.html and leads.xlsx from an existing run's database alone (rule metadata from
 * rule_runs, statuses from reviews), under the folder's lock, replacing the old ones atomically. Refuses (exit 1)
 * to overwrite a leads.xlsx holding 核查 values not imported (outputs/run-outputs.ts).
 */
import { relative } from 'node:path';
import { withRunOutputs } from '../../outputs/run-outputs.js';
import { EXIT } from '../exit.js';
import { createProgress } from '../progress.js';

export async function reportCommand(dir: string, opts: { quiet?: boolean }): Promise<number> {
  const progress = createProgress({ quiet: opts.quiet });
  // an ingest-only run has no lead list: only its report is rebuilt
  const { files } = await withRunOutputs(
    dir,
    { command: 'report', commandLine: `xuncha report ${dir}`, requireLeads: false, onNote: (m) => progress.info(m) },
    async () => undefined,
  );
  if (!opts.quiet) process.stderr.write(`已重建/rebuilt: ${files.map((f) => relative(process.cwd(), f) || f).join(', ')}\n`);
  return EXIT.ok;
}
