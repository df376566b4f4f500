/**
 * `npm run bench [-- --scale S] [--keep]`: where the time goes, at county (scale 1) and province (scale 10) size,
 * against the DuckDB floor (SPEC §7, issue 6). Prints a table and writes JSON to out/bench/.
 *
 * For each scale:
 *  1. generate (or reuse) the synthetic county under out/bench/scale-S/raw;
 *  2. prepare a clean UTF-8 CSV copy of every table (canonical field names as headers) + a GBK copy of the
 *     subsidy file + an XLSX copy of the person table, so each reader can be measured on the same rows;
 *  3. xuncha run of the UTF-8 pipeline, in this process, with per-stage / per-file / per-rule timings,
 *     peak RSS and DuckDB temp spill;
 *  4. the floor, on the same files in the same process: DuckDB alone doing read_csv(all_varchar) of each file
 *     into a table, and the same rule SQL (bound params) on the already-normalized tables of step 3;
 *  5. GBK and XLSX ingest alone (rows/s, MB/s).
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { parsePipeline, loadPipeline } from '../config/load-pipeline.js';
import { Db, RUN_STORAGE_VERSION } from '../db/connection.js';
import { quoteIdent, quoteLiteral } from '../db/quote.js';
import { generate } from '../generate/index.js';
import { ingest } from '../ingest/ingest.js';
import { openSource } from '../ingest/readers/index.js';
import { PROJECT_ROOT } from '../normalize/macros.js';
import { DEFAULT_MEMORY_LIMIT, type RunResult } from '../cli/commands/run.js';
import { spawn } from 'node:child_process';
import { loadCatalog, resolveParams } from '../rules/index.js';
import { bindValues } from '../rules/params.js';
import { scanSql } from '../rules/sql-scan.js';
import { CANONICAL_TABLE_NAMES, TABLES } from '../schema/canonical-tables.js';

const BENCH_DIR = join(PROJECT_ROOT, 'out', 'bench');
const MEMORY_LIMIT = process.env.XUNCHA_BENCH_MEMORY ?? DEFAULT_MEMORY_LIMIT;

interface ReaderResult {
  mb: number;
  rows: number;
  reader_seconds: number;
  reader_mb_per_s: number;
  reader_rows_per_s: number;
  raw_read_csv_seconds?: number;
  ingest_seconds: number;
  ingest_mb_per_s: number;
  ingest_rows_per_s: number;
}

interface ScaleResult {
  scale: number;
  people: number;
  generate_seconds: number | null;
  files: { table: string; path: string; mb: number; rows: number }[];
  xuncha: {
    total_seconds: number;
    stages: Record<string, number>;
    ingest_files: { table: string; path: string; rows: number; mb: number; seconds: number; read_seconds: number; normalize_seconds: number; rows_per_s: number; mb_per_s: number }[];
    rules: { id: string; seconds: number; leads: number }[];
    leads: number;
    peak_rss_mb: number;
    temp_spill_mb: number;
  };
  floor: { ingest_seconds: number; rules_seconds: number; total_seconds: number; ingest_files: { table: string; seconds: number }[]; rules: { id: string; seconds: number }[] };
  ratio: { total: number; ingest: number; rules: number };
  readers: Partial<Record<'utf8' | 'gbk' | 'xlsx', ReaderResult>>;
  targets: Record<string, { value: number; target: string; ok: boolean }>;
}

function parseArgs(argv: string[]) {
  const scales: number[] = [];
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--scale') scales.push(Number(argv[++i]));
    else if (argv[i] === '--keep') keep = true;
  }
  return { scales: scales.length ? scales : [1, 10], keep };
}

function mb(bytes: number): number {
  return Math.round((bytes / 1e6) * 10) / 10;
}

function dirSize(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return total;
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

async function prepare(scale: number): Promise<{ base: string; people: number; genSeconds: number | null }> {
  const base = join(BENCH_DIR, `scale-${scale}`);
  const raw = join(base, 'raw');
  let genSeconds: number | null = null;
  let people = 0;
  if (!existsSync(join(raw, 'pipeline.yaml'))) {
    log(`generating scale ${scale} into ${raw}`);
    rmSync(raw, { recursive: true, force: true });
    const t = performance.now();
    const r = await generate({ outDir: raw, scale, seed: 1, onProgress: (m) => log(m) });
    genSeconds = (performance.now() - t) / 1000;
    people = r.people;
  }
  const utf8 = join(base, 'utf8');
  if (!existsSync(join(utf8, 'pipeline.yaml'))) {
    log('preparing UTF-8 CSV copies');
    rmSync(utf8, { recursive: true, force: true });
    mkdirSync(utf8, { recursive: true });
    const config = loadPipeline(join(raw, 'pipeline.yaml'));
    const db = await Db.open(':memory:', { memoryLimit: MEMORY_LIMIT, tempDirectory: join(base, 'tmp-prepare') });
    await ingest(db, config);
    const lines = ['name: bench', 'sources:'];
    for (const t of CANONICAL_TABLE_NAMES) {
      const n = Number(await db.scalar(`select count(*) from ${quoteIdent(t)}`));
      if (!n) continue;
      const fields = TABLES[t].fields.map((f) => f.name);
      const file = join(utf8, `${t}.csv`);
      await db.run(
        `copy (select ${fields.map((f) => `cast(${quoteIdent(f)} as varchar) as ${quoteIdent(f)}`).join(', ')} from ${quoteIdent(t)} order by _source_file, _source_row)
         to ${quoteLiteral(file)} (header, delimiter ',')`,
      );
      lines.push(`  ${t}: { path: ${t}.csv }`);
    }
    db.close();
    rmSync(join(base, 'tmp-prepare'), { recursive: true, force: true });
    writeFileSync(join(utf8, 'pipeline.yaml'), lines.join('\n') + '\n');
    // GBK copy of the biggest file, XLSX copy of the person table
    await pipeline(createReadStream(join(utf8, 'subsidy.csv')), iconv.decodeStream('utf8'), iconv.encodeStream('gb18030'), createWriteStream(join(base, 'subsidy.gbk.csv')));
    await writeXlsxCopy(join(utf8, 'person.csv'), join(base, 'person.xlsx'));
  }
  if (!people) {
    const db = await Db.open();
    people = Number(await db.scalar(`select count(*) from read_csv(${quoteLiteral(join(utf8, 'person.csv'))}, header = true, all_varchar = true)`));
    db.close();
  }
  return { base, people, genSeconds };
}

async function writeXlsxCopy(csv: string, xlsx: string): Promise<void> {
  const db = await Db.open();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('户籍人口');
  const cols = await db.all<{ column_name: string }>(`select column_name from (describe select * from read_csv(${quoteLiteral(csv)}, header = true, all_varchar = true))`);
  ws.addRow(cols.map((c) => c.column_name)).commit();
  const res = await db.connection.stream(`select * from read_csv(${quoteLiteral(csv)}, header = true, all_varchar = true)`);
  for (;;) {
    const chunk = await res.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const row of chunk.getRows()) ws.addRow(row.map((v) => (v == null ? null : String(v)))).commit();
  }
  ws.commit();
  await wb.commit();
  db.close();
}

async function benchScale(scale: number): Promise<ScaleResult> {
  const { base, people, genSeconds } = await prepare(scale);
  const utf8 = join(base, 'utf8');
  const config = loadPipeline(join(utf8, 'pipeline.yaml'));
  config.output = join(base, 'run');
  const tmp = join(base, 'duckdb-tmp');
  rmSync(tmp, { recursive: true, force: true });
  config.engine.temp_directory = tmp;
  config.engine.memory_limit = MEMORY_LIMIT;

  // --- xuncha
  log(`xuncha run, scale ${scale}`);
  let spill = 0;
  const poll = setInterval(() => {
    spill = Math.max(spill, dirSize(tmp));
  }, 250);
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'bench', 'run-child.ts'), join(utf8, 'pipeline.yaml'), config.output, tmp, MEMORY_LIMIT], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const code: number = await new Promise((res) => child.on('close', (c) => res(c ?? 3)));
  clearInterval(poll);
  if (code !== 0) throw new Error(`xuncha run failed (exit ${code})`);
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number; maxRssMb: number; rules: RunResult['rules']; leads: number };
  const total = result.seconds;
  const peakRss = result.maxRssMb;
  const manifest = JSON.parse((await import('node:fs')).readFileSync(join(config.output, 'manifest.json'), 'utf8')) as {
    timings: Record<string, number>;
    inputs: { table: string; path: string; rows_read: number; size: number; seconds: number; read_seconds: number; normalize_seconds: number }[];
  };

  // --- floor: DuckDB read_csv of the same files, and the same rule SQL on the normalized tables
  log('floor: DuckDB alone');
  // into a database file, like the run: xuncha.duckdb is an output, so the floor pays for writing it too
  const floorFile = join(base, 'floor.duckdb');
  rmSync(floorFile, { force: true });
  rmSync(floorFile + '.wal', { force: true });
  // the same engine settings as the run (memory limit, spill directory, storage format)
  const floorDb = await Db.open(floorFile, { memoryLimit: MEMORY_LIMIT, tempDirectory: tmp, storageVersion: RUN_STORAGE_VERSION });
  const floorIngest: { table: string; seconds: number }[] = [];
  for (const s of config.sources) {
    const t = performance.now();
    await floorDb.run(`create table ${quoteIdent(s.table)} as select * from read_csv(${quoteLiteral(s.path)}, header = true, all_varchar = true)`);
    floorIngest.push({ table: s.table, seconds: (performance.now() - t) / 1000 });
  }
  // the run ends with a checkpoint (its database is durable); so does the floor
  {
    const t = performance.now();
    await floorDb.run('checkpoint');
    floorIngest.push({ table: '(checkpoint)', seconds: (performance.now() - t) / 1000 });
  }
  floorDb.close();
  rmSync(floorFile, { force: true });
  const runDb = await Db.open(join(config.output, 'xuncha.duckdb'), { memoryLimit: MEMORY_LIMIT, tempDirectory: tmp });
  const floorRules: { id: string; seconds: number }[] = [];
  const present = new Set(config.sources.map((s) => s.table));
  for (const rule of loadCatalog([])) {
    if (!rule.tables.every((t) => present.has(t))) continue;
    const values = resolveParams(rule, undefined).values;
    const used = scanSql(rule.sql).params.map((p) => p.name);
    const bound = bindValues(rule, values, used);
    const stmt = await runDb.connection.prepare(`create or replace temp table _floor as (\n${rule.sql}\n)`);
    if (used.length) stmt.bind(bound.values, bound.types);
    const t = performance.now();
    await stmt.run();
    floorRules.push({ id: rule.id, seconds: (performance.now() - t) / 1000 });
    stmt.destroySync();
  }
  runDb.close();

  // --- readers: each reader alone (file → staging table of text cells, in memory) beside a raw DuckDB read_csv
  // of the same UTF-8 file, and the whole ingest of that file (reader + header mapping + normalization)
  const readers: ScaleResult['readers'] = {};
  for (const [kind, file, table] of [
    ['utf8', join(utf8, 'subsidy.csv'), 'subsidy'],
    ['gbk', join(base, 'subsidy.gbk.csv'), 'subsidy'],
    ['xlsx', join(base, 'person.xlsx'), 'person'],
  ] as const) {
    if (!existsSync(file)) continue;
    log(`reader alone: ${kind}`);
    const cfg = parsePipeline(`sources:\n  ${table}: { path: ${JSON.stringify(file)} }\n`, join(base, 'reader.yaml'));
    const bytes = statSync(file).size;
    let db = await Db.open(':memory:', { memoryLimit: MEMORY_LIMIT, tempDirectory: tmp });
    let t = performance.now();
    const opened = await openSource(cfg.sources[0]);
    const width = (await opened.preview(5))[0]?.length ?? 1;
    const { rowsRead } = await opened.load(db, { stageTable: '_bench_stage', headerRow: 1, ncols: width });
    await opened.close();
    const readerS = (performance.now() - t) / 1000;
    let rawS: number | undefined;
    if (kind === 'utf8') {
      t = performance.now();
      await db.run(`create table _raw as select * from read_csv(${quoteLiteral(file)}, header = true, all_varchar = true)`);
      rawS = (performance.now() - t) / 1000;
    }
    db.close();
    db = await Db.open(':memory:', { memoryLimit: MEMORY_LIMIT, tempDirectory: tmp });
    t = performance.now();
    await ingest(db, cfg);
    const ingestS = (performance.now() - t) / 1000;
    db.close();
    readers[kind] = {
      mb: mb(bytes),
      rows: rowsRead,
      reader_seconds: r3(readerS),
      reader_mb_per_s: r1(bytes / 1e6 / readerS),
      reader_rows_per_s: Math.round(rowsRead / readerS),
      ...(rawS != null ? { raw_read_csv_seconds: r3(rawS) } : {}),
      ingest_seconds: r3(ingestS),
      ingest_mb_per_s: r1(bytes / 1e6 / ingestS),
      ingest_rows_per_s: Math.round(rowsRead / ingestS),
    };
  }
  rmSync(tmp, { recursive: true, force: true });

  const floorIngestTotal = floorIngest.reduce((a, b) => a + b.seconds, 0);
  const floorRulesTotal = floorRules.reduce((a, b) => a + b.seconds, 0);
  const oursIngest = manifest.timings.ingest ?? 0;
  const oursRules = (manifest.timings.rules ?? 0) + (manifest.timings.leads ?? 0);
  const utf8Files = manifest.inputs.map((i) => ({
    table: i.table,
    path: i.path,
    rows: i.rows_read,
    mb: mb(i.size),
    seconds: r3(i.seconds),
    read_seconds: r3(i.read_seconds),
    normalize_seconds: r3(i.normalize_seconds),
    rows_per_s: Math.round(i.rows_read / i.seconds),
    mb_per_s: r1(i.size / 1e6 / i.seconds),
  }));
  const rulesAll = result.rules.filter((r) => r.status === 'ran').reduce((a, r) => a + r.seconds, 0);
  const targets: ScaleResult['targets'] = {
    'whole run / floor': { value: r2(total / (floorIngestTotal + floorRulesTotal)), target: '≤ 1.3', ok: total / (floorIngestTotal + floorRulesTotal) <= 1.3 },
    'peak RSS MB': { value: Math.round(peakRss), target: '≤ 4096', ok: peakRss <= 4096 },
  };
  const u = readers.utf8;
  if (u?.raw_read_csv_seconds) {
    const ratio = u.raw_read_csv_seconds / u.reader_seconds;
    targets['UTF-8 CSV reader throughput / raw read_csv'] = { value: r2(ratio), target: '≥ 0.8', ok: ratio >= 0.8 };
  }
  if (readers.gbk) targets['GBK CSV reader MB/s'] = { value: readers.gbk.reader_mb_per_s, target: '≥ 60', ok: readers.gbk.reader_mb_per_s >= 60 };
  if (readers.xlsx) targets['XLSX reader rows/s'] = { value: readers.xlsx.reader_rows_per_s, target: '≥ 50000', ok: readers.xlsx.reader_rows_per_s >= 50000 };
  if (scale === 1) targets['all rules at scale 1, s'] = { value: r2(rulesAll), target: '< 5', ok: rulesAll < 5 };

  return {
    scale,
    people,
    generate_seconds: genSeconds == null ? null : r1(genSeconds),
    files: utf8Files.map((f) => ({ table: f.table, path: f.path, mb: f.mb, rows: f.rows })),
    xuncha: {
      total_seconds: r2(total),
      stages: manifest.timings,
      ingest_files: utf8Files,
      rules: result.rules.filter((r) => r.status === 'ran').map((r) => ({ id: r.id, seconds: r.seconds, leads: r.leads })),
      leads: result.leads,
      peak_rss_mb: Math.round(peakRss),
      temp_spill_mb: mb(spill),
    },
    floor: {
      ingest_seconds: r2(floorIngestTotal),
      rules_seconds: r2(floorRulesTotal),
      total_seconds: r2(floorIngestTotal + floorRulesTotal),
      ingest_files: floorIngest.map((f) => ({ ...f, seconds: r3(f.seconds) })),
      rules: floorRules.map((f) => ({ ...f, seconds: r3(f.seconds) })),
    },
    ratio: {
      total: r2(total / (floorIngestTotal + floorRulesTotal)),
      ingest: r2(oursIngest / floorIngestTotal),
      rules: r2(oursRules / Math.max(floorRulesTotal, 1e-3)),
    },
    readers,
    targets,
  };
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

function printResult(r: ScaleResult): void {
  const out: string[] = [];
  out.push('', `== scale ${r.scale}: ${r.people.toLocaleString('en-US')} people${r.generate_seconds != null ? `, generated in ${r.generate_seconds} s` : ''}`);
  out.push(`xuncha run            ${r.xuncha.total_seconds.toFixed(2)} s   floor ${r.floor.total_seconds.toFixed(2)} s   ratio ${r.ratio.total}`);
  out.push(`  ingest              ${(r.xuncha.stages.ingest ?? 0).toFixed(2)} s   floor ${r.floor.ingest_seconds.toFixed(2)} s   ratio ${r.ratio.ingest}`);
  out.push(`  rules + leads       ${((r.xuncha.stages.rules ?? 0) + (r.xuncha.stages.leads ?? 0)).toFixed(2)} s   floor ${r.floor.rules_seconds.toFixed(2)} s   ratio ${r.ratio.rules}`);
  for (const [k, v] of Object.entries(r.xuncha.stages)) if (!['ingest', 'rules', 'leads'].includes(k)) out.push(`  ${k.padEnd(20)}${v.toFixed(2)} s`);
  out.push(`peak RSS ${r.xuncha.peak_rss_mb} MB, DuckDB temp spill ${r.xuncha.temp_spill_mb} MB, leads ${r.xuncha.leads}`);
  out.push('', 'ingest per file (UTF-8 CSV)          rows        MB     s   read s  normalize s    rows/s    MB/s   floor s');
  for (const f of r.xuncha.ingest_files) {
    const fl = r.floor.ingest_files.find((x) => x.table === f.table);
    out.push(
      `  ${f.path.padEnd(34)}${String(f.rows).padStart(10)}${String(f.mb).padStart(8)}${f.seconds.toFixed(2).padStart(7)}${f.read_seconds.toFixed(2).padStart(9)}` +
        `${f.normalize_seconds.toFixed(2).padStart(13)}${String(f.rows_per_s).padStart(10)}${String(f.mb_per_s).padStart(8)}${(fl?.seconds ?? 0).toFixed(2).padStart(9)}`,
    );
  }
  const ck = r.floor.ingest_files.find((x) => x.table === '(checkpoint)');
  if (ck) out.push(`  ${'(floor: final checkpoint)'.padEnd(34)}${''.padStart(79)}${ck.seconds.toFixed(2).padStart(9)}`);
  out.push('', 'readers                     MB       rows   reader s    MB/s     rows/s   ingest s (with normalization)  MB/s   rows/s');
  for (const [k, v] of Object.entries(r.readers)) {
    out.push(
      `  ${(k === 'utf8' ? 'UTF-8 CSV' : k === 'gbk' ? 'GBK CSV' : 'XLSX').padEnd(20)}${String(v.mb).padStart(8)}${String(v.rows).padStart(11)}${v.reader_seconds.toFixed(2).padStart(11)}${String(v.reader_mb_per_s).padStart(8)}${String(v.reader_rows_per_s).padStart(11)}${v.ingest_seconds.toFixed(2).padStart(11)}${String(v.ingest_mb_per_s).padStart(24)}${String(v.ingest_rows_per_s).padStart(9)}` +
        (v.raw_read_csv_seconds != null ? `   (raw DuckDB read_csv ${v.raw_read_csv_seconds.toFixed(2)} s)` : ''),
    );
  }
  out.push('', 'rules                      xuncha s   floor s   leads');
  for (const rule of r.xuncha.rules) {
    const fl = r.floor.rules.find((x) => x.id === rule.id);
    out.push(`  ${rule.id.padEnd(26)}${rule.seconds.toFixed(3).padStart(8)}${(fl?.seconds ?? 0).toFixed(3).padStart(10)}${String(rule.leads).padStart(8)}`);
  }
  out.push('', 'targets');
  for (const [k, v] of Object.entries(r.targets)) out.push(`  ${v.ok ? 'ok  ' : 'MISS'} ${k}: ${v.value} (${v.target})`);
  process.stdout.write(out.join('\n') + '\n');
}

async function main(): Promise<void> {
  const { scales, keep } = parseArgs(process.argv.slice(2));
  mkdirSync(BENCH_DIR, { recursive: true });
  const results: ScaleResult[] = [];
  for (const s of scales) {
    const r = await benchScale(s);
    printResult(r);
    results.push(r);
    if (!keep) rmSync(join(BENCH_DIR, `scale-${s}`, 'run'), { recursive: true, force: true });
  }
  const file = join(BENCH_DIR, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, memory_limit: MEMORY_LIMIT, results }, null, 2));
  process.stdout.write(`\nJSON: ${resolve(file)}\n\n`);
  // last line(s): one summary per scale, the format other tools parse
  for (const r of results) {
    process.stdout.write(
      `bench scale=${r.scale} xuncha_s=${r.xuncha.total_seconds.toFixed(2)} floor_s=${r.floor.total_seconds.toFixed(2)} ratio=${r.ratio.total.toFixed(2)} peak_rss_mb=${r.xuncha.peak_rss_mb}\n`,
    );
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(3);
});
