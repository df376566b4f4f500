/** rejects.csv (SPEC §2.3): every row that could not be loaded — source file, row, reason, the raw row. UTF-8 BOM. */
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import type { Db } from '../db/connection.js';
import { quoteLiteral } from '../db/quote.js';

/** The temp file DuckDB COPYs the body to (a run allows exactly this path in its sandbox: db/sandbox.ts). */
export function rejectsCsvBodyPath(file: string): string {
  return file + '.body';
}

export async function writeRejectsCsv(db: Db, file: string): Promise<number> {
  const tmp = rejectsCsvBodyPath(file);
  await db.run(
    `copy (
       select xc_formula_guard(source_file) as "来源文件/source_file", source_row as "行号/source_row",
              table_name as "表/table", reason_code as "原因代码/reason_code", xc_formula_guard(reason_zh) as "原因/reason",
              xc_formula_guard(raw) as "原始行/raw"
       from rejects order by source_file, source_row
     ) to ${quoteLiteral(tmp)} (header, delimiter ',', quote '"')`,
    undefined,
    'write rejects.csv',
  );
  writeFileSync(file, Buffer.concat([Buffer.from('\uFEFF', 'utf8'), readFileSync(tmp)]));
  rmSync(tmp, { force: true });
  return Number(await db.scalar('select count(*) from rejects'));
}
