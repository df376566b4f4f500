/**
 * Base of the readers whose rows come from JS (XLSX, XLS, Arrow): one pass over the file spools every row into a
 * normalized temp CSV (so memory does not grow with the file) and keeps the first rows for preview; load() then
 * reads the spool with DuckDB read_csv. Rows missing from the file between two rows with values are blank rows;
 * rowsRead is the last row that holds a value (formatting-only rows at the end of a sheet are not rows).
 */
import path from 'node:path';
import type { Db } from '../../db/connection.js';
import { quoteIdent } from '../../db/quote.js';
import { fillMerges, type MergeRange } from './cell-format.js';
import { throttle } from './progress.js';
import { createStage, makeTempDir, NormalizedCsvWriter, readNormalized, removeQuietly } from './stage.js';
import type { LoadOptions, OpenedSource, SourceFormat } from './types.js';
import { DEFAULT_LIMITS, type ReaderLimits } from './limits.js';

export const HEAD_CACHE = 1000;

export class RowSpool {
  readonly head: string[][] = [];
  lastRow = 0;
  private pendingFrom = 0;
  constructor(
    private writer: NormalizedCsvWriter,
    private tick: (rows: number) => void,
    /** cells past maxColumns are never stored: such a row is `tooManyCode` with its cells as raw text */
    private maxColumns = DEFAULT_LIMITS.maxColumns,
    private tooManyCode = 'too_many_fields',
  ) {}

  /**
   * rowNo: 1-based physical row, strictly increasing. `overflow`: texts of cells beyond maxColumns the reader did
   * not place in `cells`. Returns a promise only under write backpressure.
   */
  row(rowNo: number, cells: string[], keepEmpty = false, overflow: string[] | null = null): Promise<void> | void {
    let any = keepEmpty || !!overflow?.length;
    for (let i = 0; i < cells.length; i++) {
      if (cells[i]) {
        any = true;
        break;
      }
    }
    if (!any) return;
    let error: string | null = null;
    let raw: string | null = null;
    if (overflow?.length || cells.length > this.maxColumns) {
      const extra = cells.slice(this.maxColumns).filter((c) => c);
      if (extra.length || overflow?.length) {
        error = this.tooManyCode;
        raw = [...cells.slice(0, this.maxColumns), ...extra, ...(overflow ?? [])].join('\t').replace(/\t+$/, '');
      }
      cells = cells.slice(0, this.maxColumns);
    }
    let wait: Promise<void> | undefined;
    for (let r = this.lastRow + 1; r < rowNo; r++) {
      if (r <= HEAD_CACHE) this.head[r - 1] = [];
      const w = this.writer.write(r, null, null, []);
      if (w) wait = wait ? wait.then(() => w) : w;
    }
    // the preview shows one cell past the limit, so a header wider than max_columns is seen as such (ingest)
    if (rowNo <= HEAD_CACHE) this.head[rowNo - 1] = error === this.tooManyCode ? [...cells, '…'] : cells;
    const w = this.writer.write(rowNo, error, raw, cells);
    if (w) wait = wait ? wait.then(() => w) : w;
    this.lastRow = rowNo;
    this.tick(rowNo);
    return wait;
  }
}

export interface SpoolResult {
  merges: MergeRange[];
}

export abstract class SpooledSource implements OpenedSource {
  abstract readonly format: SourceFormat;
  encoding: string | null = null;
  sheet: string | null = null;
  sheetNames?: string[];
  protected abstract readonly errorPrefix: string;
  /** bounds on hostile files (limits.ts); readers set them from the pipeline's engine: block */
  protected limits: ReaderLimits = DEFAULT_LIMITS;
  private tmpDir: string | null = null;
  private state: { file: string; width: number; maxLine: number; rowsRead: number; head: string[][]; merges: MergeRange[] } | null = null;
  private pending: Promise<void> | null = null;

  /** Emit every row of the sheet/file through spool.row(), in increasing row order. */
  protected abstract spool(spool: RowSpool): Promise<SpoolResult>;
  /** Called when the file turns out to hold no value at all. */
  protected abstract emptyError(): Error;

  private async ensure(onProgress?: (rows: number, bytes: number) => void): Promise<void> {
    if (this.state) return;
    if (!this.pending) {
      this.pending = (async () => {
        this.tmpDir = makeTempDir();
        const file = path.join(this.tmpDir, 'rows.csv');
        const writer = new NormalizedCsvWriter(file);
        const progress = throttle(onProgress);
        const sp = new RowSpool(writer, (r) => progress.tick(r, 0), this.limits.maxColumns, `${this.errorPrefix}.too_many_fields`);
        let res: SpoolResult;
        try {
          res = await this.spool(sp);
        } finally {
          await writer.close().catch(() => undefined);
        }
        if (sp.lastRow === 0) throw this.emptyError();
        progress.done(sp.lastRow, 0);
        const head = sp.head.slice(0, sp.lastRow);
        for (let i = 0; i < head.length; i++) if (!head[i]) head[i] = [];
        fillMerges(head, res.merges);
        this.state = { file, width: writer.width, maxLine: writer.maxLine, rowsRead: sp.lastRow, head, merges: res.merges };
      })();
      this.pending.catch(() => undefined);
    }
    await this.pending;
  }

  async preview(n: number): Promise<string[][]> {
    await this.ensure();
    return this.state!.head.slice(0, n).map((r) => r.slice());
  }

  async load(db: Db, opts: LoadOptions): Promise<{ rowsRead: number }> {
    await this.ensure(opts.onProgress);
    const st = this.state!;
    const tmp = `_x_spool_${process.pid}_${Date.now()}`;
    try {
      await readNormalized(db, st.file, st.width, tmp, st.maxLine);
      await createStage(db, {
        src: quoteIdent(tmp),
        width: st.width,
        stageTable: opts.stageTable,
        headerRow: opts.headerRow,
        ncols: opts.ncols,
        prefix: this.errorPrefix,
        rawDelim: '\t',
      });
    } finally {
      await db.run(`drop table if exists ${quoteIdent(tmp)}`);
    }
    await this.applyMerges(db, opts);
    opts.onProgress?.(st.rowsRead, 0);
    return { rowsRead: st.rowsRead };
  }

  /**
   * Fill merged cells below the header with their top-left value: the ranges go into a temp table (values of
   * top-left cells in the preview cache bound from JS, the others looked up in the stage table), then one
   * range-join UPDATE per column.
   */
  private async applyMerges(db: Db, opts: LoadOptions): Promise<void> {
    const st = this.state!;
    const merges = st.merges.filter((m) => m.r2 > opts.headerRow && m.c1 <= opts.ncols);
    if (!merges.length) return;
    const t = quoteIdent(opts.stageTable);
    const mt = quoteIdent(`_x_merges_${process.pid}_${Date.now()}`);
    await db.run(`create or replace temp table ${mt} (r1 integer, c1 integer, r2 integer, c2 integer, v varchar)`);
    try {
      for (let i = 0; i < merges.length; i += 200) {
        const batch = merges.slice(i, i + 200);
        const params: (number | string | null)[] = [];
        const values = batch.map((m, k) => {
          const v = m.r1 <= st.head.length ? (st.head[m.r1 - 1]?.[m.c1 - 1] ?? '') : null;
          params.push(m.r1, m.c1, m.r2, Math.min(m.c2, opts.ncols), v);
          const b = k * 5;
          return `($${b + 1}::integer, $${b + 2}::integer, $${b + 3}::integer, $${b + 4}::integer, $${b + 5}::varchar)`;
        });
        await db.run(`insert into ${mt} values ${values.join(', ')}`, params, 'merged ranges');
      }
      const firstCols = [...new Set(merges.filter((m) => m.r1 > st.head.length).map((m) => m.c1))];
      for (const c of firstCols) {
        await db.run(`update ${mt} set v = s.c${c} from ${t} s where ${mt}.v is null and ${mt}.c1 = ${c} and s._row = ${mt}.r1`, undefined, 'merged values');
      }
      const maxCol = Math.min(opts.ncols, Math.max(...merges.map((m) => m.c2)));
      const minCol = Math.min(...merges.map((m) => m.c1));
      for (let c = minCol; c <= maxCol; c++) {
        await db.run(
          `update ${t} set c${c} = m.v from ${mt} m where m.c1 <= ${c} and ${c} <= m.c2 and ${t}._row between m.r1 and m.r2 ` +
            `and (${t}.c${c} is null or ${t}.c${c} = '') and not (${t}._row = m.r1 and m.c1 = ${c}) and coalesce(m.v, '') <> ''`,
          undefined,
          'fill merged cells',
        );
      }
    } finally {
      await db.run(`drop table if exists ${mt}`);
    }
  }

  async close(): Promise<void> {
    removeQuietly(this.tmpDir);
    this.tmpDir = null;
  }
}
