/**
 * `xuncha` command line (SPEC §2.1). Argument parsing and dispatch only: each command calls the stage entry
 * functions in order. Exit codes: see cli/exit.ts.
 */
import { Command, CommanderError } from 'commander';
import { UsageError } from '../errors.js';
import { cancelledBy } from '../lifecycle.js';
import { EXIT, reportError } from './exit.js';
import { setupProcess, signalExitCode } from './signals.js';

async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('xuncha')
    .description('巡察大数据比对：导出数据 → 问题线索清单 + 离线报告 / inspection data → evidence-backed leads')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError(false);

  let result: Promise<number> = Promise.resolve(EXIT.ok);
  const engineOptions = (c: Command) =>
    c
      .option('--out <dir>', '输出目录 / output folder (default: pipeline `output`, else out/<pipeline name>)')
      .option('--quiet', '不显示进度 / no progress output')
      .option('--memory-limit <size>', 'DuckDB memory_limit, e.g. 4GB')
      .option('--threads <n>', 'DuckDB threads');

  engineOptions(program.command('run <pipeline>').description('完整运行：读取 → 规范化 → 规则 → 线索 → 输出 / the whole job'))
    .option('--previous <dir>', '与之前一次运行比较（回头看），带入其核查状态 / compare with an earlier run and carry its statuses')
    .action(
    (pipeline: string, opts: RunCliOptions) => {
      result = import('./commands/run.js').then((m) => m.runCommand(pipeline, { ...opts, stage: 'run' }));
    },
  );
  engineOptions(program.command('ingest <pipeline>').description('只读取并规范化，打印行数核对 / load and normalize only')).action(
    (pipeline: string, opts: RunCliOptions) => {
      result = import('./commands/run.js').then((m) => m.runCommand(pipeline, { ...opts, stage: 'ingest' }));
    },
  );
  program
    .command('rules')
    .description('规则目录 / the rule catalog')
    .option('--json', 'JSON 输出 / print JSON')
    .action((opts: { json?: boolean }) => {
      result = import('./commands/rules.js').then((m) => m.rulesCommand(opts));
    });
  program
    .command('report <dir>')
    .description('从已有运行的数据库重建 report.html 和 leads.xlsx / rebuild report.html and leads.xlsx')
    .option('--quiet', 'no progress output')
    .action((dir: string, opts: { quiet?: boolean }) => {
      result = import('./commands/report.js').then((m) => m.reportCommand(dir, opts));
    });
  program
    .command('review <dir> <files...>')
    .description('导入填写好的核查表（leads.xlsx 或其副本、csv），写入数据库并重写 leads.xlsx 和 report.html / import filled working papers')
    .option('--quiet', 'no progress output')
    .action((dir: string, files: string[], opts: { quiet?: boolean }) => {
      result = import('./commands/review.js').then((m) => m.reviewCommand(dir, files, opts));
    });
  program
    .command('generate')
    .description('生成带预置异常和真值的模拟县数据 / synthetic county with planted anomalies and truth.csv')
    .requiredOption('--out <dir>', '输出目录 / output folder')
    .option('--scale <s>', '规模（1 ≈ 10万人）/ scale (1 ≈ 100,000 people)', '1')
    .option('--seed <n>', '随机种子 / seed', '1')
    .option('--quiet', 'no progress output')
    .action((opts: { out: string; scale: string; seed: string; quiet?: boolean }) => {
      const scale = Number(opts.scale);
      const seed = Number(opts.seed);
      if (!(scale > 0) || !Number.isFinite(scale)) throw new UsageError(`--scale must be a positive number, got ${opts.scale}`);
      if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got ${opts.seed}`);
      result = import('./commands/generate.js').then((m) => m.generateCommand({ out: opts.out, scale, seed, quiet: opts.quiet }));
    });
  program
    .command('notebook <notebook>')
    .description('把分析笔记本渲染为 HTML / render an analyst notebook to HTML')
    .requiredOption('--db <file>', '运行数据库 / the run database (DIR/xuncha.duckdb)')
    .option('--out <file>', '输出 HTML / output file (default: notebook name .html beside the database)')
    .action((notebook: string, opts: { db: string; out?: string }) => {
      result = import('./commands/notebook.js').then((m) => m.notebookCommand(notebook, opts));
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    return reportError(e);
  }
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    const code = await result;
    const sig = cancelledBy();
    if (sig && code === EXIT.ok) {
      process.stderr.write(`已中断/interrupted (${sig})：收到信号时输出已经完整写出。The outputs had been completed when the signal came.\n`);
      return signalExitCode(sig);
    }
    return code;
  } catch (e) {
    return reportError(e);
  }
}

export interface RunCliOptions {
  out?: string;
  previous?: string;
  quiet?: boolean;
  memoryLimit?: string;
  threads?: string;
}

setupProcess();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.exitCode = reportError(e);
  },
);
