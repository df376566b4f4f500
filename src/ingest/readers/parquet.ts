/**
 * Parquet reader: DuckDB read_parquet. Column names are the header (physical row 1); data row i is physical
 * row i+1, in file order (file_row_number). Values are cast to text the way the other readers print them:
 * dates 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS', integral doubles without '.0', booleans TRUE/FALSE.
 */
import { Db, DbError } from '../../db/connection.js';
import { quoteIdent, quoteLiteral } from '../../db/quote.js';
import type { SourceSpec } from '../../config/types.js';
import { badColumnar } from './diagnostics.js';
import { createStage } from './stage.js';
import type { LoadOptions, OpenedSource } from './types.js';

interface Col {
  name: string;
  type: string;
}

export function textExpr(col: string, type: string): string {
  const c = quoteIdent(col);
  const t = type.toUpperCase();
  if (t === 'DATE') return `strftime(${c}, '%Y-%m-%d')`;
  if (t.startsWith('TIMESTAMP')) {
    return `case when ${c}::time = '00:00:00'::time then strftime(${c}::timestamp, '%Y-%m-%d') else strftime(${c}::timestamp, '%Y-%m-%d %H:%M:%S') end`;
  }
  if (t === 'DOUBLE' || t === 'FLOAT' || t === 'REAL') {
    return `case when isfinite(${c}) and ${c} = trunc(${c}) and abs(${c}) < 1e18 then (${c}::hugeint)::varchar else ${c}::varchar end`;
  }
  if (t === 'BOOLEAN') return `case when ${c} then 'TRUE' when not ${c} then 'FALSE' end`;
  if (t === 'BLOB') return `hex(${c})`;
  return `${c}::varchar`;
}

/**
 * A read of the file's data that fails in the engine (pages overwritten, truncated row groups: "Parquet file is
 * likely corrupted") is the file's fault; running out of memory or disk, or being interrupted, is not.
 */
function corruptOr(spec: SourceSpec, e: unknown): unknown {
  if (!(e instanceof DbError) || /Out of Memory|No space left|INTERRUPT|Interrupted/i.test(e.engineMessage)) return e;
  return badColumnar(spec.displayPath, 'parquet', (e.engineMessage.split('\n')[0] ?? '').slice(0, 300));
}

export class ParquetSource implements OpenedSource {
  readonly format = 'parquet' as const;
  readonly encoding = null;
  readonly sheet = null;

  private constructor(
    readonly spec: SourceSpec,
    private cols: Col[],
  ) {}

  private static rel(path: string): string {
    return `read_parquet(${quoteLiteral(path)}, file_row_number=true)`;
  }

  static async open(spec: SourceSpec): Promise<ParquetSource> {
    const db = await Db.open(':memory:', { threads: 1 });
    try {
      const rows = await db.all<{ column_name: string; column_type: string }>(`describe select * from ${ParquetSource.rel(spec.path)}`);
      const cols = rows.filter((r) => r.column_name !== 'file_row_number').map((r) => ({ name: r.column_name, type: r.column_type }));
      return new ParquetSource(spec, cols);
    } catch (e) {
      throw badColumnar(spec.displayPath, 'parquet', ((e as Error).message.split('\n')[0] ?? '').slice(0, 300));
    } finally {
      db.close();
    }
  }

  async preview(n: number): Promise<string[][]> {
    if (n <= 0) return [];
    const out: string[][] = [this.cols.map((c) => c.name)];
    if (n === 1) return out;
    const db = await Db.open(':memory:', { threads: 1 });
    try {
      const sel = this.cols.map((c, i) => `${textExpr(c.name, c.type)} as f${i + 1}`).join(', ');
      const rows = await db.all<Record<string, string | null>>(
        `select ${sel || '1 as f0'} from ${ParquetSource.rel(this.spec.path)} order by file_row_number limit ${Math.floor(n - 1)}`,
      );
      for (const r of rows) out.push(this.cols.map((_, i) => r[`f${i + 1}`] ?? ''));
      return out;
    } catch (e) {
      throw corruptOr(this.spec, e);
    } finally {
      db.close();
    }
  }

  async load(db: Db, opts: LoadOptions): Promise<{ rowsRead: number }> {
    const width = this.cols.length;
    const sel = this.cols.map((c, i) => `${textExpr(c.name, c.type)} as f${i + 1}`);
    const src =
      `(select (file_row_number + 2)::integer as _row, null::varchar as _error, null::varchar as _raw` +
      (sel.length ? ', ' + sel.join(', ') : '') +
      ` from ${ParquetSource.rel(this.spec.path)})`;
    let n: number;
    try {
      await createStage(db, { src, width, stageTable: opts.stageTable, headerRow: opts.headerRow, ncols: opts.ncols, prefix: 'parquet', rawDelim: '\t', orderBy: true });
      n = Number(await db.scalar(`select count(*) from ${ParquetSource.rel(this.spec.path)}`));
    } catch (e) {
      throw corruptOr(this.spec, e);
    }
    opts.onProgress?.(n + 1, 0);
    return { rowsRead: n + 1 };
  }

  async close(): Promise<void> {}
}
