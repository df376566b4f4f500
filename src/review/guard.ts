/**
 * Never lose typed work (SPEC §2.6). Before anything overwrites a run's leads.xlsx, the file is compared with the
 * database: any 核查 value typed into it that the database does not hold (a statement, in classify.ts terms, or a
 * row with a problem) makes the rewrite refuse, saying how to import it. A file we cannot read (encrypted by the
 * team, corrupt) is refused too: we cannot know what it holds.
 *
 * Fast path: the SHA-256 of the leads.xlsx xuncha last wrote is kept in `output_files`; a file with that hash holds
 * nothing typed and is not parsed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/connection.js';
import { diag, type Diagnostic } from '../errors.js';
import { installMacros } from '../normalize/macros.js';
import { classifyRows } from './classify.js';
import { readWorkingPapers } from './working-paper.js';

export const OUTPUT_FILES_DDL = `create table if not exists output_files (name VARCHAR, sha256 VARCHAR, bytes BIGINT, written_at TIMESTAMP)`;

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Remember the hash of an output file xuncha wrote (the file may still sit at its temporary name). */
export async function recordOutputFile(db: Db, name: string, file: string): Promise<void> {
  await db.run(OUTPUT_FILES_DDL, undefined, 'create output_files');
  await db.run(`delete from output_files where name = $n`, { n: name }, 'output_files');
  await db.run(
    `insert into output_files values ($n, $h, $b::BIGINT, $t::TIMESTAMP)`,
    { n: name, h: sha256File(file), b: String(statSync(file).size), t: new Date().toISOString().replace('T', ' ').replace('Z', '') },
    'output_files',
  );
}

/**
 * Problems that forbid overwriting `dir/leads.xlsx`, or [] when it may be overwritten. `catalog` names the attached
 * database that holds the run's tables (default: db's own).
 */
export async function unimportedWork(db: Db, dir: string, opts: { catalog?: string; command: string } = { command: 'report' }): Promise<Diagnostic[]> {
  const file = join(dir, 'leads.xlsx');
  if (!existsSync(file)) return [];
  const c = opts.catalog;
  const has = async (t: string) =>
    c
      ? Number(await db.scalar(`select count(*) from information_schema.tables where table_catalog = $c and table_name = $t`, { c, t }, 'table exists')) > 0
      : db.tableExists(t);
  const tableRef = (t: string) => (c ? `${c}.${t}` : t);
  if (await has('output_files')) {
    const known = await db.scalar<string>(`select sha256 from ${tableRef('output_files')} where name = 'leads.xlsx'`, undefined, 'output hash');
    if (known && known === sha256File(file)) return [];
  }
  if (!(await has('leads'))) return [];
  await installMacros(db);
  const read = await readWorkingPapers(db, [file], '_x_guard_paper');
  const refuse = (zh: string, en: string): Diagnostic[] => [
    diag(
      'review.unimported_work',
      `${file} ${zh}为了不丢失核查组填写的内容，没有覆盖它。请先导入：xuncha review ${dir} ${file}（导入后再运行 ${opts.command}）；如果这些内容确实不要了，请把该文件移走或改名后再运行。`,
      `${file} ${en} To keep the teams' work, it was not overwritten. Import it first: xuncha review ${dir} ${file} (then run ${opts.command} again); if that content is really not wanted, move or rename the file and run again.`,
      { file },
    ),
  ];
  const readErrors = read.diagnostics.filter((d) => d.level === 'error' && d.code !== 'review.no_lead_id_column');
  if (readErrors.length) {
    return refuse(`无法读取（${readErrors[0].zh}），无法确认其中是否有尚未导入的核查内容。`, `cannot be read (${readErrors[0].en}), so it cannot be checked for review values not yet imported.`);
  }
  await classifyRows(db, { paper: '_x_guard_paper', leads: tableRef('leads'), reviews: (await has('reviews')) ? tableRef('reviews') : null }, '_x_guard_rows');
  const rows = await db.all<{ source_file: string; source_row: number; lead_id: string | null; status: string | null }>(
    `select source_file, source_row, lead_id, status from _x_guard_rows where statement or problem order by file_no, sheet_no, source_row`,
    undefined,
    'unimported rows',
  );
  await db.run(`drop table if exists _x_guard_rows; drop table if exists _x_guard_paper`);
  if (!rows.length) return [];
  const examples = rows
    .slice(0, 5)
    .map((r) => `${r.source_file} 第${r.source_row}行（${r.lead_id ?? '无线索编号'}：${r.status ?? ''}）`)
    .join('；');
  return refuse(
    `中有 ${rows.length} 行核查内容尚未导入数据库，例如：${examples}。`,
    `holds ${rows.length} row(s) of review values that are not in the database, e.g. ${examples}.`,
  );
}

