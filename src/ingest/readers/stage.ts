/**
 * Shared loading machinery: a normalized temp CSV (`_row,_error,_raw,f1..fW`, every value quoted) that any reader
 * written in JS (XLSX, XLS, Arrow, broken CSV) streams rows into, DuckDB read_csv of that file, and the final
 * CREATE TABLE of the stage table with the too-many-fields check.
 */
import fs from 'node:fs';
import type { Db } from '../../db/connection.js';
import { makeProcessTempDir, removeOnAbort } from '../../lifecycle.js';
import { quoteIdent, quoteLiteral } from '../../db/quote.js';

const aborts = new Map<string, () => void>();

/** A temp folder for one reader, named with our pid (a dead run's is swept by the next) and removed if we are stopped. */
export function makeTempDir(): string {
  const dir = makeProcessTempDir('xuncha-read');
  aborts.set(dir, removeOnAbort(dir));
  return dir;
}

export function removeQuietly(p: string | null | undefined): void {
  if (!p) return;
  aborts.get(p)?.();
  aborts.delete(p);
  try {
    fs.rmSync(p, { recursive: true, force: true });
  } catch {
    /* temp files are best effort */
  }
}

const NEEDS_QUOTE = /[",\n\r]|^\s|\s$/;

function q(v: string): string {
  // NUL bytes are not representable in DuckDB VARCHAR reads from CSV; keep the rest of the text
  if (v.indexOf('\0') !== -1) v = v.replace(/\0/g, '');
  if (!NEEDS_QUOTE.test(v)) return v;
  return v.indexOf('"') === -1 ? '"' + v + '"' : '"' + v.replace(/"/g, '""') + '"';
}

/** Streams normalized rows to a temp CSV with backpressure. */
export class NormalizedCsvWriter {
  private out: fs.WriteStream;
  private buf: string[] = [];
  private bufLen = 0;
  width = 0;
  rows = 0;
  /** longest line written, in UTF-16 units (≈ bytes for sizing DuckDB's max_line_size) */
  maxLine = 0;
  private failed: Error | null = null;

  constructor(readonly file: string) {
    this.out = fs.createWriteStream(file);
    this.out.on('error', (e) => (this.failed = e));
  }

  /** cells: '' or null/undefined = empty. Returns a promise only when the caller should wait (backpressure). */
  write(row: number, error: string | null, raw: string | null, cells: ArrayLike<string | null | undefined>): Promise<void> | void {
    let line = String(row) + ',' + (error ? q(error) : '') + ',' + (raw != null ? q(raw) : '');
    let last = cells.length;
    while (last > 0 && !cells[last - 1]) last--;
    for (let i = 0; i < last; i++) {
      const v = cells[i];
      line += v ? ',' + q(v) : ',';
    }
    if (last > this.width) this.width = last;
    this.rows++;
    line += '\n';
    if (line.length > this.maxLine) this.maxLine = line.length;
    this.buf.push(line);
    this.bufLen += line.length;
    if (this.bufLen > 4 << 20) return this.flush();
  }

  private flush(): Promise<void> | void {
    if (this.failed) throw this.failed;
    const s = this.buf.join('');
    this.buf = [];
    this.bufLen = 0;
    if (!this.out.write(s)) return new Promise((res) => this.out.once('drain', () => res()));
  }

  async close(): Promise<void> {
    if (this.bufLen) await this.flush();
    await new Promise<void>((res, rej) => this.out.end((e?: Error | null) => (e ? rej(e) : res())));
    if (this.failed) throw this.failed;
  }
}

export function colsStruct(names: string[], types?: string[]): string {
  return '{' + names.map((n, i) => `${quoteLiteral(n)}: ${quoteLiteral(types?.[i] ?? 'VARCHAR')}`).join(', ') + '}';
}

export function fieldNames(width: number): string[] {
  return Array.from({ length: width }, (_, i) => `f${i + 1}`);
}

const BIG_LINE = 256 * 1024 * 1024;

/** read_csv of a normalized temp file into a temp table `_row,_error,_raw,f1..fW`. */
export async function readNormalized(db: Db, file: string, width: number, tmpTable: string, maxLine = BIG_LINE / 3): Promise<void> {
  const names = ['_row', '_error', '_raw', ...fieldNames(width)];
  const types = ['INTEGER', 'VARCHAR', 'VARCHAR', ...fieldNames(width).map(() => 'VARCHAR')];
  await db.run(
    `create or replace temp table ${quoteIdent(tmpTable)} as select * from read_csv(${quoteLiteral(file)}, header=false, auto_detect=false, ` +
      `delim=',', quote='"', escape='"', new_line='\\n', columns=${colsStruct(names, types)}, null_padding=true, parallel=false, ` +
      `max_line_size=${Math.min(BIG_LINE, Math.max(2097152, Math.ceil(maxLine * 3 + 1024)))}, encoding='utf-8')`,
    undefined,
    'read normalized rows',
  );
}

/**
 * CREATE the stage table from a relation with columns `_row, _error, _raw, f1..fW`.
 * A non-empty cell beyond ncols flags the row `<prefix>.too_many_fields` with the cells joined by `rawDelim` as _raw.
 */
export async function createStage(
  db: Db,
  o: { src: string; width: number; stageTable: string; headerRow: number; ncols: number; prefix: string; rawDelim: string; orderBy?: boolean },
): Promise<void> {
  const { width, ncols } = o;
  const cols: string[] = [];
  for (let k = 1; k <= ncols; k++) cols.push(k <= width ? `f${k} as c${k}` : `null::varchar as c${k}`);
  const extra: string[] = [];
  for (let k = ncols + 1; k <= width; k++) extra.push(`coalesce(f${k}, '') <> ''`);
  const tooMany = extra.length ? extra.join(' or ') : 'false';
  const rawJoin = width
    ? 'concat(' + fieldNames(width).map((f) => `coalesce(${f}, '')`).join(`, ${quoteLiteral(o.rawDelim)}, `) + ')'
    : `''`;
  const sql =
    `create temp table ${quoteIdent(o.stageTable)} as select _row::integer as _row, ` +
    `case when _error is not null then _error when ${tooMany} then ${quoteLiteral(o.prefix + '.too_many_fields')} else null end::varchar as _error, ` +
    `case when _error is not null then _raw when ${tooMany} then coalesce(_raw, rtrim(${rawJoin}, ${quoteLiteral(o.rawDelim)})) else null end::varchar as _raw` +
    (cols.length ? ', ' + cols.join(', ') : '') +
    ` from ${o.src} where _row > ${Number(o.headerRow)}` +
    (o.orderBy ? ' order by _row' : '');
  await db.run(sql, undefined, 'create stage table');
}

export function stageColumns(ncols: number): string[] {
  return ['_row', '_error', '_raw', ...Array.from({ length: ncols }, (_, i) => `c${i + 1}`)];
}
