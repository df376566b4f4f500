/**
 * The reader seam of the ingest stage: one source file → a DuckDB staging table of text cells.
 * Header detection, alias mapping, normalization and row accounting live in the orchestrator, on top of this.
 */
import type { Db } from '../../db/connection.js';

export type SourceFormat = 'csv' | 'xlsx' | 'xls' | 'parquet' | 'arrow';

export interface LoadOptions {
  stageTable: string;
  /** 1-based physical row of the header; rows after it are loaded */
  headerRow: number;
  /** number of columns c1..c{ncols} to create */
  ncols: number;
  /** called at most a few times per second */
  onProgress?: (rowsDone: number, bytesDone: number) => void;
}

export interface OpenedSource {
  format: SourceFormat;
  /** CSV: 'utf-8' | 'utf-8-bom' | 'gb18030' (what was used); else null */
  encoding: string | null;
  /** XLSX/XLS: the sheet name actually read; else null */
  sheet: string | null;
  /**
   * XLSX/XLS: the names of the workbook's visible sheets, in tab order (open one with `sheet:` set to its name);
   * undefined for formats without sheets. Used by ingest to choose or stack sheets (SPEC §3.2).
   */
  sheetNames?: string[];
  /**
   * The first n physical rows as text cells; element i = physical row i+1; merged cells filled with the merge's
   * top-left value; blank rows included as [].
   */
  preview(n: number): Promise<string[][]>;
  /**
   * Load every physical row AFTER headerRow into stageTable (created here):
   * (_row INTEGER, _error VARCHAR, _raw VARCHAR, c1 VARCHAR, …, c{ncols} VARCHAR).
   * Returns rowsRead = number of physical rows in the whole file/sheet (title + header + blank + data + total rows).
   */
  load(db: Db, opts: LoadOptions): Promise<{ rowsRead: number }>;
  close(): Promise<void>;
}
