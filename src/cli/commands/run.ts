/**
 * `xuncha run` / `xuncha ingest`: validate everything first (pipeline, rule files, rule selection and params, the
 * output folder), then ingest → rules → leads → outputs, all into a staging folder that replaces the old outputs
 * atomically only on success (outputs/folder.ts).
 */
import { rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadPipeline } from '../../config/load-pipeline.js';
import { Db, RUN_STORAGE_VERSION } from '../../db/connection.js';
import { enterSandbox } from '../../db/sandbox.js';
import { UsageError, userError, type DiagnosticLocation } from '../../errors.js';
import { ingest, type IngestSummary } from '../../ingest/ingest.js';
import { INGEST_OUTPUTS, RUN_OUTPUTS, inspectOutputFolder, recoverOutputFolder, withOutputFolder, type OutputFolderOptions } from '../../outputs/folder.js';
import { buildManifest, toolVersion, writeManifest, type ManifestRule } from '../../outputs/manifest.js';
import { rejectsCsvBodyPath, writeRejectsCsv } from '../../outputs/rejects-csv.js';
import { createProgress, type Progress } from '../progress.js';
import type { RunCliOptions } from '../main.js';
import type { PipelineConfig } from '../../config/types.js';
import { EXIT } from '../exit.js';
import { assembleLeads } from '../../leads/index.js';
import { leadsCsvBodyPath, writeLeadsCsv } from '../../outputs/leads-csv.js';
import { writeLeadsXlsx } from '../../outputs/leads-xlsx.js';
import { buildReport } from '../../report/build-report.js';
import { buildFinanceAnalytics } from '../../analytics/finance.js';
import { loadCatalog, preflightRules, runRules, selectRules } from '../../rules/index.js';
import { checkBeforeRun, compareWithPrevious, followupCsvBodyPath, loadPrevious, writeFollowupCsv, type FollowupSummary } from '../../review/followup.js';
import { recordOutputFile } from '../../review/guard.js';
import { ensureReviewTables } from '../../review/model.js';

export async function runCommand(pipelineFile: string, opts: RunCliOptions & { stage: 'run' | 'ingest' }): Promise<number> {
  const progress = createProgress({ quiet: opts.quiet });
  if (opts.threads != null && !(Number.isInteger(Number(opts.threads)) && Number(opts.threads) >= 1)) throw new UsageError(`--threads must be a positive integer, got ${opts.threads}`);
  if (opts.memoryLimit != null && !isMemoryLimit(opts.memoryLimit)) {
    throw new UsageError(`--memory-limit must be a size such as 3GB, 500MB or 4GiB, got "${opts.memoryLimit}" / --memory-limit 应为 3GB、500MB 或 4GiB 这样的大小`);
  }
  const config = loadPipeline(pipelineFile);
  if (opts.out) config.output = resolve(opts.out);
  if (config.engine.memory_limit != null && !isMemoryLimit(config.engine.memory_limit)) {
    throw userError(
      'pipeline.bad_value',
      `engine.memory_limit 应为 3GB、500MB 或 4GiB 这样的大小，而不是 "${config.engine.memory_limit}"。`,
      `engine.memory_limit must be a size such as 3GB, 500MB or 4GiB, not "${config.engine.memory_limit}".`,
      { file: relative(process.cwd(), config.file) || config.file, key: 'engine.memory_limit' },
    );
  }
  if (opts.previous) config.previous = resolve(opts.previous);
  const result = await runPipeline(config, {
    stage: opts.stage,
    progress,
    memoryLimit: opts.memoryLimit,
    threads: opts.threads ? Number(opts.threads) : undefined,
    outputAt: opts.out ? { key: '--out' } : { file: relative(process.cwd(), config.file) || config.file, key: 'output' },
  });
  // the accounting and the lead summary are the point of the command: stdout, even with --quiet
  printAccounting(result.ingest);
  if (opts.stage === 'run') printLeadSummary(result);
  if (result.followup) {
    const c = result.followup.counts;
    process.stdout.write(
      `\n回头看/follow-up (${relative(process.cwd(), config.previous ?? '') || config.previous}): ` +
        ['整改不到位', '仍存在', '新发现', '已消失'].map((k) => `${k} ${c[k] ?? 0}`).join(' · ') +
        `；带入核查状态/statuses carried: ${result.followup.carried}\n`,
    );
  }
  process.stderr.write(`${opts.quiet ? '' : '\n'}输出/output: ${relative(process.cwd(), config.output) || '.'}\n`);
  return EXIT.ok;
}

/**
 * DuckDB memory_limit when neither --memory-limit nor engine.memory_limit is given: with it the process peaked at
 * 3.5-3.8 GB in bench runs on province-sized data (15.7M payout rows; the rest spills to disk), under the 4 GB bar.
 */
export const DEFAULT_MEMORY_LIMIT = '3GB';

/** A size DuckDB's memory_limit accepts: a number and a unit (B, KB, MB, GB, TB, KiB … TiB, K/M/G/T). */
export function isMemoryLimit(s: string): boolean {
  return /^\s*\d+(\.\d+)?\s*(b|bytes?|k|kb|kib|kilobytes?|m|mb|mib|megabytes?|g|gb|gib|gigabytes?|t|tb|tib|terabytes?)\s*$/i.test(s) && parseFloat(s) > 0;
}

export interface RunResult {
  ingest: IngestSummary;
  rules: ManifestRule[];
  leads: number;
  leadsBySeverity: Record<string, number>;
  outDir: string;
  /** with --previous / previous: the 回头看 counts and the number of statuses carried forward */
  followup?: FollowupSummary;
}

export async function runPipeline(
  config: PipelineConfig,
  opts: { stage: 'run' | 'ingest'; progress?: Progress; memoryLimit?: string; threads?: number; outputAt?: DiagnosticLocation },
): Promise<RunResult> {
  const progress = opts.progress ?? createProgress({ quiet: true });
  const startedAt = new Date();
  const timings: Record<string, number> = {};
  const time = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      timings[name] = Math.round(performance.now() - t) / 1000;
    }
  };

  // validate rules before touching any data
  const withRules = opts.stage === 'run';
  const presentTables = new Set<string>(config.sources.map((s) => s.table));
  const catalog = withRules ? loadCatalog(config.rules.custom) : [];
  const selection = withRules ? selectRules(catalog, config.rules, presentTables, { file: config.file }) : undefined;
  // custom rules run once on empty tables, so a broken rule is reported before any data is read
  if (selection) await preflightRules(selection.selected, config.rules, { timeoutSeconds: config.engine.rule_timeout });

  const folder: OutputFolderOptions = {
    command: opts.stage,
    replace: 'all',
    // followup.csv: written with --previous (SPEC §2.6)
    writes: opts.stage === 'run' ? [...RUN_OUTPUTS, 'followup.csv'] : INGEST_OUTPUTS,
    inputs: [config.file, ...config.sources.map((s) => s.path), ...config.rules.custom],
    // a leads.xlsx the teams typed into is judged by checkBeforeRun below, which reads its 核查 columns: it is
    // replaced only when everything typed there is in the database (and then carried with --previous)
    acceptChanged: ['leads.xlsx'],
    at: opts.outputAt,
    onNote: (m) => progress.info(m),
  };
  // ownership first: a folder that is not xuncha's is refused before any database in it is opened
  inspectOutputFolder(config.output, folder);
  // never lose typed work: an earlier or replaced run's un-imported 核查 values stop the run before it reads data
  // (a commit a killed run left half-done in either folder is completed first, so the check sees whole runs)
  recoverOutputFolder(config.output, (m) => progress.info(m));
  if (withRules && config.previous) recoverOutputFolder(config.previous, (m) => progress.info(m));
  await checkBeforeRun(config.output, withRules ? config.previous : undefined);

  return withOutputFolder(
    config.output,
    folder,
    ({ staging }) => runStages({ config, opts, progress, startedAt, timings, time, withRules, selection, catalog }, staging),
  );
}

interface StageContext {
  config: PipelineConfig;
  opts: { stage: 'run' | 'ingest'; memoryLimit?: string; threads?: number };
  progress: Progress;
  startedAt: Date;
  timings: Record<string, number>;
  time: <T>(name: string, f: () => Promise<T>) => Promise<T>;
  withRules: boolean;
  selection: ReturnType<typeof selectRules> | undefined;
  catalog: ReturnType<typeof loadCatalog>;
}

/** ingest → rules → leads → outputs, every file written into `staging` */
async function runStages(c: StageContext, staging: string): Promise<RunResult> {
  const { config, opts, progress, startedAt, timings, time, withRules, selection, catalog } = c;
  let db: Db | undefined;
  try {
    db = await Db.open(join(staging, 'xuncha.duckdb'), {
      memoryLimit: opts.memoryLimit ?? config.engine.memory_limit ?? DEFAULT_MEMORY_LIMIT,
      tempDirectory: config.engine.temp_directory ?? join(staging, 'duckdb.tmp'),
      threads: opts.threads ?? config.engine.threads,
      storageVersion: RUN_STORAGE_VERSION,
    });
    const summary = await time('ingest', () => ingest(db!, config, progress));
    // From here on DuckDB touches no file but its own: rule SQL runs in the sandbox (db/sandbox.ts); the only
    // paths left open are the two COPY bodies the run writes itself (leads.csv, rejects.csv).
    // 回头看 reads the earlier run's database now, while other files can still be opened
    if (withRules && config.previous) {
      const prev = config.previous;
      await time('previous', () => loadPrevious(db!, prev));
    }
    await enterSandbox(db, {
      allowedPaths: [
        leadsCsvBodyPath(join(staging, 'leads.csv')),
        rejectsCsvBodyPath(join(staging, 'rejects.csv')),
        followupCsvBodyPath(join(staging, 'followup.csv')),
      ],
    });

    let manifestRules: ManifestRule[] = [];
    let followup: FollowupSummary | undefined;
    let leads = 0;
    if (withRules && selection) {
      for (const s of selection.skipped) progress.info(`规则跳过/rule skipped  ${s.rule.id}：${s.reason_zh}`);
      const runs = await time('rules', () =>
        runRules(db!, selection, config.rules, {
          timeoutSeconds: config.engine.rule_timeout,
          onRule: (id: string, i: number, n: number) => progress.info(`规则/rule ${i + 1}/${n}  ${id}`),
        }),
      );
      manifestRules = runs.map((r) => ({
        id: r.rule_id,
        name: r.rule_name,
        category: r.category,
        status: r.status,
        leads: r.leads,
        seconds: r.seconds,
        parameters: r.params,
        note: r.note ?? null,
      }));
      leads = (await time('leads', () => assembleLeads(db!, catalog))).leads;
      await ensureReviewTables(db!);
      if (config.previous) {
        const prev = config.previous;
        followup = await time('followup', () => compareWithPrevious(db!, prev));
      }
      await time('analytics', () => buildFinanceAnalytics(db!));
    }

    const rejectsByReason = Object.fromEntries(
      (await db.all<{ r: string; n: string }>(`select reason_code as r, count(*) as n from rejects group by all order by r`)).map((x) => [x.r, Number(x.n)]),
    );
    await time('rejects.csv', () => writeRejectsCsv(db!, join(staging, 'rejects.csv')));
    const finishedAt = new Date();
    const manifest = buildManifest({ config, ingest: summary, rules: manifestRules, leads, rejectsByReason, startedAt, finishedAt, timings });
    await db.run(`create or replace table runs (run_id VARCHAR, tool_version VARCHAR, pipeline_file VARCHAR, pipeline_name VARCHAR,
      report_title VARCHAR, mask_ids BOOLEAN, started_at TIMESTAMP, finished_at TIMESTAMP, manifest JSON)`);
    await db.run(`insert into runs values ($id, $v, $f, $n, $t, $m, $s::TIMESTAMP, $e::TIMESTAMP, $j)`, {
      id: startedAt.toISOString(),
      v: toolVersion(),
      f: config.file,
      n: config.name,
      t: config.report.title,
      m: config.report.mask_ids,
      s: startedAt.toISOString().replace('T', ' ').replace('Z', ''),
      e: finishedAt.toISOString().replace('T', ' ').replace('Z', ''),
      j: JSON.stringify(manifest),
    });

    let leadsBySeverity: Record<string, number> = {};
    if (withRules) {
      await time('leads.csv', () => writeLeadsCsv(db!, join(staging, 'leads.csv')));
      await time('leads.xlsx', () => writeLeadsXlsx(db!, join(staging, 'leads.xlsx')));
      await recordOutputFile(db!, 'leads.xlsx', join(staging, 'leads.xlsx'));
      if (followup) await time('followup.csv', () => writeFollowupCsv(db!, join(staging, 'followup.csv')));
      await time('report.html', () => buildReport(db!, join(staging, 'report.html'), { title: config.report.title, maskIds: config.report.mask_ids }));
      leadsBySeverity = Object.fromEntries(
        (await db.all<{ s: string; n: string }>(`select severity as s, count(*) as n from leads group by all`)).map((x) => [x.s, Number(x.n)]),
      );
    }
    manifest.timings = timings;
    writeManifest(join(staging, 'manifest.json'), manifest);
    await db.run(`update runs set manifest = $j`, { j: JSON.stringify(manifest) });
    await db.run('checkpoint');
    db.close();
    db = undefined;
    rmSync(join(staging, 'duckdb.tmp'), { recursive: true, force: true });
    return { ingest: summary, rules: manifestRules, leads, leadsBySeverity, outDir: config.output, followup };
  } catch (e) {
    try {
      db?.close();
    } catch {
      /* already failing */
    }
    throw e;
  }
}

function printAccounting(s: IngestSummary): void {
  const lines: string[] = [];
  lines.push('');
  lines.push('行数核对 / row accounting');
  lines.push(pad(['表/table', '文件/file', '读取/read', '入库/loaded', '拒收/rejected', '跳过/skipped (标题/表头/空行/合计)'], [12, 44, 10, 10, 10, 0]));
  for (const i of s.inputs) {
    lines.push(
      pad(
        [i.table, i.source_file ?? i.path, fmt(i.rows_read), fmt(i.rows_loaded), fmt(i.rows_rejected), `${fmt(i.rows_skipped)} (${i.skipped.title}/${i.skipped.header}/${i.skipped.blank}/${i.skipped.total})`],
        [12, 44, 10, 10, 10, 0],
      ),
    );
  }
  const t = s.totals;
  lines.push(pad(['合计/total', `${s.inputs.length} files`, fmt(t.rows_read), fmt(t.rows_loaded), fmt(t.rows_rejected), fmt(t.rows_skipped)], [12, 44, 10, 10, 10, 0]));
  process.stdout.write(lines.join('\n') + '\n');
}

function printLeadSummary(r: RunResult): void {
  const lines = ['', `线索/leads: ${fmt(r.leads)}  (高/high ${r.leadsBySeverity.high ?? 0} · 中/medium ${r.leadsBySeverity.medium ?? 0} · 低/low ${r.leadsBySeverity.low ?? 0})`];
  for (const rule of r.rules) {
    lines.push(pad([rule.id, rule.name, rule.status === 'ran' ? fmt(rule.leads) : '跳过/skipped', rule.status === 'ran' ? `${rule.seconds.toFixed(2)} s` : rule.note ?? ''], [24, 30, 12, 0]));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/** pad with display width (CJK = 2 columns) */
function pad(cells: string[], widths: number[]): string {
  return cells
    .map((c, i) => {
      const w = widths[i];
      if (!w) return c;
      const width = [...c].reduce((a, ch) => a + (/[\u2E80-\uFFFF]/.test(ch) ? 2 : 1), 0);
      return c + ' '.repeat(Math.max(1, w - width));
    })
    .join('');
}
