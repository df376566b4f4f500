/**
 * Installs the shared DuckDB macros (every `sql/macros/*.sql`, in file-name order) and the reference tables
 * they need (`_ref_region`: GB/T 2260 codes ever in use, from fixtures/ref/gbt2260-areacodes, CC0).
 * Idempotent: safe to call on a database that already has them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../db/connection.js';
import { quoteLiteral } from '../db/quote.js';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MACRO_DIR = join(PROJECT_ROOT, 'sql', 'macros');
export const REGION_CSV = join(PROJECT_ROOT, 'fixtures', 'ref', 'gbt2260-areacodes', 'result.csv');

export async function installMacros(db: Db): Promise<void> {
  await loadRegionCodes(db);
  const files = readdirSync(MACRO_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  for (const f of files) {
    await db.run(readFileSync(join(MACRO_DIR, f), 'utf8'), undefined, `macros ${f}`);
  }
}

export async function loadRegionCodes(db: Db): Promise<void> {
  if (await db.tableExists('_ref_region')) return;
  // COPY-style table functions cannot take bound parameters for the path: quoteLiteral is the one escape.
  // plus the city-level 市辖区 code xxxx01 of every prefecture-level 市 (320101, 411401): county lists omit them, but
  // IDs were issued under them (SPEC §3.2; mirror in normalize/id-number.ts loadRegionCodeSet)
  await db.run(
    `create table _ref_region as
       with src as (select cast("代码" as varchar) as code, "名称" as name, "级别" as level
                    from read_csv(${quoteLiteral(REGION_CSV)}, header = true, all_varchar = true))
       select distinct code from (
         select code from src where regexp_full_match(code, '[0-9]{6}')
         union all
         select left(code, 4) || '01' from src where regexp_full_match(code, '[0-9]{6}') and level = '地级' and suffix(name, '市'))`,
    undefined,
    'load region codes',
  );
}
