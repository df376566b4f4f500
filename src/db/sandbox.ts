/**
 * The rule sandbox. Rule SQL — built-in and, above all, custom rule packs received from other teams — runs on a
 * DuckDB instance whose external access is off and whose configuration is locked (DuckDB `enable_external_access`,
 * `allowed_paths`, `lock_configuration`). Measured on the engine we ship (DuckDB 1.5.6, test/rules/sandbox.test.ts):
 * read_csv/read_csv_auto/read_text/read_blob/read_json/read_ndjson_objects/read_parquet/parquet_metadata/
 * sniff_csv/glob, COPY TO/FROM, ATTACH, INSTALL/LOAD, http(s) URLs and duckdb_extensions() all fail with a
 * Permission Error; SET/RESET/PRAGMA of any option fail with "the configuration has been locked". Spilling to
 * the temp directory, CHECKPOINT and the database file itself keep working (they are the engine's own files).
 *
 * Order matters and is one-way: DuckDB refuses to change allowed_paths once external access is off, and nothing
 * can turn access back on for that instance. So a run ingests first (DuckDB reads the input files), then enters
 * the sandbox with the exact paths of the few files the run itself writes with COPY afterwards (leads.csv and
 * rejects.csv bodies: see outputs/), then runs the rules. Those paths do not exist while the rules run, and every
 * byte the run writes to them comes from the database the rules can already read.
 */
import type { Db } from './connection.js';
import { quoteLiteral } from './quote.js';

export interface SandboxOptions {
  /** files DuckDB may still read or write after the lock (the run's own COPY outputs); absolute paths */
  allowedPaths?: string[];
}

/** true when external access is already off on this instance (the lock cannot be undone). */
export async function isSandboxed(db: Db): Promise<boolean> {
  const v = await db.scalar<string | boolean>(`select current_setting('enable_external_access')`, undefined, 'sandbox state');
  return v === false || v === 'false';
}

/**
 * Turns external access off and locks the configuration, for the rest of this instance's life. Idempotent: on an
 * instance already locked it changes nothing (its allowed paths stay what they were).
 */
export async function enterSandbox(db: Db, opts: SandboxOptions = {}): Promise<void> {
  if (await isSandboxed(db)) return;
  const paths = opts.allowedPaths ?? [];
  if (paths.length) await db.run(`set allowed_paths = [${paths.map(quoteLiteral).join(', ')}]`, undefined, 'sandbox: allowed paths');
  await db.run(`set enable_external_access = false`, undefined, 'sandbox: external access off');
  await db.run(`set lock_configuration = true`, undefined, 'sandbox: lock configuration');
}
